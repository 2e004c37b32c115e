"""The pairing workflow's input and the names of its messages, shared with clients.

Names are constants so that a client in another service can send an update or signal by
name without importing the workflow class.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.events import PairingProposed
    from domain.notifications import Notification
    from domain.recording import RecordedEvent
    from domain.state import PairingState

TASK_QUEUE = "iurc-pairings"
NOTIFICATION_WORKFLOW = "NotificationWorkflow"
"""The workflow type that delivers one notification (workflows/notification.py)."""

UPDATE_EXECUTE = "execute"
"""Update: a `CommandRequest`; the update id is the idempotency key (PairingClient appends
`#<command fingerprint>`, which the workflow ignores); returns the `PairingView`."""
SIGNAL_SUBMIT = "submit"
"""Signal: a `CommandEnvelope` as JSON, decoded leniently; an invalid one is recorded rejected."""
QUERY_VIEW = "view"
QUERY_STATE = "state"
QUERY_EVENTS = "events"


def notification_workflow_id(notification_id: str) -> str:
    """One delivery workflow per notification: starting it twice finds it already started."""
    return f"notification-{notification_id}"


def notification_workflow_summary(notification: Notification) -> str:
    """What the Web UI lists for a delivery workflow: its kind and pairing, never a person."""
    return f"{notification.kind.value} for {notification.pairing_id}"


class Carried(BaseModel):
    """What a pairing carries across continue-as-new: its folded state and its recorded events."""

    model_config = ConfigDict(frozen=True)

    state: PairingState
    events: tuple[RecordedEvent, ...]


class PairingWorkflowInput(BaseModel):
    """Either the proposal of a new pairing, or the state carried by continue-as-new."""

    model_config = ConfigDict(frozen=True)

    proposed: PairingProposed | None = None
    carried: Carried | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> PairingWorkflowInput:
        if (self.proposed is None) == (self.carried is None):
            raise ValueError(
                "give either `proposed` (a new pairing) or `carried` (continue-as-new)"
            )
        return self
