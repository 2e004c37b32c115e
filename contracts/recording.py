"""The event-store activity the pairing workflow calls: its names, result and error type."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.principals import Principal
from domain.recording import RecordedEvent

RECORD_EVENTS = "record_events"
"""Append a `domain.recording.Recording` to the event store, project it and queue its messages."""
RECORD_EVENTS_AND_START_DELIVERIES = "record_events_and_start_deliveries"
"""The same append, then a NotificationWorkflow started for each of its notifications.

Started by the activity rather than as children of the pairing: each child reported its start
and its end back to the pairing, two workflow tasks that the pairing's next update had to
queue behind (BENCHMARKS.md, round trips per step)."""

EVENT_STREAM_CONFLICT = "EventStreamConflict"
"""The ApplicationError type of an append that found a different event at a stored sequence."""


class RecordResult(BaseModel):
    """What an append changed; a retried append reports zero new rows."""

    model_config = ConfigDict(frozen=True)

    appended: int
    already_present: int
    notifications_queued: int
    deliveries: tuple[str, ...] = ()
    """Ids of the delivery workflows this append started or found started, in order."""


REPORT_PARKED = "report_parked"
"""Queue and deliver the secretariat's message that a pairing is parked (an append refused)."""
LOAD_STORED_EVENTS = "load_stored_events"
"""Every event the event store holds for a pairing, to recover a parked pairing from."""
UPDATE_RECOVER = "recover"
"""Update: make a parked pairing continue from its stored events (a `RecoveryRequest`)."""
PAIRING_PARKED = "PairingParked"
"""The ApplicationError type of what a parked pairing answers to commands and queries."""


class RecoveryRequest(BaseModel):
    """Who asks a parked pairing to continue from the event store."""

    model_config = ConfigDict(frozen=True)

    principal: Principal


class StoredStream(BaseModel):
    model_config = ConfigDict(frozen=True)

    events: tuple[RecordedEvent, ...]


FIND_RECORDED_KEY = "find_recorded_key"
"""The fingerprint of the command an idempotency key recorded, looked up in the event store
(for a key older than the pairing's window of remembered keys)."""


class KeyLookup(BaseModel):
    model_config = ConfigDict(frozen=True)

    pairing_id: str
    key: str


class KeyFound(BaseModel):
    model_config = ConfigDict(frozen=True)

    fingerprint: str | None
    """None: the key recorded nothing; "" : it did, before fingerprints were kept."""
