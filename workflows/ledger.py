"""The pairing's ledger: its recordings appended in order, and whether the store takes them.

A handler can run before `run` has stored the first event, or while an earlier append is
retrying; the event store and the read model must still see order, so each append waits for
the one before. When the store refuses an append (a conflict), the ledger parks the pairing
(workflows/parking.py) and every append after it is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts.recording import (
        PAIRING_PARKED,
        RECORD_EVENTS,
        RECORD_EVENTS_AND_START_DELIVERIES,
        RecordResult,
    )
    from domain.recording import Recording
    from domain.state import PairingState
    from workflows.intake import refused
    from workflows.legacy_deliveries import ChildDeliveries
    from workflows.parking import conflict_of, parked_reason, report_parked

DELIVERIES_BY_ACTIVITY_PATCH = "deliveries-started-by-record"
"""Since this patch, the record activity starts the delivery workflows after its commit; before,
this workflow started them as children (workflows/legacy_deliveries.py), and each child's
start and end woke it for a workflow task that its next update queued behind."""

RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
"""Appends retry until PostgreSQL is back: an accepted command must never be lost."""


class Ledger:
    """What has been stored of a pairing, and why it stores no more if it is parked."""

    def __init__(self, recorded_up_to: int, on_parked: Callable[[], None]) -> None:
        self.recorded_up_to = recorded_up_to
        self.parked: str | None = None
        self.children = ChildDeliveries()
        self._on_parked = on_parked

    async def append(self, recording: Recording, state: PairingState) -> None:
        """Store `recording` once everything before it is stored, or refuse: it is parked."""
        first = recording.events[0].sequence
        await workflow.wait_condition(
            lambda: self.recorded_up_to == first - 1 or self.parked is not None
        )
        if self.parked is not None:
            raise refused(self.parked, PAIRING_PARKED)
        types = ", ".join(dict.fromkeys(item.event.type for item in recording.events))
        by_activity = workflow.patched(DELIVERIES_BY_ACTIVITY_PATCH)
        try:
            await workflow.execute_activity(
                RECORD_EVENTS_AND_START_DELIVERIES if by_activity else RECORD_EVENTS,
                recording,
                result_type=RecordResult,
                start_to_close_timeout=RECORD_TIMEOUT,
                retry_policy=RECORD_RETRY,
                summary=f"record #{first}-{recording.last_sequence}: {types}"[:200],
            )
        except ActivityError as failure:
            conflict = conflict_of(failure)
            if conflict is None:
                raise
            reason = parked_reason(recording, conflict)
            await self.park(state, first, reason)
            raise refused(reason, PAIRING_PARKED) from None
        self.recorded_up_to = recording.last_sequence
        if not by_activity:
            await self.children.start(recording.notifications)

    async def park(self, state: PairingState, sequence: int, reason: str) -> None:
        """Store nothing more, say so to operators at once and to the secretariat."""
        self.parked = reason
        self._on_parked()
        await report_parked(state, sequence, reason)

    def resume_after(self, recovered: PairingState) -> None:
        """The pairing continues from what the store holds: `recovered`."""
        self.recorded_up_to = recovered.version
        self.parked = None
