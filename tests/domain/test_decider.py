"""The decider's rules, refusals and idempotency, with an explicit clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import commands as cmd
from domain import events as ev
from domain.catalog import SEED_CATALOG
from domain.decider import decide, decide_deadlines, propose_pairing
from domain.errors import (
    ClosedPairingError,
    DuplicateError,
    InvalidCommandError,
    InvalidPairingError,
    StageError,
    UnknownCityError,
)
from domain.evolve import fold, initial_state
from domain.meetings import MeetingKind
from domain.policy import Staleness
from domain.recording import record
from domain.stages import Stage
from domain.stakeholders import Helix
from domain.state import PairingState
from iurc.journey import action_plan, journey
from tests.principals import OFFICER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def new_pairing(eu: str = "rotterdam", partner: str = "busan") -> PairingState:
    proposed = propose_pairing(SEED_CATALOG, eu_city=eu, partner_city=partner, cycle=2021, now=T0)
    return initial_state(proposed)


def apply(state: PairingState, key: str, command: cmd.Command, now: datetime = T0) -> PairingState:
    events = decide(state, command, command_id=key, principal=OFFICER, now=now)
    return record(state, events)[0]


def advance(state: PairingState, until: str) -> PairingState:
    """Apply the shared journey up to and including the step with key `until`."""
    for key, command in journey(state.eu_city.slug, state.partner_city.slug, T0):
        state = apply(state, key, command)
        if key == until:
            return state
    raise AssertionError(f"no journey step {until}")


def test_the_journey_reaches_follow_up_through_every_stage_in_order() -> None:
    state = new_pairing()
    stages = [state.stage]
    for key, command in journey("rotterdam", "busan", T0):
        state = apply(state, key, command)
        stages.append(state.stage)
    assert list(dict.fromkeys(stages)) == [
        Stage.MATCHING,
        Stage.KICKOFF,
        Stage.BILATERAL,
        Stage.STUDY_VISIT,
        Stage.ACTION_PLAN,
        Stage.PILOT,
        Stage.FOLLOW_UP,
    ]


def test_follow_up_period_end_completes_the_pairing() -> None:
    state = advance(new_pairing(), "follow-up-1")
    end = T0 + state.policy.follow_up_period
    before = decide_deadlines(state, end - timedelta(seconds=1))
    assert not any(isinstance(e, ev.FollowUpPeriodEnded) for e in before)
    state = record(state, decide_deadlines(state, end))[0]
    assert state.stage is Stage.COMPLETED


def test_pilot_funding_before_approval_names_the_stage_and_the_need() -> None:
    state = advance(new_pairing(), "held-bilateral-1")
    with pytest.raises(StageError) as refused:
        decide(
            state, cmd.FundPilot(title="x", amount_eur=1), command_id="k", principal=OFFICER, now=T0
        )
    assert refused.value.message == (
        "cannot record pilot funding: pairing rotterdam-busan-2021 is in stage bilateral; "
        "pilot funding needs an approved action plan"
    )


def test_action_plan_without_civil_society_is_refused_with_what_is_missing() -> None:
    state = advance(new_pairing(), "visit")
    plan = action_plan(
        "rotterdam", "busan", helices=(Helix.GOVERNMENT, Helix.ACADEMIA, Helix.BUSINESS)
    )
    with pytest.raises(InvalidCommandError) as refused:
        decide(state, cmd.SubmitActionPlan(plan=plan), command_id="k", principal=OFFICER, now=T0)
    assert "names no civil society stakeholder" in refused.value.message
    assert "at least one stakeholder of each helix" in refused.value.message


def test_action_plan_lists_every_problem_at_once() -> None:
    state = advance(new_pairing(), "visit")
    empty = action_plan("rotterdam", "busan").model_copy(
        update={"projects": (), "decision_making": " ", "roadmap": ()}
    )
    with pytest.raises(InvalidCommandError) as refused:
        decide(state, cmd.SubmitActionPlan(plan=empty), command_id="k", principal=OFFICER, now=T0)
    for problem in ("no concrete project", "no decision-making mechanism", "no roadmap"):
        assert problem in refused.value.message


def test_the_same_meeting_twice_is_refused_under_a_new_key() -> None:
    state = advance(new_pairing(), "held-bilateral-1")
    again = cmd.RecordMeeting(
        meeting_id="bilateral-1", meeting_kind=MeetingKind.BILATERAL, held_at=T0
    )
    with pytest.raises(DuplicateError, match="meeting bilateral-1 was already recorded as held"):
        decide(state, again, command_id="another-key", principal=OFFICER, now=T0)


def test_the_same_key_twice_records_once() -> None:
    state = new_pairing()
    confirm = cmd.ConfirmParticipation(city="rotterdam")
    state = apply(state, "k1", confirm)
    assert decide(state, confirm, command_id="k1", principal=OFFICER, now=T0) == []


def test_a_meeting_for_a_withdrawn_pairing_is_refused() -> None:
    state = apply(advance(new_pairing(), "held-kickoff"), "w", cmd.Withdraw(reason="Budget cut"))
    meeting = cmd.RecordMeeting(meeting_id="b9", meeting_kind=MeetingKind.BILATERAL, held_at=T0)
    with pytest.raises(ClosedPairingError) as refused:
        decide(state, meeting, command_id="k", principal=OFFICER, now=T0)
    assert "pairing rotterdam-busan-2021 was withdrawn on 2026-03-02 (Budget cut)" in str(
        refused.value
    )


def test_unknown_city_suggests_the_closest() -> None:
    with pytest.raises(UnknownCityError, match="unknown city 'rotterdm'; did you mean rotterdam"):
        propose_pairing(SEED_CATALOG, eu_city="rotterdm", partner_city="busan", cycle=2021, now=T0)


@pytest.mark.parametrize(
    ("eu", "partner", "message"),
    [
        ("rotterdam", "dublin", "dublin is an EU city"),
        ("busan", "seoul", "busan is not an EU city"),
        ("busan", "busan", "cannot pair busan with itself"),
    ],
)
def test_pairs_outside_the_programme_are_refused(eu: str, partner: str, message: str) -> None:
    with pytest.raises(InvalidPairingError, match=message):
        propose_pairing(SEED_CATALOG, eu_city=eu, partner_city=partner, cycle=2021, now=T0)


def test_kickoff_before_both_confirmations_names_who_is_missing() -> None:
    state = apply(new_pairing(), "c", cmd.ConfirmParticipation(city="rotterdam"))
    kickoff = cmd.RecordMeeting(meeting_id="k", meeting_kind=MeetingKind.KICKOFF, held_at=T0)
    with pytest.raises(StageError, match=r"both cities' confirmation first \(busan not yet\)"):
        decide(state, kickoff, command_id="k", principal=OFFICER, now=T0)


def test_a_meeting_in_the_future_cannot_be_recorded_as_held() -> None:
    state = advance(new_pairing(), "held-kickoff")
    later = cmd.RecordMeeting(
        meeting_id="b", meeting_kind=MeetingKind.BILATERAL, held_at=T0 + timedelta(days=3)
    )
    with pytest.raises(InvalidCommandError, match="is in the future"):
        decide(state, later, command_id="k", principal=OFFICER, now=T0)


def test_waiving_the_study_visit_moves_to_the_action_plan() -> None:
    state = advance(new_pairing(), "held-bilateral-2")
    waive = cmd.WaiveStage(stage=Stage.STUDY_VISIT, reason="Travel restrictions")
    state = apply(state, "waive", waive)
    assert state.stage is Stage.ACTION_PLAN
    assert state.waived == {Stage.STUDY_VISIT: "Travel restrictions"}


def test_the_action_plan_cannot_be_waived() -> None:
    state = advance(new_pairing(), "visit")
    waive = cmd.WaiveStage(stage=Stage.ACTION_PLAN, reason="No time")
    with pytest.raises(InvalidCommandError, match="stages that may be waived: bilateral, "):
        decide(state, waive, command_id="k", principal=OFFICER, now=T0)


def test_kickoff_idle_gets_reminder_and_two_escalations_at_15_30_60_days() -> None:
    state = advance(new_pairing(), "confirm-partner")
    assert state.stage is Stage.KICKOFF
    assert decide_deadlines(state, T0 + timedelta(days=15) - timedelta(seconds=1)) == []
    steps = []
    for days in (15, 30, 60):
        events = decide_deadlines(state, T0 + timedelta(days=days))
        steps.append([(type(e).__name__, getattr(e, "level", None)) for e in events])
        state = record(state, events)[0]
    assert steps == [[("ReminderIssued", None)], [("Escalated", 1)], [("Escalated", 2)]]
    assert state.staleness is Staleness.ESCALATED_2


def test_activity_after_escalation_is_back_on_track_and_tells_the_secretariat() -> None:
    state = advance(new_pairing(), "confirm-partner")
    stale_at = T0 + timedelta(days=31)
    state, _ = record(state, decide_deadlines(state, stale_at))
    kickoff = cmd.RecordMeeting(meeting_id="k", meeting_kind=MeetingKind.KICKOFF, held_at=stale_at)
    events = decide(state, kickoff, command_id="k", principal=OFFICER, now=stale_at)
    state, recording = record(state, events)
    assert [type(e).__name__ for e in events] == ["MeetingHeld", "BackOnTrack", "StageAdvanced"]
    assert state.staleness is Staleness.ACTIVE
    assert [n.kind for n in recording.notifications] == ["back_on_track"]


def test_a_paused_pairing_does_not_go_stale_and_resumes_with_a_fresh_clock() -> None:
    state = apply(advance(new_pairing(), "confirm-partner"), "p", cmd.Pause(reason="Elections"))
    assert decide_deadlines(state, T0 + timedelta(days=400)) == []
    resumed_at = T0 + timedelta(days=400)
    state = apply(state, "r", cmd.Resume(), now=resumed_at)
    assert decide_deadlines(state, resumed_at + timedelta(days=14)) == []
    assert len(decide_deadlines(state, resumed_at + timedelta(days=15))) == 1


def test_the_fold_of_recorded_events_is_the_state() -> None:
    proposed = propose_pairing(
        SEED_CATALOG, eu_city="sofia", partner_city="sejong", cycle=2021, now=T0
    )
    state = initial_state(proposed)
    events: list[ev.Event] = [proposed]
    for key, command in journey("sofia", "sejong", T0):
        new = decide(state, command, command_id=key, principal=OFFICER, now=T0)
        state = record(state, new)[0]
        events += new
    assert fold(events) == state


def test_a_pause_ends_the_staleness_so_resuming_starts_a_fresh_chain() -> None:
    state = advance(new_pairing(), "confirm-partner")
    state = record(state, decide_deadlines(state, T0 + timedelta(days=31)))[0]
    assert state.staleness is Staleness.ESCALATED_1
    paused_at = T0 + timedelta(days=32)
    state = apply(state, "p", cmd.Pause(reason="Elections"), now=paused_at)
    assert state.staleness is Staleness.ACTIVE
    resumed_at = paused_at + timedelta(days=10)
    state = apply(state, "r", cmd.Resume(), now=resumed_at)
    events = decide_deadlines(state, resumed_at + timedelta(days=15))
    assert [type(e).__name__ for e in events] == ["ReminderIssued"]
