"""Rotating the key: old histories still decode and replay, new payloads use the new key."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from adapters.postgres.event_store import create_pool
from contracts.unreadable import unreadable_reason
from domain.ids import workflow_id
from iurc.codec import (
    KEY_ID,
    EncryptionCodec,
    KeyRing,
    MissingKeyError,
    UndecryptablePayloadError,
    encrypted_converter,
)
from iurc.journey import journey
from tests.principals import OFFICER
from tests.privacy.support import history_payloads
from tests.temporal_support import running_worker
from workflows.pairing import PairingWorkflow

K1 = "k1:" + base64.b64encode(bytes(range(1, 33))).decode()
K2 = "k2:" + base64.b64encode(bytes(range(33, 65))).decode()
PLAIN = Payload(
    metadata={"encoding": b"json/plain"},
    data=b'{"name":"Kim Min-ji","email":"minji.kim@busan.example.org"}',
)


def codec(keys: str, active: str | None = None) -> EncryptionCodec:
    return EncryptionCodec(KeyRing.parse(keys, active))


async def test_after_rotation_old_payloads_decode_and_new_ones_use_the_new_key() -> None:
    (old,) = await codec(K1).encode([PLAIN])
    assert old.metadata[KEY_ID] == b"k1"
    assert b"minji" not in old.data

    rotated = codec(f"{K2},{K1}")
    assert await rotated.decode([old]) == [PLAIN]
    (new,) = await rotated.encode([PLAIN])
    assert new.metadata[KEY_ID] == b"k2"
    assert await rotated.decode([new]) == [PLAIN]


async def test_a_second_key_can_be_added_inactive_first() -> None:
    """Step one of a rotation: every process learns k2 while k1 still seals."""
    staged = codec(f"{K1},{K2}", active="k1")
    (sealed,) = await staged.encode([PLAIN])
    assert sealed.metadata[KEY_ID] == b"k1"
    (by_k2,) = await codec(K2).encode([PLAIN])
    assert await staged.decode([by_k2]) == [PLAIN]


async def test_a_ring_without_the_old_key_fails_naming_it() -> None:
    (old,) = await codec(K1).encode([PLAIN])
    with pytest.raises(MissingKeyError, match="encrypted with key 'k1'") as missing:
        codec(K2).open(old)
    assert missing.value.key_id == "k1"
    (marker,) = await codec(K2).decode([old])  # a worker's decode never raises: it marks
    assert "encrypted with key 'k1'" in (unreadable_reason(marker.metadata) or "")


async def test_another_key_under_the_same_id_fails_clearly() -> None:
    (sealed,) = await codec(K1).encode([PLAIN])
    impostor = "k1:" + K2.split(":")[1]
    with pytest.raises(UndecryptablePayloadError, match="'k1'"):
        codec(impostor).open(sealed)


async def test_payloads_from_before_encryption_pass_through_only_where_admitted() -> None:
    assert await codec(K2).decode([PLAIN]) == [PLAIN]
    strict = EncryptionCodec(KeyRing.parse(K2), admit_plaintext=False)
    (marker,) = await strict.decode([PLAIN])
    assert "not sealed with a key of this service" in (unreadable_reason(marker.metadata) or "")


async def test_every_payload_gets_its_own_nonce() -> None:
    first, second = await codec(K1).encode([PLAIN, PLAIN])
    assert first.data[:12] != second.data[:12]
    assert first.data != second.data


async def test_a_history_recorded_under_k1_replays_with_k2_active(
    privacy_env: WorkflowEnvironment, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A full pairing history sealed with k1, replayed by workers that rotated to k2."""
    k1_client = await Client.connect(
        privacy_env.client.service_client.config.target_host,
        namespace=privacy_env.client.namespace,
        data_converter=encrypted_converter(KeyRing.parse(K1)),
    )
    pool = await create_pool(database_url, min_size=1, max_size=4)
    try:
        async with running_worker(k1_client, pool) as pairings:
            now = datetime.now(UTC)
            view = await pairings.start("dublin", "seoul", cycle=2032, now=now)
            steps = journey("dublin", "seoul", now)
            keys = [key for key, _ in steps]
            for key, command in steps[: keys.index("plan-v1") + 1]:
                await pairings.execute(view.pairing_id, command, principal=OFFICER, command_id=key)
    finally:
        await pool.close()
    history = await k1_client.get_workflow_handle(workflow_id(view.pairing_id)).fetch_history()
    assert {p.metadata[KEY_ID] for p in history_payloads(history)} == {b"k1"}

    rotated = Replayer(
        workflows=[PairingWorkflow],
        data_converter=encrypted_converter(KeyRing.parse(f"{K2},{K1}")),
    )
    result = await rotated.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None

    forgot_k1 = Replayer(
        workflows=[PairingWorkflow], data_converter=encrypted_converter(KeyRing.parse(K2))
    )
    with caplog.at_level(logging.WARNING):
        result = await forgot_k1.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None
    # The workflow task fails (and would retry until the key is back); the run is not failed.
    assert "Nondeterminism" not in str(result.replay_failure)
    logged = "\n".join(
        str(record.exc_info[1]) for record in caplog.records if record.exc_info is not None
    )
    assert "encrypted with key 'k1'" in logged, "the worker's log says which key to add back"
