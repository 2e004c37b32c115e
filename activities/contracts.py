"""Names and result models of the activities, shared by the workflows and the worker.

Kept free of any I/O library: workflows import this module, and the import contracts in
pyproject.toml forbid workflows from reaching asyncpg, even indirectly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.messages import OutgoingMessage

RECORD_EVENTS = "record_events"
"""Append a `domain.recording.Recording` to the event store, project it and queue its messages."""
RECORD_EVENTS_AND_START_DELIVERIES = "record_events_and_start_deliveries"
"""The same append, then a NotificationWorkflow started for each of its notifications.

Started by the activity rather than as children of the pairing: each child reported its start
and its end back to the pairing, two workflow tasks that the pairing's next update had to
queue behind (BENCHMARKS.md, round trips per step)."""


class RecordResult(BaseModel):
    """What an append changed; a retried append reports zero new rows."""

    model_config = ConfigDict(frozen=True)

    appended: int
    already_present: int
    notifications_queued: int
    deliveries: tuple[str, ...] = ()
    """Ids of the delivery workflows this append started or found started, in order."""


PLAN_DELIVERY = "plan_delivery"
"""Resolve a Notification's recipients, render its messages per language, time each batch."""
SEND_MESSAGE = "send_message"
"""Send one rendered message through the channel routed for its audience, once."""
GIVE_UP_DELIVERY = "give_up_delivery"
"""Record that a message could not be delivered after every retry."""


class Batch(BaseModel):
    """One rendered message and when it may go out (later, if it would land on a holiday)."""

    model_config = ConfigDict(frozen=True)

    audience: str
    message: OutgoingMessage
    deliver_at: datetime
    held_for: str | None = None


class DeliveryPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    batches: tuple[Batch, ...]
    note: str | None = None


class SendRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    audience: str
    message: OutgoingMessage


class Sent(BaseModel):
    """How one message ended: sent now, found sent by an earlier attempt, or given up."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    outcome: Literal["sent", "already_sent", "failed"]
    channel: str | None = None


class GiveUp(BaseModel):
    model_config = ConfigDict(frozen=True)

    message_id: str
    notification_id: str
    error: str
