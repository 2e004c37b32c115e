"""The staleness policy: how long a stage may stay quiet before people are reminded or escalated."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import IntEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.stages import OPEN_STAGES, Stage

DEFAULT_IDLE_LIMITS: dict[Stage, timedelta] = {
    Stage.MATCHING: timedelta(days=21),
    Stage.KICKOFF: timedelta(days=30),
    Stage.BILATERAL: timedelta(days=45),
    Stage.STUDY_VISIT: timedelta(days=90),
    Stage.ACTION_PLAN: timedelta(days=60),
    Stage.PILOT: timedelta(days=60),
    Stage.FOLLOW_UP: timedelta(days=90),
}

LONGEST_SPAN = timedelta(days=3653)
"""Ten years: the longest idle limit or follow-up period. A span beyond any programme's life
would only push deadlines past the year 9999, where the calendar (and the pairing) ends."""


class Staleness(IntEnum):
    """How far a quiet pairing has gone: each level is one step of the chain, never skipped."""

    ACTIVE = 0
    REMINDED = 1
    ESCALATED_1 = 2
    ESCALATED_2 = 3

    @property
    def is_stale(self) -> bool:
        return self >= Staleness.ESCALATED_1

    @property
    def escalation_level(self) -> int:
        return max(0, int(self) - 1)


class StalenessPolicy(BaseModel):
    """Idle limits per stage; a reminder at a fraction of the limit, escalations at 1x and 2x."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idle_limits: dict[Stage, timedelta] = Field(default_factory=lambda: dict(DEFAULT_IDLE_LIMITS))
    reminder_fraction: float = Field(default=0.5, gt=0, lt=1)
    follow_up_period: timedelta = Field(default=timedelta(days=730))

    @field_validator("idle_limits")
    @classmethod
    def _every_open_stage_positive(cls, limits: dict[Stage, timedelta]) -> dict[Stage, timedelta]:
        missing = [stage.value for stage in OPEN_STAGES if stage not in limits]
        if missing:
            raise ValueError(f"idle limits are missing for stages: {', '.join(missing)}")
        return check_idle_limits(limits)

    @field_validator("follow_up_period")
    @classmethod
    def _positive_period(cls, period: timedelta) -> timedelta:
        return check_follow_up_period(period)

    def idle_limit(self, stage: Stage) -> timedelta:
        return self.idle_limits[stage]

    def offset(self, stage: Stage, level: Staleness) -> timedelta:
        """How long after the last activity `level` is reached in `stage`."""
        limit = self.idle_limit(stage)
        if level is Staleness.REMINDED:
            return limit * self.reminder_fraction
        if level is Staleness.ESCALATED_1:
            return limit
        if level is Staleness.ESCALATED_2:
            return limit * 2
        return timedelta(0)

    def due_at(self, stage: Stage, level: Staleness, last_activity_at: datetime) -> datetime:
        return last_activity_at + self.offset(stage, level)

    def changed(
        self,
        *,
        idle_limits: Mapping[Stage, timedelta],
        reminder_fraction: float | None,
        follow_up_period: timedelta | None,
    ) -> StalenessPolicy:
        """This policy with the given parts replaced and every other part kept."""
        return StalenessPolicy(
            idle_limits={**self.idle_limits, **idle_limits},
            reminder_fraction=(
                self.reminder_fraction if reminder_fraction is None else reminder_fraction
            ),
            follow_up_period=self.follow_up_period
            if follow_up_period is None
            else follow_up_period,
        )


def check_idle_limits(limits: Mapping[Stage, timedelta]) -> dict[Stage, timedelta]:
    """Refuse limits of closed stages, and limits that are not positive or exceed ten years."""
    closed = [stage.value for stage in limits if stage not in OPEN_STAGES]
    if closed:
        raise ValueError(f"closed stages have no idle limit: {', '.join(closed)}")
    bad = [stage.value for stage, limit in limits.items() if limit <= timedelta(0)]
    if bad:
        raise ValueError(f"idle limits must be positive; not so for: {', '.join(bad)}")
    long = [stage.value for stage, limit in limits.items() if limit > LONGEST_SPAN]
    if long:
        raise ValueError(
            f"idle limits must be at most {LONGEST_SPAN.days} days (ten years); "
            f"not so for: {', '.join(long)}"
        )
    return dict(limits)


def check_follow_up_period(period: timedelta) -> timedelta:
    if period <= timedelta(0):
        raise ValueError("the follow-up period must be positive")
    if period > LONGEST_SPAN:
        raise ValueError(
            f"the follow-up period must be at most {LONGEST_SPAN.days} days (ten years)"
        )
    return period
