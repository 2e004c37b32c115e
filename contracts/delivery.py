"""Delivering notifications: the delivery workflow's name and ids, and its activities' models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.messages import OutgoingMessage
from domain.notifications import Notification

NOTIFICATION_WORKFLOW = "NotificationWorkflow"
"""The workflow type that delivers one notification (workflows/notification.py)."""

PLAN_DELIVERY = "plan_delivery"
"""Resolve a Notification's recipients, render its messages per language, time each batch."""
SEND_MESSAGE = "send_message"
"""Send one rendered message through the channel routed for its audience, once."""
GIVE_UP_DELIVERY = "give_up_delivery"
"""Record that a message could not be delivered after every retry."""


def notification_workflow_id(notification_id: str) -> str:
    """One delivery workflow per notification: starting it twice finds it already started."""
    return f"notification-{notification_id}"


def notification_workflow_summary(notification: Notification) -> str:
    """What the Web UI lists for a delivery workflow: its kind and pairing, never a person."""
    return f"{notification.kind.value} for {notification.pairing_id}"


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
