"""The stages of a pairing's life, in order, and what may be waived."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a pairing is. `withdrawn` ends a pairing from any stage."""

    MATCHING = "matching"
    KICKOFF = "kickoff"
    BILATERAL = "bilateral"
    STUDY_VISIT = "study_visit"
    ACTION_PLAN = "action_plan"
    PILOT = "pilot"
    FOLLOW_UP = "follow_up"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def is_closed(self) -> bool:
        return self in (Stage.COMPLETED, Stage.WITHDRAWN)

    @property
    def rank(self) -> int:
        """Position in the lifecycle; withdrawn ranks with completed as an end."""
        if self is Stage.WITHDRAWN:
            return LIFECYCLE.index(Stage.COMPLETED)
        return LIFECYCLE.index(self)

    def next(self) -> Stage:
        """The stage that follows this one in the lifecycle."""
        if self.is_closed:
            raise ValueError(f"stage {self} has no next stage")
        return LIFECYCLE[LIFECYCLE.index(self) + 1]


LIFECYCLE: tuple[Stage, ...] = (
    Stage.MATCHING,
    Stage.KICKOFF,
    Stage.BILATERAL,
    Stage.STUDY_VISIT,
    Stage.ACTION_PLAN,
    Stage.PILOT,
    Stage.FOLLOW_UP,
    Stage.COMPLETED,
)

OPEN_STAGES: tuple[Stage, ...] = LIFECYCLE[:-1]

WAIVABLE: frozenset[Stage] = frozenset(
    {Stage.BILATERAL, Stage.STUDY_VISIT, Stage.PILOT, Stage.FOLLOW_UP}
)
"""Stages the secretariat may waive with a reason. Matching, the kick-off and the action plan
are what the programme is: without them there is no pairing, or nothing to fund a pilot on."""

BILATERAL_MEETINGS_REQUIRED = 2
