"""How much one pairing may hold: caps that keep its state, and so its workflow, bounded.

A pairing's state is carried whole across continue-as-new, and Temporal refuses an input
over 2 MB: a pairing that grew past it would fail every workflow task from then on. Each
cap is far above what the programme's real cadence produces in a pairing's life (monthly
meetings for ten years are 120), and a command beyond one is refused with a clear message.
"""

from __future__ import annotations

from domain import commands as cmd
from domain.errors import InvalidCommandError
from domain.state import PairingState

MAX_STAKEHOLDERS = 200
MAX_MEETINGS = 500
MAX_STUDY_VISITS = 50
MAX_FOLLOW_UPS = 200
MAX_PILOT_MILESTONES = 200
TITLE_KEPT = 200
"""Characters of a meeting's title the state keeps (the event keeps it whole)."""
KEY_WINDOW = 1000
"""Idempotency keys a pairing remembers in its state, the most recent; older ones are
answered from the event store (workflows/pairing.py)."""
CONTINUE_AS_NEW_BUDGET = 1_500_000
"""Bytes of JSON a run may carry into the next: the state first, then as many of the latest
events as fit (the event store keeps them all). Under Temporal's 2 MB with room to spare."""


def refuse_beyond_caps(command: cmd.Command, state: PairingState) -> None:
    """Refuse a command that would grow the pairing past one of its caps."""
    match command:
        case cmd.AddStakeholder() if len(state.stakeholders) >= MAX_STAKEHOLDERS:
            _refuse("add the stakeholder", MAX_STAKEHOLDERS, "people", "remove someone first")
        case cmd.ScheduleMeeting(meeting_id=meeting) | cmd.RecordMeeting(meeting_id=meeting) if (
            meeting not in state.meetings and len(state.meetings) >= MAX_MEETINGS
        ):
            _refuse("record the meeting", MAX_MEETINGS, "meetings", "ask the secretariat")
        case cmd.CompleteStudyVisit() if len(state.study_visits) >= MAX_STUDY_VISITS:
            _refuse("record the visit", MAX_STUDY_VISITS, "study visits", "ask the secretariat")
        case cmd.LogFollowUp() if len(state.follow_ups) >= MAX_FOLLOW_UPS:
            _refuse("log the follow-up", MAX_FOLLOW_UPS, "follow-ups", "ask the secretariat")
        case cmd.ReportPilotMilestone() if (
            state.pilot is not None and len(state.pilot.milestone_ids) >= MAX_PILOT_MILESTONES
        ):
            _refuse(
                "report the milestone", MAX_PILOT_MILESTONES, "milestones", "ask the secretariat"
            )
        case _:
            return


def _refuse(action: str, cap: int, what: str, remedy: str) -> None:
    raise InvalidCommandError(
        f"cannot {action}: a pairing holds at most {cap} {what}, and this one is full; {remedy}"
    )
