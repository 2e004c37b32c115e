"""No stakeholder name or e-mail address reaches the Temporal server in plaintext."""

from __future__ import annotations

import json
from pathlib import Path

from temporalio.client import WorkflowHistory

from iurc.codec import ENCODING, KEY_ID, EncryptionCodec
from tests.privacy.conftest import RecordedPairing
from tests.privacy.support import found_in, history_payloads, personal_data, raw_bytes
from tests.temporal_support import test_data_converter

HISTORIES = Path(__file__).resolve().parent.parent / "histories"


def codec() -> EncryptionCodec:
    found = test_data_converter().payload_codec
    assert isinstance(found, EncryptionCodec)
    return found


def test_the_check_finds_people_in_a_history_recorded_before_encryption(
    recorded: RecordedPairing,
) -> None:
    """The control: the same search over an unencrypted history finds them, so it can fail."""
    leaked: set[str] = set()
    for path in (HISTORIES / "v1").glob("full_lifecycle-run*.json"):  # recorded unencrypted
        raw = path.read_text()
        workflow_id = json.loads(raw)["events"][0]["workflowExecutionStartedEventAttributes"]
        history = WorkflowHistory.from_json(workflow_id.get("workflowId", path.stem), raw)
        leaked |= found_in(raw_bytes(history), personal_data(recorded.people))
    assert "government.1@rotterdam.example.org" in leaked
    assert "Government Person 1" in leaked


def test_the_raw_history_holds_no_stakeholder_name_or_email(recorded: RecordedPairing) -> None:
    secrets = personal_data(recorded.people)
    assert len(secrets) >= 8, "the plan names people of all four helices in both cities"
    assert found_in(raw_bytes(recorded.raw), secrets) == set()


def test_every_payload_but_search_attributes_is_sealed_with_the_active_key(
    recorded: RecordedPairing,
) -> None:
    payloads = history_payloads(recorded.raw)
    assert len(payloads) > 20
    assert {p.metadata.get("encoding") for p in payloads} == {ENCODING}
    assert {p.metadata.get(KEY_ID) for p in payloads} == {codec().ring.active.encode()}


async def test_with_the_keys_the_same_payloads_decode_to_the_people(
    recorded: RecordedPairing,
) -> None:
    decoded = await codec().decode(history_payloads(recorded.raw))
    plain = b"\n".join(payload.data for payload in decoded)
    assert found_in(plain, personal_data(recorded.people)) == personal_data(recorded.people)
    assert {p.metadata.get("encoding") for p in decoded} <= {b"json/plain", b"binary/null"}
