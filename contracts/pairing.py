"""The pairing workflow as its callers see it: its task queue, message names and input.

Names are constants so that a client in another service can send an update or signal by
name without importing the workflow class.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator

from domain.events import PairingProposed
from domain.recording import RecordedEvent
from domain.state import PairingState

TASK_QUEUE = "iurc-pairings"
PAIRING_WORKFLOW = "PairingWorkflow"

UPDATE_EXECUTE = "execute"
"""Update: a `CommandRequest`; the update id is the idempotency key (PairingClient appends
`#<command fingerprint>`, which the workflow ignores); returns the `PairingView`."""
SIGNAL_SUBMIT = "submit"
"""Signal: a `CommandEnvelope` as JSON, decoded leniently; an invalid one is recorded rejected."""
QUERY_VIEW = "view"
QUERY_STATE = "state"
QUERY_EVENTS = "events"


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
