"""Who takes part, and the meetings: confirmations, stakeholders, scheduling and recording."""

from __future__ import annotations

from datetime import datetime

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError, StageError
from domain.meetings import MeetingKind
from domain.rules.base import CLOCK_SKEW
from domain.stages import Stage
from domain.stakeholders import Helix
from iurc.journey import stakeholder
from tests.domain.gwt import T0, a_pairing, days, that

KICKOFF, BILATERAL, CLUSTER = MeetingKind.KICKOFF, MeetingKind.BILATERAL, MeetingKind.CLUSTER_EVENT


def held(meeting_id: str, kind: MeetingKind, at: datetime = T0) -> cmd.RecordMeeting:
    return cmd.RecordMeeting(meeting_id=meeting_id, meeting_kind=kind, held_at=at)


def test_a_city_outside_the_pairing_cannot_confirm() -> None:
    a_pairing().when(cmd.ConfirmParticipation(city="seoul")).then_refused(
        InvalidCommandError,
        "cannot confirm participation: seoul is not part of pairing rotterdam-busan-2021 "
        "(its cities are rotterdam and busan)",
    )


def test_a_city_confirms_once() -> None:
    confirm = cmd.ConfirmParticipation(city="rotterdam")
    a_pairing().after(confirm, key="first").when(confirm, key="second").then_refused(
        DuplicateError, "rotterdam has already confirmed participation in pairing"
    )


def test_a_stakeholder_joins_for_one_of_the_two_cities_only() -> None:
    person = stakeholder("busan", Helix.ACADEMIA)
    given = (
        a_pairing()
        .when(cmd.AddStakeholder(stakeholder=person))
        .then(that(ev.StakeholderAdded, stakeholder=person))
    )
    assert given.state.stakeholders == {"busan-1": person}
    given.when(cmd.AddStakeholder(stakeholder=stakeholder("seoul", Helix.ACADEMIA))).then_refused(
        InvalidCommandError, "cannot add the stakeholder: seoul is not part of pairing"
    )


def test_an_e_mail_address_belongs_to_one_stakeholder_of_a_pairing() -> None:
    person = stakeholder("busan", Helix.ACADEMIA)
    renamed = person.model_copy(update={"name": "Someone Else", "helix": Helix.BUSINESS})
    a_pairing().after(cmd.AddStakeholder(stakeholder=person)).when(
        cmd.AddStakeholder(stakeholder=renamed)
    ).then_refused(DuplicateError, "already has a stakeholder with that e-mail address")


def test_a_kickoff_is_scheduled_ahead_and_keeps_its_title_when_held() -> None:
    schedule = cmd.ScheduleMeeting(
        meeting_id="k", meeting_kind=KICKOFF, scheduled_for=T0 + days(7), title="Kick-off"
    )
    scheduled = (
        a_pairing()
        .in_stage(Stage.KICKOFF)
        .when(schedule)
        .then(that(ev.MeetingScheduled, meeting_id="k", scheduled_for=T0 + days(7)))
    )
    done = scheduled.when(held("k", KICKOFF, T0 + days(7)), at=T0 + days(7)).then(
        that(ev.MeetingHeld, meeting_id="k"),
        that(ev.StageAdvanced, to_stage=Stage.BILATERAL),
    )
    meeting = done.state.meetings["k"]
    assert (meeting.title, meeting.scheduled_for, meeting.held_at) == (
        "Kick-off",
        T0 + days(7),
        T0 + days(7),
    )


def test_a_meeting_is_scheduled_in_the_future_and_at_most_two_years_ahead() -> None:
    in_kickoff = a_pairing().in_stage(Stage.KICKOFF)

    def schedule(when: datetime) -> cmd.ScheduleMeeting:
        return cmd.ScheduleMeeting(meeting_id="k", meeting_kind=KICKOFF, scheduled_for=when)

    in_kickoff.when(schedule(T0)).then_refused(
        InvalidCommandError, "2026-03-02 09:00 UTC is in the past"
    )
    in_kickoff.when(schedule(T0 + days(731))).then_refused(
        InvalidCommandError, "is more than two years ahead"
    )
    in_kickoff.when(schedule(T0 + days(730))).then(ev.MeetingScheduled)


def test_a_meeting_id_keeps_its_kind() -> None:
    schedule = cmd.ScheduleMeeting(meeting_id="m", meeting_kind=KICKOFF, scheduled_for=T0 + days(3))
    a_pairing().in_stage(Stage.KICKOFF).after(schedule).when(held("m", BILATERAL)).then_refused(
        InvalidCommandError,
        "meeting m was scheduled as a kick-off meeting, not a bilateral meeting",
    )


def test_a_held_meeting_cannot_be_scheduled_again() -> None:
    again = cmd.ScheduleMeeting(
        meeting_id="kickoff", meeting_kind=KICKOFF, scheduled_for=T0 + days(3)
    )
    a_pairing().through("held-kickoff").when(again).then_refused(
        DuplicateError, "meeting kickoff was already recorded as held on 2026-03-02"
    )


def test_the_same_meeting_twice_is_refused_under_a_new_key() -> None:
    a_pairing().through("held-bilateral-1").when(held("bilateral-1", BILATERAL)).then_refused(
        DuplicateError, "meeting bilateral-1 was already recorded as held"
    )


def test_there_is_one_kickoff_per_pairing() -> None:
    a_pairing().through("held-kickoff").when(held("second-kickoff", KICKOFF)).then_refused(
        DuplicateError,
        "the kick-off meeting of pairing rotterdam-busan-2021 was already held on 2026-03-02 "
        "(meeting kickoff)",
    )


def test_kickoff_before_both_confirmations_names_who_is_missing() -> None:
    a_pairing().after(cmd.ConfirmParticipation(city="rotterdam")).when(
        held("k", KICKOFF)
    ).then_refused(StageError, "the kick-off needs both cities' confirmation first (busan not yet)")


def test_bilateral_meetings_follow_the_kickoff() -> None:
    a_pairing().in_stage(Stage.KICKOFF).when(held("b1", BILATERAL)).then_refused(
        StageError,
        "cannot record the bilateral meeting: pairing rotterdam-busan-2021 is in stage kickoff; "
        "bilateral meetings follow the kick-off meeting",
    )


def test_a_cluster_event_counts_as_activity_from_the_start_but_moves_no_stage() -> None:
    given = (
        a_pairing()
        .when(held("c1", CLUSTER, T0 + days(3)), at=T0 + days(3))
        .then(that(ev.MeetingHeld, meeting_kind=CLUSTER))
    )
    assert (given.state.stage, given.state.last_activity_at) == (Stage.MATCHING, T0 + days(3))


def test_a_meeting_is_recorded_once_it_happened_and_not_before_the_pairing() -> None:
    in_bilateral = a_pairing().in_stage(Stage.BILATERAL)
    in_bilateral.when(held("b1", BILATERAL, T0 + days(3))).then_refused(
        InvalidCommandError, "the meeting time 2026-03-05 09:00 UTC is in the future"
    )
    in_bilateral.when(held("b1", BILATERAL, T0 + CLOCK_SKEW)).then(ev.MeetingHeld)
    in_bilateral.when(held("b1", BILATERAL, T0 - days(1))).then_refused(
        InvalidCommandError, "the meeting time 2026-03-01 is before pairing rotterdam-busan-2021"
    )


def test_two_bilateral_meetings_complete_the_stage() -> None:
    (
        a_pairing()
        .through("held-bilateral-1")
        .when(held("b2", BILATERAL))
        .then(
            that(ev.MeetingHeld, meeting_id="b2"),
            that(ev.StageAdvanced, from_stage=Stage.BILATERAL, to_stage=Stage.STUDY_VISIT),
        )
    )
