"""The next moment time itself changes a pairing: a staleness step or the end of follow-up.

The workflow owns the timer; this module only says when it should fire and why.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.policy import Staleness
from domain.stages import Stage
from domain.state import PairingState


class DeadlineKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION_1 = "escalation_1"
    ESCALATION_2 = "escalation_2"
    FOLLOW_UP_END = "follow_up_end"


_KIND_OF_LEVEL = {
    Staleness.REMINDED: DeadlineKind.REMINDER,
    Staleness.ESCALATED_1: DeadlineKind.ESCALATION_1,
    Staleness.ESCALATED_2: DeadlineKind.ESCALATION_2,
}


class Deadline(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: DeadlineKind
    due_at: datetime

    @property
    def description(self) -> str:
        return f"{self.kind.value.replace('_', ' ')} due {self.due_at:%Y-%m-%d %H:%M} UTC"


def next_staleness_step(state: PairingState) -> tuple[Staleness, datetime] | None:
    """The next level of the reminder chain and when it is due; none while paused or closed."""
    if state.stage.is_closed or state.paused or state.staleness is Staleness.ESCALATED_2:
        return None
    level = Staleness(state.staleness + 1)
    return level, state.policy.due_at(state.stage, level, state.last_activity_at)


def follow_up_ends_at(state: PairingState) -> datetime | None:
    if state.stage is not Stage.FOLLOW_UP or state.follow_up_started_at is None:
        return None
    return state.follow_up_started_at + state.policy.follow_up_period


def next_deadline(state: PairingState) -> Deadline | None:
    """The earliest thing time will do to this pairing, if anything."""
    candidates: list[Deadline] = []
    step = next_staleness_step(state)
    if step is not None:
        candidates.append(Deadline(kind=_KIND_OF_LEVEL[step[0]], due_at=step[1]))
    end = follow_up_ends_at(state)
    if end is not None:
        candidates.append(Deadline(kind=DeadlineKind.FOLLOW_UP_END, due_at=end))
    return min(candidates, key=lambda d: d.due_at, default=None)
