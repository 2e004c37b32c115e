"""The decider across the lifecycle: stage advances, refusals, keys, closing, and time.

Given past events, when a command arrives at a time, then these events or this refusal
(tests/domain/gwt.py). The rules of single commands are in tests/domain/test_rules_*.py.
"""

from __future__ import annotations

import pytest

from domain import commands as cmd
from domain import events as ev
from domain.errors import (
    ClosedPairingError,
    InvalidCommandError,
    InvalidPairingError,
    ReusedKeyError,
    UnknownCityError,
)
from domain.events import EVENT_LIST_ADAPTER
from domain.evolve import fold
from domain.meetings import MeetingKind
from domain.policy import Staleness, StalenessPolicy
from domain.stages import LIFECYCLE, Stage
from domain.state import PlanStatus
from domain.topics import Topic
from iurc.journey import journey
from tests.domain.gwt import T0, a_pairing, days, proposed, that


def test_the_journey_reaches_follow_up_through_every_stage_in_order() -> None:
    given = a_pairing()
    stages = [given.state.stage]
    for key, command in journey("rotterdam", "busan", T0):
        given = given.after(command, key=key)
        stages.append(given.state.stage)
    assert list(dict.fromkeys(stages)) == list(LIFECYCLE[:-1])


def test_the_second_confirmation_moves_the_pairing_to_kickoff() -> None:
    (
        a_pairing()
        .after(cmd.ConfirmParticipation(city="rotterdam"))
        .when(cmd.ConfirmParticipation(city="busan"), key="busan-confirms")
        .then(
            that(ev.ParticipationConfirmed, city="busan", command_id="busan-confirms"),
            that(ev.StageAdvanced, from_stage=Stage.MATCHING, to_stage=Stage.KICKOFF),
        )
    )


def test_a_waived_stage_advances_in_the_same_decision() -> None:
    given = (
        a_pairing()
        .in_stage(Stage.STUDY_VISIT)
        .when(cmd.WaiveStage(stage=Stage.STUDY_VISIT, reason="Travel restrictions"))
        .then(
            that(ev.StageWaived, stage=Stage.STUDY_VISIT, reason="Travel restrictions"),
            that(ev.StageAdvanced, from_stage=Stage.STUDY_VISIT, to_stage=Stage.ACTION_PLAN),
        )
    )
    assert given.state.waived == {Stage.STUDY_VISIT: "Travel restrictions"}


def test_the_same_key_and_command_twice_records_nothing_the_second_time() -> None:
    confirm = cmd.ConfirmParticipation(city="rotterdam")
    (a_pairing().after(confirm, key="k1").when(confirm, key="k1").then_nothing())


def test_a_repeat_whose_send_time_moved_is_still_the_same_command() -> None:
    """The CLI fills `held_at` with "now" as it sends: a retry carries a later time."""
    given = a_pairing().in_stage(Stage.KICKOFF)
    first = cmd.RecordMeeting(meeting_id="k", meeting_kind=MeetingKind.KICKOFF, held_at=T0)
    retry = first.model_copy(update={"held_at": T0 + days(0.01)})
    given.after(first, key="kick").when(retry, key="kick", at=T0 + days(0.02)).then_nothing()


def test_a_different_command_under_a_used_key_is_refused() -> None:
    (
        a_pairing()
        .after(cmd.ConfirmParticipation(city="rotterdam"), key="k1")
        .when(cmd.ConfirmParticipation(city="busan"), key="k1")
        .then_refused(ReusedKeyError, "idempotency key 'k1' already recorded a different")
    )


def test_a_meeting_for_a_withdrawn_pairing_is_refused() -> None:
    meeting = cmd.RecordMeeting(meeting_id="b9", meeting_kind=MeetingKind.BILATERAL, held_at=T0)
    (
        a_pairing()
        .through("held-kickoff")
        .after(cmd.Withdraw(reason="Budget cut"))
        .when(meeting)
        .then_refused(
            ClosedPairingError,
            "pairing rotterdam-busan-2021 was withdrawn on 2026-03-02 (Budget cut)",
        )
    )


def test_a_completed_pairing_accepts_no_further_commands() -> None:
    policy = StalenessPolicy(follow_up_period=days(30))
    completed = a_pairing(policy=policy).in_stage(Stage.FOLLOW_UP).after_time(T0 + days(30))
    assert completed.state.stage is Stage.COMPLETED
    follow_up = cmd.LogFollowUp(follow_up_id="late", held_at=T0 + days(31))
    completed.when(follow_up, at=T0 + days(31)).then_refused(
        ClosedPairingError, "cannot log follow up: pairing rotterdam-busan-2021 was completed on"
    )


def test_withdrawing_records_the_stage_it_was_in_and_closes_the_pairing() -> None:
    given = (
        a_pairing()
        .in_stage(Stage.BILATERAL)
        .when(cmd.Withdraw(reason="Partner left the programme"))
        .then(that(ev.PairingWithdrawn, stage=Stage.BILATERAL, reason="Partner left the programme"))
    )
    assert (given.state.stage, given.state.closed_at) == (Stage.WITHDRAWN, T0)


def test_the_follow_up_period_end_completes_the_pairing_on_time() -> None:
    in_follow_up = a_pairing().through("follow-up-1")
    end = T0 + in_follow_up.state.policy.follow_up_period
    assert end - T0 == days(730)
    in_follow_up.when_time_is(end - days(1) / 86400).then(
        that(ev.ReminderIssued, stage=Stage.FOLLOW_UP),
        that(ev.Escalated, level=1),
        that(ev.Escalated, level=2),
    ).when_time_is(end).then(
        that(ev.FollowUpPeriodEnded, follow_ups_logged=1),
        that(ev.StageAdvanced, from_stage=Stage.FOLLOW_UP, to_stage=Stage.COMPLETED),
    )


def test_kickoff_idle_gets_reminder_and_two_escalations_at_15_30_60_days() -> None:
    in_kickoff = a_pairing().in_stage(Stage.KICKOFF)
    in_kickoff.when_time_is(T0 + days(15) - days(1) / 86400).then_nothing()
    reminded = in_kickoff.when_time_is(T0 + days(15)).then(
        that(ev.ReminderIssued, stage=Stage.KICKOFF, idle_days=15)
    )
    escalated = reminded.when_time_is(T0 + days(30)).then(that(ev.Escalated, level=1, idle_days=30))
    final = escalated.when_time_is(T0 + days(60)).then(that(ev.Escalated, level=2, idle_days=60))
    assert final.state.staleness is Staleness.ESCALATED_2
    final.when_time_is(T0 + days(600)).then_nothing()


def test_a_late_check_records_every_missed_step_in_order() -> None:
    """A worker that was down for months catches up step by step, none skipped."""
    (
        a_pairing()
        .in_stage(Stage.KICKOFF)
        .when_time_is(T0 + days(90))
        .then(
            that(ev.ReminderIssued, idle_days=90),
            that(ev.Escalated, level=1, idle_days=90),
            that(ev.Escalated, level=2, idle_days=90),
        )
    )


def test_activity_after_escalation_is_back_on_track_and_advances() -> None:
    stale_at = T0 + days(31)
    kickoff = cmd.RecordMeeting(meeting_id="k", meeting_kind=MeetingKind.KICKOFF, held_at=stale_at)
    given = (
        a_pairing()
        .in_stage(Stage.KICKOFF)
        .after_time(stale_at)
        .when(kickoff, at=stale_at)
        .then(
            that(ev.MeetingHeld, meeting_id="k"),
            that(ev.BackOnTrack, previous=Staleness.ESCALATED_1, idle_days=31),
            that(ev.StageAdvanced, from_stage=Stage.KICKOFF, to_stage=Stage.BILATERAL),
        )
    )
    assert (given.state.staleness, given.state.last_activity_at) == (Staleness.ACTIVE, stale_at)


def test_a_pause_is_not_activity_and_brings_nothing_back_on_track() -> None:
    (
        a_pairing()
        .in_stage(Stage.KICKOFF)
        .after_time(T0 + days(16))
        .when(cmd.Pause(reason="Elections"), at=T0 + days(16))
        .then(that(ev.PairingPaused, reason="Elections"))
    )


def test_a_paused_pairing_does_not_go_stale_and_resumes_with_a_fresh_clock() -> None:
    paused = a_pairing().in_stage(Stage.KICKOFF).after(cmd.Pause(reason="Elections"))
    paused.when_time_is(T0 + days(400)).then_nothing()
    resumed = paused.after(cmd.Resume(), at=T0 + days(400))
    resumed.when_time_is(T0 + days(414)).then_nothing()
    resumed.when_time_is(T0 + days(415)).then(that(ev.ReminderIssued, idle_days=15))


def test_a_pause_ends_the_staleness_so_resuming_starts_a_fresh_chain() -> None:
    escalated = a_pairing().in_stage(Stage.KICKOFF).after_time(T0 + days(31))
    assert escalated.state.staleness is Staleness.ESCALATED_1
    paused = escalated.after(cmd.Pause(reason="Elections"), at=T0 + days(32))
    assert paused.state.staleness is Staleness.ACTIVE
    resumed = paused.after(cmd.Resume(), at=T0 + days(42))
    resumed.when_time_is(T0 + days(57)).then(that(ev.ReminderIssued))


def test_a_policy_change_applies_to_the_running_chain() -> None:
    limits = {**StalenessPolicy().idle_limits, Stage.KICKOFF: days(10)}
    shorter = cmd.ChangePolicy(policy=StalenessPolicy(idle_limits=limits))
    changed = a_pairing().in_stage(Stage.KICKOFF).after(shorter)
    changed.when_time_is(T0 + days(5)).then(that(ev.ReminderIssued, idle_days=5))


def test_the_fold_of_the_stored_form_of_the_events_is_the_state_they_made() -> None:
    """What the event store keeps is JSON: folding it back must give the same pairing."""
    given = a_pairing("sofia", "sejong").through("follow-up-1")
    stored = EVENT_LIST_ADAPTER.dump_json(list(given.events))
    state = fold(EVENT_LIST_ADAPTER.validate_json(stored))
    assert state == given.state
    assert (state.stage, state.plan_status, state.version) == (
        Stage.FOLLOW_UP,
        PlanStatus.APPROVED,
        len(given.events),
    )
    assert state.confirmed == {"sofia", "sejong"}
    assert state.pilot is not None
    assert (state.pilot.milestone_ids, state.follow_ups) == (("m1",), ("f1",))


def test_unknown_city_suggests_the_closest() -> None:
    with pytest.raises(UnknownCityError, match="unknown city 'rotterdm'; did you mean rotterdam"):
        proposed("rotterdm", "busan")


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
        proposed(eu, partner)


@pytest.mark.parametrize("cycle", [1999, 2101])
def test_a_cycle_outside_the_programme_years_is_refused(cycle: int) -> None:
    with pytest.raises(InvalidCommandError, match=f"cycle {cycle} is not a programme year"):
        proposed(cycle=cycle)


def test_topics_default_to_the_shared_interests_and_explicit_ones_lose_repeats() -> None:
    assert proposed("rotterdam", "busan").topics == (Topic.SMART_URBAN_MOBILITY,)
    chosen = proposed(topics=(Topic.SMART_CITY, Topic.OPEN_DATA, Topic.SMART_CITY)).topics
    assert chosen == (Topic.SMART_CITY, Topic.OPEN_DATA)
    assert proposed("sofia", "sejong").pairing_id == "sofia-sejong-2021"
