"""The record activity without PostgreSQL: the one sanctioned fake of the fast tier.

Registered under the real activity names (`contracts.recording`), with the real signature
(a `Recording` in, a `RecordResult` out), as Temporal's samples replace an activity where a
test is about the workflow. It keeps every call in order, so a test can assert what the
workflow appended and when, and it behaves as the event store does where the workflow can
tell: a repeated append is harmless, a different event at a stored sequence fails at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.recording import (
    EVENT_STREAM_CONFLICT,
    RECORD_EVENTS,
    RECORD_EVENTS_AND_START_DELIVERIES,
    RecordResult,
)
from domain.events import Event
from domain.notifications import Notification
from domain.recording import Recording


class InMemoryEventStore:
    """Every append the workflow made, and the streams and outbox they would have written."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Recording]] = []
        """(activity name, recording) of every attempt, in the order they ran."""
        self.failures_left = 0
        """Attempts still to fail as an unreachable database would (retryable)."""
        self._streams: dict[str, dict[int, Event]] = {}
        self._outbox: dict[str, Notification] = {}

    @property
    def activities(self) -> Sequence[Callable[..., Any]]:
        return (self.record_events_and_start_deliveries, self.record_events)

    @activity.defn(name=RECORD_EVENTS_AND_START_DELIVERIES)
    async def record_events_and_start_deliveries(self, recording: Recording) -> RecordResult:
        """Append as the real one does; no delivery workflow is started, so none is listed."""
        return self._append(RECORD_EVENTS_AND_START_DELIVERIES, recording)

    @activity.defn(name=RECORD_EVENTS)
    async def record_events(self, recording: Recording) -> RecordResult:
        """The name histories recorded before the deliveries moved into the activity use."""
        return self._append(RECORD_EVENTS, recording)

    def _append(self, name: str, recording: Recording) -> RecordResult:
        self.calls.append((name, recording))
        if self.failures_left > 0:
            self.failures_left -= 1
            raise ApplicationError("connection refused (the in-memory store's outage)")
        stream = self._streams.setdefault(recording.pairing_id, {})
        for item in recording.events:
            stored = stream.get(item.sequence)
            if stored is not None and stored != item.event:
                raise ApplicationError(
                    f"pairing {recording.pairing_id} already has {stored.type} at sequence "
                    f"{item.sequence}",
                    type=EVENT_STREAM_CONFLICT,
                    non_retryable=True,
                )
        new = [item for item in recording.events if item.sequence not in stream]
        stream.update({item.sequence: item.event for item in new})
        queued = [n for n in recording.notifications if n.notification_id not in self._outbox]
        self._outbox.update({n.notification_id: n for n in queued})
        return RecordResult(
            appended=len(new),
            already_present=len(recording.events) - len(new),
            notifications_queued=len(queued),
        )

    def events(self, pairing_id: str) -> list[Event]:
        """The pairing's stored stream in sequence order; a gap fails the test."""
        stream = self._streams.get(pairing_id, {})
        assert sorted(stream) == list(range(1, len(stream) + 1)), f"gaps in {sorted(stream)}"
        return [stream[sequence] for sequence in sorted(stream)]

    def types(self, pairing_id: str) -> list[str]:
        return [event.type for event in self.events(pairing_id)]

    def notifications(self, pairing_id: str) -> list[Notification]:
        """The outbox of the pairing in the order the notifications were queued."""
        return [n for n in self._outbox.values() if n.pairing_id == pairing_id]

    def appended(self) -> list[list[int]]:
        """The sequence numbers of each call, in call order: how the workflow appended."""
        return [[item.sequence for item in recording.events] for _, recording in self.calls]
