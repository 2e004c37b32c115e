"""One bad message never stops a pairing: payloads the worker cannot open are refused or
recorded as rejected, never a workflow task that fails again and again.

Each case is a payload as a real outsider could put it on the wire: sealed with a key the
worker does not hold (a retired key, after step 3 of a rotation), ciphertext cut short,
ciphertext that opens to something that is no payload, a sealed payload of an encoding no
converter knows. After all of them the pairing still answers, and its history holds no
failed workflow task.
"""

from __future__ import annotations

import base64
import os

import asyncpg
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from contracts.pairing import SIGNAL_SUBMIT, UPDATE_EXECUTE
from domain import commands as cmd
from domain import events as ev
from domain.ids import workflow_id
from iurc.client import PairingClient, update_id
from iurc.codec import ENCODING, KEY_ID, PLAIN_CONVERTER, KeyRing, encrypted_converter
from tests.principals import OFFICER, OFFICER_JSON
from tests.temporal_support import TEST_CODEC_KEYS, eventually, history_event_types

PAIRING = "rotterdam-busan-2021"
RETIRED = "retired:" + base64.b64encode(bytes(range(100, 132))).decode()
TEST_KEY = KeyRing.parse(TEST_CODEC_KEYS).keys["test-2"]


def sealed_as_by_the_worker(plain: bytes) -> Payload:
    """Ciphertext under the worker's own active key, of bytes of our choosing."""
    nonce = os.urandom(12)
    data = nonce + AESGCM(TEST_KEY).encrypt(nonce, plain, b"test-2")
    return Payload(metadata={"encoding": ENCODING, KEY_ID: b"test-2"}, data=data)


def signal_payload() -> bytes:
    envelope = b'{"principal": {"role": "operator", "name": "x"}, "command_id": "k", '
    return envelope + b'"command": {"kind": "resume"}}'


UNREADABLE = {
    "truncated ciphertext": (
        Payload(metadata={"encoding": ENCODING, KEY_ID: b"test-2"}, data=b"short"),
        "truncated",
    ),
    "opens to no payload": (sealed_as_by_the_worker(b"\xff\xfe not protobuf"), "holds no payload"),
    "an encoding no converter knows": (
        sealed_as_by_the_worker(
            Payload(metadata={"encoding": b"binary/xml"}, data=b"<resume/>").SerializeToString()
        ),
        "binary/xml",
    ),
}


async def keyless(env: WorkflowEnvironment) -> Client:
    """A client that puts payloads on the wire exactly as given (no codec)."""
    return await Client.connect(
        env.client.service_client.config.target_host,
        namespace=env.client.namespace,
        data_converter=PLAIN_CONVERTER,
    )


async def rejections(pairings: PairingClient, count: int) -> list[ev.CommandRejected]:
    found = await eventually(
        lambda: pairings.events(PAIRING),
        lambda events: sum(isinstance(r.event, ev.CommandRejected) for r in events) >= count,
    )
    return [r.event for r in found if isinstance(r.event, ev.CommandRejected)]


async def test_signals_the_worker_cannot_open_are_recorded_as_rejected(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    retired = await Client.connect(
        env.client.service_client.config.target_host,
        namespace=env.client.namespace,
        data_converter=encrypted_converter(KeyRing.parse(RETIRED)),
    )
    await retired.get_workflow_handle(workflow_id(PAIRING)).signal(
        SIGNAL_SUBMIT,
        {"principal": OFFICER_JSON, "command_id": "k0", "command": {"kind": "resume"}},
    )
    outsider = (await keyless(env)).get_workflow_handle(workflow_id(PAIRING))
    for payload, _ in UNREADABLE.values():
        await outsider.signal(SIGNAL_SUBMIT, RawValue(payload))
    reasons = [r.reason for r in await rejections(pairings, 1 + len(UNREADABLE))]
    assert "encrypted with key 'retired', which is not in the key ring" in reasons[0]
    for (_, expected), reason in zip(UNREADABLE.values(), reasons[1:], strict=True):
        assert expected in reason
    view = await pairings.execute(
        PAIRING, cmd.ConfirmParticipation(city="busan"), principal=OFFICER
    )
    assert view.version == 2 + 1 + len(UNREADABLE)
    assert "EVENT_TYPE_WORKFLOW_TASK_FAILED" not in await history_event_types(env.client, PAIRING)


@pytest.mark.parametrize("case", sorted(UNREADABLE))
async def test_updates_the_worker_cannot_open_are_refused_and_leave_nothing(
    env: WorkflowEnvironment, pairings: PairingClient, case: str
) -> None:
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    outsider = (await keyless(env)).get_workflow_handle(workflow_id(PAIRING))
    payload, _ = UNREADABLE[case]
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await outsider.execute_update(
            UPDATE_EXECUTE, RawValue(payload), id=update_id("k1", cmd.Resume())
        )
    assert isinstance(failed.value.cause, ApplicationError)
    assert failed.value.cause.type == "InvalidCommandError"
    assert len(await pairings.events(PAIRING)) == 1
    history = await history_event_types(env.client, PAIRING)
    assert "EVENT_TYPE_WORKFLOW_TASK_FAILED" not in history
    assert "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED" not in history


async def test_a_malformed_update_says_what_is_malformed_and_is_final(
    env: WorkflowEnvironment, pairings: PairingClient
) -> None:
    """It was "Failed decoding arguments (RuntimeError, retryable: true)"."""
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    workflow = env.client.get_workflow_handle(workflow_id(PAIRING))
    malformed = {"principal": OFFICER_JSON, "command": {"kind": "pause"}}
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await workflow.execute_update(
            UPDATE_EXECUTE, malformed, id=update_id("k1", cmd.Pause(reason="x"))
        )
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.non_retryable) == ("InvalidCommandError", True)
    assert "malformed command: command.pause.reason: Field required" in cause.message
