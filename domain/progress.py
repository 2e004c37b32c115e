"""What each stage needs before the pairing moves on, as a checklist people can read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.meetings import MeetingKind
from domain.stages import BILATERAL_MEETINGS_REQUIRED, Stage
from domain.state import PairingState, PlanStatus


class ChecklistItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: Stage
    label: str
    done: bool
    waived: bool = False


def _requirement(state: PairingState, stage: Stage) -> tuple[str, bool]:  # noqa: PLR0911 - one branch per stage
    """The exit criterion of `stage` in words, and whether the state meets it."""
    if stage is Stage.MATCHING:
        label = f"{state.eu_city.name} and {state.partner_city.name} confirmed participation"
        return label, state.cities <= state.confirmed
    if stage is Stage.KICKOFF:
        return "kick-off meeting held", bool(state.held(MeetingKind.KICKOFF))
    if stage is Stage.BILATERAL:
        held = len(state.held(MeetingKind.BILATERAL))
        label = f"{BILATERAL_MEETINGS_REQUIRED} bilateral meetings held ({held} so far)"
        return label, held >= BILATERAL_MEETINGS_REQUIRED
    if stage is Stage.STUDY_VISIT:
        return "study visit completed", bool(state.study_visits)
    if stage is Stage.ACTION_PLAN:
        return "action plan submitted and approved", state.plan_status is PlanStatus.APPROVED
    if stage is Stage.PILOT:
        done = state.pilot is not None and state.pilot.completed_at is not None
        return "funded pilot project completed", done
    if stage is Stage.FOLLOW_UP:
        label = f"follow-up period ended ({len(state.follow_ups)} follow-ups logged)"
        return label, state.stage is Stage.COMPLETED
    raise ValueError(f"stage {stage} has no exit criterion")


def exit_criterion_met(state: PairingState) -> bool:
    """Whether the current stage's work is done, so the pairing moves to the next stage.

    The follow-up stage ends by time, not by work: `domain.deadlines` ends it.
    """
    if state.stage.is_closed:
        return False
    if state.stage in state.waived:
        return True
    if state.stage is Stage.FOLLOW_UP:
        return False
    return _requirement(state, state.stage)[1]


def checklist(state: PairingState) -> list[ChecklistItem]:
    """One line per lifecycle stage: done, waived, or still to do."""
    items = []
    for stage in (
        Stage.MATCHING,
        Stage.KICKOFF,
        Stage.BILATERAL,
        Stage.STUDY_VISIT,
        Stage.ACTION_PLAN,
        Stage.PILOT,
        Stage.FOLLOW_UP,
    ):
        label, met = _requirement(state, stage)
        passed = state.stage is not Stage.WITHDRAWN and state.stage.rank > stage.rank
        items.append(
            ChecklistItem(
                stage=stage, label=label, done=met or passed, waived=stage in state.waived
            )
        )
    return items
