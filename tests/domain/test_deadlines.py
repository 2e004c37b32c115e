"""When time next changes a pairing: the staleness chain, pauses, policy, the end of follow-up."""

from __future__ import annotations

from datetime import datetime

from domain import commands as cmd
from domain.deadlines import Deadline, DeadlineKind, next_deadline
from domain.policy import StalenessPolicy
from domain.stages import Stage
from tests.domain.gwt import T0, Given, a_pairing, days

KIND = DeadlineKind


def due(given: Given) -> tuple[DeadlineKind, datetime] | None:
    deadline = next_deadline(given.state)
    return None if deadline is None else (deadline.kind, deadline.due_at)


def test_each_level_of_the_chain_is_due_at_its_multiple_of_the_idle_limit() -> None:
    """Matching's idle limit is 21 days: reminder at half of it, escalations at 1x and 2x."""
    matching = a_pairing()
    assert due(matching) == (KIND.REMINDER, T0 + days(10.5))
    reminded = matching.after_time(T0 + days(10.5))
    assert due(reminded) == (KIND.ESCALATION_1, T0 + days(21))
    escalated = reminded.after_time(T0 + days(21))
    assert due(escalated) == (KIND.ESCALATION_2, T0 + days(42))
    assert due(escalated.after_time(T0 + days(42))) is None, "the chain ends at level 2"


def test_activity_restarts_the_chain_from_its_own_time() -> None:
    escalated = a_pairing().after_time(T0 + days(21))
    confirmed = escalated.after(cmd.ConfirmParticipation(city="busan"), at=T0 + days(25))
    assert due(confirmed) == (KIND.REMINDER, T0 + days(25 + 10.5))


def test_a_new_stage_has_its_own_idle_limit() -> None:
    assert due(a_pairing().in_stage(Stage.KICKOFF)) == (KIND.REMINDER, T0 + days(15))
    assert due(a_pairing().in_stage(Stage.STUDY_VISIT)) == (KIND.REMINDER, T0 + days(45))


def test_a_paused_pairing_has_no_deadline_and_resuming_starts_afresh() -> None:
    escalated = a_pairing().in_stage(Stage.KICKOFF).after_time(T0 + days(31))
    paused = escalated.after(cmd.Pause(reason="Elections"), at=T0 + days(32))
    assert due(paused) is None
    resumed = paused.after(cmd.Resume(), at=T0 + days(100))
    assert due(resumed) == (KIND.REMINDER, T0 + days(115))


def test_a_closed_pairing_has_no_deadline() -> None:
    withdrawn = a_pairing().in_stage(Stage.KICKOFF).after(cmd.Withdraw(reason="Budget"))
    assert due(withdrawn) is None


def test_a_policy_change_moves_the_next_deadline() -> None:
    policy = StalenessPolicy(reminder_fraction=0.25)
    changed = a_pairing().after(cmd.ChangePolicy(policy=policy), at=T0 + days(1))
    assert due(changed) == (KIND.REMINDER, T0 + days(21 * 0.25))


def test_in_follow_up_the_earlier_of_the_chain_and_the_period_end_comes_next() -> None:
    in_follow_up = a_pairing().in_stage(Stage.FOLLOW_UP)
    assert in_follow_up.state.follow_up_started_at == T0
    assert due(in_follow_up) == (KIND.REMINDER, T0 + days(45))
    at_the_end = in_follow_up.after_time(T0 + days(180))
    assert due(at_the_end) == (KIND.FOLLOW_UP_END, T0 + days(730))

    short = a_pairing(policy=StalenessPolicy(follow_up_period=days(30))).in_stage(Stage.FOLLOW_UP)
    assert due(short) == (KIND.FOLLOW_UP_END, T0 + days(30))
    assert due(short.after_time(T0 + days(30))) is None, "completed"


def test_a_deadline_describes_itself_for_the_timer_summary() -> None:
    deadline = Deadline(kind=KIND.ESCALATION_1, due_at=T0 + days(10.5))
    assert deadline.description == "escalation 1 due 2026-03-12 21:00 UTC"
