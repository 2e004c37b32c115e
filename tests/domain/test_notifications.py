"""Which events call for a message, to which audience and people, stating which facts."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.meetings import MeetingKind
from domain.message_facts import Audience, NotificationKind
from domain.notifications import Notification, notifications_for
from domain.policy import Staleness
from domain.recording import record
from domain.stages import Stage
from domain.stakeholders import Helix
from iurc.journey import action_plan, stakeholder
from tests.domain.gwt import T0, Given, When, a_pairing, days

K, A = NotificationKind, Audience


def notified(when: When) -> list[Notification]:
    """The notifications the recording of what `when` decided queues, as the workflow does."""
    return list(record(when.given.state, when.accepted)[1].notifications)


def kinds(notifications: list[Notification]) -> list[tuple[NotificationKind, Audience]]:
    return [(note.kind, note.audience) for note in notifications]


def notified_at(given: Given, at_days: float) -> list[Notification]:
    """What time alone, reaching `at_days` after T0, has the pairing tell."""
    return notified(given.when_time_is(T0 + days(at_days)))


def in_kickoff_with_focal_points() -> Given:
    """Rotterdam-Busan in kickoff with a focal point per city, the Korean one reading Korean."""
    korean = stakeholder("busan", Helix.GOVERNMENT).model_copy(update={"language": "ko"})
    return (
        a_pairing()
        .in_stage(Stage.KICKOFF)
        .after(cmd.AddStakeholder(stakeholder=stakeholder("rotterdam", Helix.GOVERNMENT)))
        .after(cmd.AddStakeholder(stakeholder=korean))
        .after(cmd.AddStakeholder(stakeholder=stakeholder("busan", Helix.ACADEMIA)))
    )


def test_a_reminder_goes_to_the_focal_points_of_both_cities_only() -> None:
    given = in_kickoff_with_focal_points()
    [reminder] = notified_at(given, 15)
    assert (reminder.kind, reminder.audience) == (K.REMINDER, A.FOCAL_POINTS)
    people = [(str(p.email), p.language, p.country, p.timezone) for p in reminder.recipients]
    assert people == [
        ("government.1@rotterdam.example.org", "en", "NL", "Europe/Amsterdam"),
        ("government.1@busan.example.org", "ko", "KR", "Asia/Seoul"),
    ]
    assert reminder.notification_id == f"rotterdam-busan-2021:{given.state.version + 1}:reminder"
    assert reminder.created_at == T0 + days(15)


def test_a_reminder_states_the_idle_days_what_is_expected_and_the_escalation_date() -> None:
    [reminder] = notified_at(in_kickoff_with_focal_points(), 15)
    facts = reminder.facts
    assert (facts.stage, facts.idle_days, facts.expected_next) == (
        Stage.KICKOFF,
        15,
        "kick-off meeting held",
    )
    assert facts.due_by == T0 + days(30), "the escalation the reminder warns of"
    assert reminder.subject == "[IURC] rotterdam-busan-2021: no activity for 15 days"
    assert "Please record progress by 2026-04-01 09:00 UTC" in reminder.body


def test_the_escalation_chain_reaches_the_officer_then_the_head_of_the_secretariat() -> None:
    reminded = in_kickoff_with_focal_points().after_time(T0 + days(15))
    [first] = notified_at(reminded, 30)
    assert (first.kind, first.audience, first.recipients) == (
        K.ESCALATION_1,
        A.PROGRAMME_OFFICER,
        (),
    )
    assert first.facts.due_by == T0 + days(60)
    assert "escalates to the head of the secretariat" in first.body
    [second] = notified_at(reminded.after_time(T0 + days(30)), 60)
    assert (second.kind, second.audience, second.recipients) == (
        K.ESCALATION_2,
        A.HEAD_OF_SECRETARIAT,
        (),
    )
    assert "A decision is needed: support, pause or withdraw." in second.body


def test_a_late_check_sends_each_missed_step_in_order() -> None:
    assert kinds(notified_at(in_kickoff_with_focal_points(), 90)) == [
        (K.REMINDER, A.FOCAL_POINTS),
        (K.ESCALATION_1, A.PROGRAMME_OFFICER),
        (K.ESCALATION_2, A.HEAD_OF_SECRETARIAT),
    ]


def test_a_reminder_in_the_follow_up_stage_asks_for_a_follow_up() -> None:
    in_follow_up = a_pairing().in_stage(Stage.FOLLOW_UP)
    [due] = notified_at(in_follow_up, 45)
    assert (due.kind, due.audience) == (K.FOLLOW_UP_DUE, A.FOCAL_POINTS)
    assert due.subject == "[IURC] rotterdam-busan-2021: a follow-up is due"
    assert len(due.recipients) == 2, "the journey's two focal points"


def kickoff_held(at_days: float) -> cmd.RecordMeeting:
    return cmd.RecordMeeting(
        meeting_id="k", meeting_kind=MeetingKind.KICKOFF, held_at=T0 + days(at_days)
    )


def test_activity_after_an_escalation_tells_the_secretariat_but_after_a_reminder_nobody() -> None:
    escalated = a_pairing().in_stage(Stage.KICKOFF).after_time(T0 + days(31))
    [back] = notified(escalated.when(kickoff_held(31), at=T0 + days(31)))
    assert (back.kind, back.audience, back.recipients) == (K.BACK_ON_TRACK, A.SECRETARIAT, ())
    assert back.subject == "[IURC] rotterdam-busan-2021 is back on track"
    assert "recorded activity in the kickoff stage" in back.body

    reminded = a_pairing().in_stage(Stage.KICKOFF).after_time(T0 + days(16))
    assert reminded.state.staleness is Staleness.REMINDED
    assert notified(reminded.when(kickoff_held(16), at=T0 + days(16))) == []


def test_back_on_track_states_how_long_the_pairing_was_quiet() -> None:
    escalated = a_pairing().in_stage(Stage.KICKOFF).after_time(T0 + days(31))
    [back] = notified(escalated.when(kickoff_held(31), at=T0 + days(31)))
    assert back.facts.idle_days == 31
    assert "after 31 quiet days" in back.body


def test_a_scheduled_meeting_invites_the_focal_points_in_both_local_times() -> None:
    given = in_kickoff_with_focal_points()
    schedule = cmd.ScheduleMeeting(
        meeting_id="k", meeting_kind=MeetingKind.KICKOFF, scheduled_for=T0 + days(7)
    )
    [invitation] = notified(given.when(schedule))
    assert (invitation.kind, invitation.audience) == (K.MEETING_SCHEDULED, A.FOCAL_POINTS)
    meeting = invitation.facts.meeting
    assert meeting is not None
    assert (meeting.title, meeting.starts_at) == ("kick-off meeting", T0 + days(7))
    assert meeting.local_times == "10:00 CET in Rotterdam, 18:00 KST in Busan"
    assert (meeting.eu_timezone, meeting.partner_timezone) == ("Europe/Amsterdam", "Asia/Seoul")
    assert (
        invitation.subject == "[IURC] kick-off meeting: 10:00 CET in Rotterdam, 18:00 KST in Busan"
    )


def test_cities_without_a_common_language_also_alert_the_secretariat() -> None:
    given = a_pairing("sofia", "sejong").in_stage(Stage.KICKOFF)
    schedule = cmd.ScheduleMeeting(
        meeting_id="k", meeting_kind=MeetingKind.KICKOFF, scheduled_for=T0 + days(7)
    )
    sent = notified(given.when(schedule))
    assert kinds(sent) == [
        (K.MEETING_SCHEDULED, A.FOCAL_POINTS),
        (K.INTERPRETATION_NEEDED, A.SECRETARIAT),
    ]
    assert sent[1].facts.languages == "bg, ko"
    assert "share no working language (bg, ko)" in sent[1].body


def test_plan_decisions_and_funding_tell_the_focal_points_what_was_decided() -> None:
    plan = action_plan("rotterdam", "busan")
    submitted = a_pairing().in_stage(Stage.ACTION_PLAN).after(cmd.SubmitActionPlan(plan=plan))
    changes = cmd.RequestActionPlanChanges(reason="Name the data owner.")
    [sent_back] = notified(submitted.when(changes))
    assert (sent_back.kind, sent_back.facts.reason) == (
        K.PLAN_CHANGES_REQUESTED,
        "Name the data owner.",
    )
    assert "Name the data owner." in sent_back.body

    approval = submitted.when(cmd.ApproveActionPlan())
    assert kinds(notified(approval)) == [(K.PLAN_APPROVED, A.FOCAL_POINTS)]

    in_pilot = submitted.and_events(*approval.accepted)
    fund = cmd.FundPilot(title="Mobility data pilot", amount_eur=150_000)
    [funded] = notified(in_pilot.when(fund))
    assert (funded.kind, funded.facts.amount_eur) == (K.PILOT_FUNDED, 150_000)
    assert "is funded with EUR 150,000" in funded.body


def test_events_people_need_not_act_on_call_for_no_message() -> None:
    given = a_pairing()
    quiet = [
        *(given.through("confirm-partner").events[1:]),
        ev.PairingPaused(reason="Elections", occurred_at=T0),
        ev.PairingResumed(occurred_at=T0),
        ev.CommandRejected(command_kind="pause", reason="bad", occurred_at=T0),
    ]
    assert [n for event in quiet for n in notifications_for(given.state, 2, event)] == []


def test_without_focal_points_a_reminder_has_no_recipients_of_its_own() -> None:
    """The delivery activity sends it to the secretariat instead (README, Notifications)."""
    [reminder] = notified_at(a_pairing().in_stage(Stage.KICKOFF), 15)
    assert (reminder.kind, reminder.recipients) == (K.REMINDER, ())
