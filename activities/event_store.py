"""The event-store activity: append a workflow's Recording to PostgreSQL.

Temporal retries it until it succeeds, which is safe because the append is idempotent. The
one failure a retry cannot fix, a second writer for the same pairing, is raised as a
non-retryable ApplicationError so the workflow sees it at once instead of retrying forever.
"""

from __future__ import annotations

import asyncpg
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.delivery_starts import DeliveryStarter
from adapters.postgres.event_store import (
    EventStreamConflictError,
    append,
    load_events,
    queue_outside_append,
    recorded_fingerprint,
)
from contracts.recording import (
    EVENT_STREAM_CONFLICT,
    FIND_RECORDED_KEY,
    LOAD_STORED_EVENTS,
    RECORD_EVENTS,
    RECORD_EVENTS_AND_START_DELIVERIES,
    REPORT_PARKED,
    KeyFound,
    KeyLookup,
    RecordResult,
    StoredStream,
)
from domain.notifications import Notification
from domain.recording import Recording

log = structlog.get_logger()


class EventStoreActivities:
    """Activities that need the database pool, which the worker creates once and passes in."""

    def __init__(self, pool: asyncpg.Pool, deliveries: DeliveryStarter | None = None) -> None:
        self._pool = pool
        self._deliveries = deliveries

    @activity.defn(name=RECORD_EVENTS_AND_START_DELIVERIES)
    async def record_events_and_start_deliveries(self, recording: Recording) -> RecordResult:
        """Append as `record_events` does, then start each notification's delivery workflow.

        Only after the commit: a delivery reads its notification from the outbox. A retry
        after a crash between the two appends nothing and starts what is missing.
        """
        recorded = await self.record_events(recording)
        if not recording.notifications:
            return recorded
        if self._deliveries is None:
            raise RuntimeError("this worker was built without a DeliveryStarter")
        started = [await self._deliveries.start(note) for note in recording.notifications]
        return recorded.model_copy(update={"deliveries": tuple(started)})

    @activity.defn(name=REPORT_PARKED)
    async def report_parked(self, notification: Notification) -> RecordResult:
        """Queue the secretariat's message that the pairing is parked, and deliver it.

        Outside any append (the append is what was refused), under the notification's own
        id, so a retry queues and starts nothing twice.
        """
        queued = await queue_outside_append(self._pool, notification)
        log.error(
            "pairing parked",
            pairing_id=notification.pairing_id,
            sequence=notification.sequence,
            notification_queued=queued,
        )
        if self._deliveries is None:
            raise RuntimeError("this worker was built without a DeliveryStarter")
        started = await self._deliveries.start(notification)
        return RecordResult(
            appended=0, already_present=0, notifications_queued=int(queued), deliveries=(started,)
        )

    @activity.defn(name=FIND_RECORDED_KEY)
    async def find_recorded_key(self, lookup: KeyLookup) -> KeyFound:
        """What a key older than the pairing's window of remembered keys recorded, if anything."""
        found = await recorded_fingerprint(self._pool, lookup.pairing_id, lookup.key)
        return KeyFound(fingerprint=found)

    @activity.defn(name=LOAD_STORED_EVENTS)
    async def load_stored_events(self, pairing_id: str) -> StoredStream:
        """Every stored event of the pairing, for a parked pairing to continue from."""
        return StoredStream(events=tuple(await load_events(self._pool, pairing_id)))

    @activity.defn(name=RECORD_EVENTS)
    async def record_events(self, recording: Recording) -> RecordResult:
        """Append the events, project them and queue their notifications, once."""
        bound = log.bind(
            pairing_id=recording.pairing_id,
            first_sequence=recording.events[0].sequence if recording.events else None,
            last_sequence=recording.last_sequence,
            attempt=activity.info().attempt,
        )
        try:
            outcome = await append(self._pool, recording)
        except EventStreamConflictError as error:
            bound.error("event stream conflict", conflict_sequence=error.sequence)
            raise ApplicationError(
                str(error), type=EVENT_STREAM_CONFLICT, non_retryable=True
            ) from error
        for note in outcome.queued:
            # Ids and categories only: subjects and bodies may name people.
            log.info(
                "notification queued",
                notification_id=note.notification_id,
                pairing_id=note.pairing_id,
                kind=note.kind,
                audience=note.audience.value,
            )
        bound.info(
            "events recorded",
            appended=outcome.appended,
            already_present=outcome.already_present,
            notifications_queued=outcome.notifications_queued,
        )
        return RecordResult(
            appended=outcome.appended,
            already_present=outcome.already_present,
            notifications_queued=outcome.notifications_queued,
        )
