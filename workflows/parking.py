"""A pairing whose events the event store refused: parked, visibly, until it is recovered.

The store refuses an append when it already holds a different event at that sequence: a
second writer for the pairing (a workflow started twice, or a hand-written row). The
workflow's state has then moved ahead of what is stored, and recording anything more would
build on events that are not there. So the pairing parks: the command that met the conflict
and every one after it is refused with the reason, the secretariat is told, operators see
"parked" in the Web UI, and nothing waits silently. `iurc admin recover` makes it continue
from what the store holds.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.recording import (
        EVENT_STREAM_CONFLICT,
        LOAD_STORED_EVENTS,
        REPORT_PARKED,
        RecordResult,
        StoredStream,
    )
    from domain.evolve import fold
    from domain.notifications import parked_notification
    from domain.recording import RecordedEvent, Recording, carried_events
    from domain.state import PairingState

REPORT_TIMEOUT = timedelta(seconds=30)


def conflict_of(failure: ActivityError) -> str | None:
    """The store's explanation if `failure` is its refusal of a conflicting append."""
    cause = failure.cause
    if isinstance(cause, ApplicationError) and cause.type == EVENT_STREAM_CONFLICT:
        return cause.message
    return None


def parked_reason(recording: Recording, conflict: str) -> str:
    first, last = recording.events[0].sequence, recording.last_sequence
    return (
        f"the event store refused events #{first}-{last} of pairing {recording.pairing_id} "
        f"({conflict}); the pairing is parked and takes no commands until the secretariat "
        f"recovers it (`iurc admin recover {recording.pairing_id}`)"
    )[:2000]


async def report_parked(state: PairingState, sequence: int, reason: str) -> None:
    """Tell the secretariat, through the outbox and a delivery of its own."""
    await workflow.execute_activity(
        REPORT_PARKED,
        parked_notification(state, sequence, reason, workflow.now()),
        result_type=RecordResult,
        start_to_close_timeout=REPORT_TIMEOUT,
        summary=f"report parked at #{sequence}",
    )


async def stored_state(pairing_id: str) -> tuple[PairingState, list[RecordedEvent]]:
    """The state the stored events fold to, and those events (as much as a run carries)."""
    # An ordinary activity, not a local one: a patch marker the next append records must
    # not follow a local activity's marker in the same workflow task (it would not replay).
    stored: StoredStream = await workflow.execute_activity(
        LOAD_STORED_EVENTS,
        pairing_id,
        result_type=StoredStream,
        start_to_close_timeout=REPORT_TIMEOUT,
        summary="load the stored events to recover from",
    )
    state = fold(recorded.event for recorded in stored.events)
    return state, list(carried_events(stored.events, state))
