"""What the pairing workflow takes in: its start, its update ids, its commands and signals.

Everything that arrives from outside is judged here before the workflow acts on it: a
start must really be this pairing's (or really continue it), an update id must carry the
fingerprint of its command, a command must come from a principal with the right to send
it, and a signal that cannot be read or accepted becomes a recorded rejection, never a
failed workflow task.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from contracts.pairing import PairingWorkflowInput
    from contracts.recording import FIND_RECORDED_KEY, KeyFound, KeyLookup
    from contracts.unreadable import unreadable_reason
    from domain import events as ev
    from domain.commands import KEY_RULE, Command, CommandEnvelope, CommandRequest, is_key
    from domain.decider import decide, reject
    from domain.errors import DomainError, ReusedKeyError, explain
    from domain.events import Event
    from domain.idempotency import command_fingerprint
    from domain.ids import workflow_id
    from domain.state import PairingState

KEY_WINDOW_PATCH = "keys-beyond-window-from-store"
"""Since this patch, a key older than the state's window of remembered keys is looked up in
the event store before its command is decided."""
LOOKUP_TIMEOUT = timedelta(seconds=30)
LOOKUP_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
SIGNAL_PRINCIPALS_PATCH = "signals-name-principals"
"""Since this patch, a signalled command that names no principal (only a typed actor) is
recorded as rejected; signals handled before it were accepted as their actor typed them."""

REFUSED_START = "RefusedStartError"


def start_of(raw: RawValue) -> PairingWorkflowInput | str:
    """The start input, or why a brand-new run must be refused (nothing of it is recorded).

    Unreadable input to a run that already recorded something, or that continues an earlier
    one, is not refused: it was readable when it was written, so the worker lacks a key or a
    setting. Raising fails the workflow task, which retries until the worker is mended.
    """
    try:
        start: PairingWorkflowInput = workflow.payload_converter().from_payload(
            raw.payload, PairingWorkflowInput
        )
    except Exception as unreadable:
        info = workflow.info()
        if workflow.unsafe.is_replaying() or info.continued_run_id is not None:
            raise
        return f"the start of workflow {info.workflow_id} cannot be read: {unreadable}"[:2000]
    return start_refusal(start) or start


def start_refusal(start: PairingWorkflowInput) -> str | None:
    """Why this workflow must not run with this input, or None: a start that is not this
    pairing's, or carried state that does not come from this pairing's continue-as-new."""
    info = workflow.info()
    if start.carried is not None:
        pairing = start.carried.state.pairing_id
        if info.continued_run_id is None:
            return (
                f"workflow {info.workflow_id} was started with carried state: a pairing "
                "accepts carried state only from its own continue-as-new"
            )
    else:
        assert start.proposed is not None, "PairingWorkflowInput requires one of the two"
        pairing = start.proposed.pairing_id
    if info.workflow_id != workflow_id(pairing):
        return (
            f"workflow {info.workflow_id} does not carry its own pairing (it carries "
            f"{pairing[:120]!r}, whose workflow is {workflow_id(pairing)[:130]!r})"
        )
    return None


def refused(message: str, kind: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


def request_of(raw: RawValue) -> CommandRequest:
    """An update's argument, or an ApplicationError that says what is wrong with it.

    Taken raw so that a payload the codec could not open, or JSON that is no command, is
    refused with its reason (the SDK would say "Failed decoding arguments", retryable).
    """
    reason = unreadable_reason(raw.payload.metadata)
    if reason is not None:
        raise refused(f"unreadable payload: {reason}", "InvalidCommandError")
    try:
        request: CommandRequest = workflow.payload_converter().from_payload(
            raw.payload, CommandRequest
        )
    except ValidationError as invalid:
        reason = explain(invalid, "request")
        raise refused(f"malformed command: {reason}"[:4000], "InvalidCommandError") from None
    except Exception as unreadable:  # not JSON at all
        reason = str(unreadable)
        raise refused(f"malformed command: {reason}"[:4000], "InvalidCommandError") from None
    return request


def update_key(request: CommandRequest, *, validating: bool) -> str:
    """The idempotency key of the running update: its id up to the `#`.

    An update id is `<key>#<fingerprint of the command>`. Temporal answers a repeated
    update id in one run with the first one's result without asking the workflow, so the
    fingerprint in the id is what lets a *different* command under a used key reach the
    domain, which refuses it. The validator therefore refuses ids without it, or with one
    that is not its command's: none of them can ever be answered with another command's
    result. (Histories from before this rule replay; replay runs no validator.)
    """
    info = workflow.current_update_info()
    assert info is not None, "only called from the update handler or its validator"
    key, hash_sign, fingerprint = info.id.partition("#")
    if not validating:
        return key
    if not is_key(key):
        raise refused(
            f"idempotency key {key[:100]!r} is not usable: {KEY_RULE}", "InvalidCommandError"
        )
    expected = command_fingerprint(request.command)
    if not hash_sign or fingerprint != expected:
        raise refused(
            f"update id {info.id[:150]!r} must be `<idempotency key>#<fingerprint>`, here "
            f"{key[:100]}#{expected} (README, wire format); the fingerprint ties the key to "
            "its command",
            "InvalidCommandError",
        )
    return key


INTERNAL_ERROR = "InternalError"


def decided(state: PairingState, request: CommandRequest, key: str) -> list[Event]:
    """The events an update's command records, or an ApplicationError with the refusal.

    A rule that fails on what the pairing holds (a bug, or a value stored before a check
    existed) refuses the command instead of failing the workflow task again and again.
    """
    try:
        return decide(
            state,
            request.command,
            command_id=key,
            principal=request.sender,
            on_behalf_of=request.on_behalf_of,
            now=workflow.now(),
        )
    except DomainError as refusal:
        raise refused(refusal.message, type(refusal).__name__) from None
    except Exception as bug:
        raise refused(could_not(request.command.kind, bug), INTERNAL_ERROR) from None


def could_not(kind: str, bug: Exception) -> str:
    return (
        f"cannot {kind.replace('_', ' ')}: the pairing could not decide it "
        f"({type(bug).__name__}: {str(bug)[:300]}); it is unchanged; please report this"
    )


async def recorded_before(state: PairingState, command: Command, key: str) -> bool:
    """Whether `key`, older than the pairing's window of remembered keys, recorded this very
    command (ReusedKeyError if it recorded another). Asked of the event store only while
    keys have been forgotten, so a pairing of ordinary length never pays for it.

    An ordinary activity, not a local one: the append that may follow in the same workflow
    task records a patch marker, which must not follow a local activity's marker.
    """
    if key in state.command_ids or not state.keys_forgotten:
        return False
    if not workflow.patched(KEY_WINDOW_PATCH):
        return False
    found: KeyFound = await workflow.execute_activity(
        FIND_RECORDED_KEY,
        KeyLookup(pairing_id=state.pairing_id, key=key),
        result_type=KeyFound,
        start_to_close_timeout=LOOKUP_TIMEOUT,
        retry_policy=LOOKUP_RETRY,
        summary=f"look up key {key[:100]}",
    )
    if found.fingerprint is None:
        return False
    if found.fingerprint in ("", command_fingerprint(command)):
        return True
    known = found.fingerprint.partition(":")[0].replace("_", " ")
    raise ReusedKeyError(
        f"cannot {command.kind.replace('_', ' ')}: idempotency key {key!r} already recorded a "
        f"different {known} command on pairing {state.pairing_id}; send a new command with a "
        "new key, or repeat the original command unchanged"
    )


async def signalled(state: PairingState, raw: RawValue) -> list[Event]:
    """The events a signal records: its command's, or a CommandRejected saying why not."""
    envelope = envelope_of(state, raw)
    if isinstance(envelope, ev.CommandRejected):
        return [envelope]
    kind = envelope.command.kind
    try:
        if await recorded_before(state, envelope.command, envelope.command_id):
            return []
        return decide(
            state,
            envelope.command,
            command_id=envelope.command_id,
            principal=envelope.sender,
            on_behalf_of=envelope.on_behalf_of,
            now=workflow.now(),
        )
    except DomainError as refusal:
        return [reject(state, envelope.command_id, kind, refusal.message, workflow.now())]
    except Exception as bug:
        return [reject(state, envelope.command_id, kind, could_not(kind, bug), workflow.now())]


def envelope_of(state: PairingState, raw: RawValue) -> CommandEnvelope | ev.CommandRejected:
    """The signalled envelope, or the rejection that says why it cannot be one."""
    now = workflow.now()
    try:
        payload: Any = workflow.payload_converter().from_payload(raw.payload)
    except Exception as unreadable:
        return reject(state, None, "unknown", f"undecodable payload: {unreadable}", now)
    kind = field(payload, "command", "kind") or "unknown"
    try:
        envelope = CommandEnvelope.model_validate(payload)
    except ValidationError as invalid:
        return reject(state, field(payload, "command_id"), kind, explain(invalid, "payload"), now)
    if envelope.principal is None and workflow.patched(SIGNAL_PRINCIPALS_PATCH):
        reason = "the command names no principal: a typed actor is not accepted"
        return reject(state, envelope.command_id, kind, reason, now)
    return envelope


def field(payload: Any, *path: str) -> str | None:
    """A string nested in an untrusted payload, or None: used to label a rejection."""
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload if isinstance(payload, str) else None
