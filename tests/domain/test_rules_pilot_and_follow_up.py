"""The pilot project (funded, reported, completed) and the follow-up stage after it."""

from __future__ import annotations

from datetime import date

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError, StageError
from domain.stages import Stage
from tests.domain.gwt import T0, a_pairing, days, that

FUND = cmd.FundPilot(title="Mobility data pilot", amount_eur=150_000)


def milestone(milestone_id: str = "m1", on: date = date(2026, 3, 2)) -> cmd.ReportPilotMilestone:
    return cmd.ReportPilotMilestone(milestone_id=milestone_id, description="done", reached_on=on)


def test_pilot_funding_before_approval_names_the_stage_and_the_need() -> None:
    a_pairing().through("held-bilateral-1").when(FUND).then_refused(
        StageError,
        "cannot record pilot funding: pairing rotterdam-busan-2021 is in stage bilateral; "
        "pilot funding needs an approved action plan",
    )


def test_a_pilot_is_funded_once() -> None:
    funded = (
        a_pairing()
        .in_stage(Stage.PILOT)
        .when(FUND)
        .then(that(ev.PilotFunded, title="Mobility data pilot", amount_eur=150_000, funder="IURC"))
    )
    funded.when(FUND.model_copy(update={"title": "Another"})).then_refused(
        DuplicateError,
        "the pilot of pairing rotterdam-busan-2021 was already funded on 2026-03-02 "
        "(Mobility data pilot)",
    )


def test_milestones_are_reported_for_a_funded_pilot_once_each() -> None:
    in_pilot = a_pairing().in_stage(Stage.PILOT)
    in_pilot.when(milestone()).then_refused(StageError, "the pilot project has not been funded yet")
    reported = (
        in_pilot.after(FUND)
        .when(milestone())
        .then(that(ev.PilotMilestoneReported, milestone_id="m1", reached_on=date(2026, 3, 2)))
    )
    reported.when(milestone()).then_refused(DuplicateError, "milestone m1 was already reported")


def test_a_milestone_date_lies_between_the_proposal_and_today() -> None:
    funded = a_pairing().in_stage(Stage.PILOT).after(FUND)
    funded.when(milestone(on=date(2026, 3, 3))).then_refused(
        InvalidCommandError, "the milestone date 2026-03-03 is in the future (today is 2026-03-02)"
    )
    funded.when(milestone(on=date(2026, 3, 1))).then_refused(
        InvalidCommandError,
        "the milestone date 2026-03-01 is before pairing rotterdam-busan-2021 was proposed",
    )


def test_completing_the_pilot_starts_the_follow_up_and_ends_milestones() -> None:
    done = (
        a_pairing()
        .in_stage(Stage.PILOT)
        .after(FUND)
        .when(cmd.CompletePilot(summary="Live"), at=T0 + days(1))
        .then(
            that(ev.PilotCompleted, summary="Live"),
            that(ev.StageAdvanced, from_stage=Stage.PILOT, to_stage=Stage.FOLLOW_UP),
        )
    )
    assert done.state.follow_up_started_at == T0 + days(1)
    done.when(milestone("m2")).then_refused(
        DuplicateError, "the pilot of pairing rotterdam-busan-2021 was already completed on"
    )
    done.when(cmd.CompletePilot()).then_refused(DuplicateError, "was already completed")


def test_completing_an_unfunded_pilot_is_refused() -> None:
    a_pairing().in_stage(Stage.PILOT).when(cmd.CompletePilot()).then_refused(
        StageError, "cannot complete the pilot: pairing rotterdam-busan-2021 is in stage pilot"
    )


def test_follow_ups_are_logged_once_the_pilot_is_completed() -> None:
    follow_up = cmd.LogFollowUp(follow_up_id="f1", held_at=T0)
    a_pairing().in_stage(Stage.PILOT).when(follow_up).then_refused(
        StageError, "follow-ups are logged once the pilot project is completed"
    )
    logged = (
        a_pairing()
        .in_stage(Stage.FOLLOW_UP)
        .when(follow_up)
        .then(that(ev.FollowUpLogged, follow_up_id="f1"))
    )
    assert logged.state.stage is Stage.FOLLOW_UP, "the follow-up stage ends by time only"
    logged.when(follow_up).then_refused(DuplicateError, "follow-up f1 was already logged")


def test_a_follow_up_is_logged_once_it_happened() -> None:
    later = cmd.LogFollowUp(follow_up_id="f9", held_at=T0 + days(2))
    a_pairing().in_stage(Stage.FOLLOW_UP).when(later).then_refused(
        InvalidCommandError, "the follow-up time 2026-03-04 09:00 UTC is in the future"
    )
