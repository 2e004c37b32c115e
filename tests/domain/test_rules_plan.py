"""The study visit and the action plan: when they may be recorded, and what a valid plan is."""

from __future__ import annotations

from datetime import date

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError, StageError
from domain.stages import Stage
from domain.stakeholders import Helix
from domain.state import PlanStatus
from iurc.journey import action_plan, stakeholder
from tests.domain.gwt import a_pairing, that

PLAN = action_plan("rotterdam", "busan")
DAY = date(2026, 3, 2)


def visit(
    visit_id: str = "v1", host: str = "busan", start: date = DAY, end: date = DAY
) -> cmd.CompleteStudyVisit:
    return cmd.CompleteStudyVisit(visit_id=visit_id, host_city=host, started_on=start, ended_on=end)


def test_a_study_visit_follows_two_bilateral_meetings() -> None:
    a_pairing().through("held-bilateral-1").when(visit()).then_refused(
        StageError, "a study visit follows 2 bilateral meetings (1 held so far)"
    )


def test_a_completed_study_visit_moves_to_the_action_plan() -> None:
    a_pairing().in_stage(Stage.STUDY_VISIT).when(visit()).then(
        that(ev.StudyVisitCompleted, visit_id="v1", host_city="busan"),
        that(ev.StageAdvanced, from_stage=Stage.STUDY_VISIT, to_stage=Stage.ACTION_PLAN),
    )


def test_a_study_visit_is_hosted_by_a_city_of_the_pairing() -> None:
    a_pairing().in_stage(Stage.STUDY_VISIT).when(visit(host="seoul")).then_refused(
        InvalidCommandError, "the host city seoul is not part of pairing rotterdam-busan-2021"
    )


def test_a_study_visit_ends_after_it_starts_and_is_recorded_once_over() -> None:
    in_stage = a_pairing().in_stage(Stage.STUDY_VISIT)
    in_stage.when(visit(start=date(2026, 3, 1), end=date(2026, 2, 27))).then_refused(
        InvalidCommandError, "it ends (2026-02-27) before it starts (2026-03-01)"
    )
    in_stage.when(visit(end=date(2026, 3, 4))).then_refused(
        InvalidCommandError,
        "the end of the visit 2026-03-04 is in the future (today is 2026-03-02)",
    )


def test_the_same_study_visit_is_recorded_once() -> None:
    a_pairing().through("visit").when(visit(visit_id="visit-1")).then_refused(
        DuplicateError, "visit visit-1 was already recorded"
    )


def test_the_action_plan_is_drawn_up_after_the_study_visit() -> None:
    a_pairing().in_stage(Stage.STUDY_VISIT).when(cmd.SubmitActionPlan(plan=PLAN)).then_refused(
        StageError, "the action plan is drawn up after the study visit is completed or waived"
    )


def test_action_plan_without_civil_society_is_refused_with_what_is_missing() -> None:
    plan = action_plan(
        "rotterdam", "busan", helices=(Helix.GOVERNMENT, Helix.ACADEMIA, Helix.BUSINESS)
    )
    message = (
        a_pairing()
        .in_stage(Stage.ACTION_PLAN)
        .when(cmd.SubmitActionPlan(plan=plan))
        .then_refused(InvalidCommandError, "names no civil society stakeholder")
    )
    assert "helices named: government, academia, business" in message
    assert "at least one stakeholder of each helix" in message


def test_action_plan_lists_every_problem_at_once() -> None:
    outsider = stakeholder("seoul", Helix.CIVIL_SOCIETY)
    empty = PLAN.model_copy(
        update={
            "projects": (" ",),
            "decision_making": " ",
            "roadmap": (),
            "stakeholders": (*PLAN.stakeholders, outsider),
        }
    )
    message = (
        a_pairing()
        .in_stage(Stage.ACTION_PLAN)
        .when(cmd.SubmitActionPlan(plan=empty))
        .then_refused(InvalidCommandError, "cannot submit the action plan: ")
    )
    assert message.count(";") >= 3
    for problem in (
        "stakeholders from seoul are not from the pairing's cities (busan, rotterdam)",
        "no concrete project",
        "no decision-making mechanism",
        "no roadmap",
    ):
        assert problem in message


def test_a_submitted_plan_awaits_review_before_another_is_submitted() -> None:
    submitted = (
        a_pairing()
        .in_stage(Stage.ACTION_PLAN)
        .when(cmd.SubmitActionPlan(plan=PLAN))
        .then(that(ev.ActionPlanSubmitted, plan=PLAN))
    )
    assert submitted.state.plan_status is PlanStatus.SUBMITTED
    submitted.when(cmd.SubmitActionPlan(plan=PLAN)).then_refused(
        StageError, "an action plan is already awaiting review; approve it or request changes first"
    )


def test_only_a_plan_awaiting_review_is_approved_or_sent_back() -> None:
    in_stage = a_pairing().in_stage(Stage.ACTION_PLAN)
    in_stage.when(cmd.ApproveActionPlan()).then_refused(
        StageError, "there is no action plan awaiting review (status: none); submit one first"
    )
    sent_back = in_stage.after(cmd.SubmitActionPlan(plan=PLAN)).after(
        cmd.RequestActionPlanChanges(reason="Add a budget.")
    )
    sent_back.when(cmd.RequestActionPlanChanges(reason="Again")).then_refused(
        StageError, "(status: changes_requested)"
    )
    sent_back.when(cmd.SubmitActionPlan(plan=PLAN)).then(ev.ActionPlanSubmitted)


def test_approving_the_plan_moves_to_the_pilot_and_it_stays_approved() -> None:
    approved = (
        a_pairing()
        .in_stage(Stage.ACTION_PLAN)
        .after(cmd.SubmitActionPlan(plan=PLAN))
        .when(cmd.ApproveActionPlan())
        .then(
            ev.ActionPlanApproved,
            that(ev.StageAdvanced, from_stage=Stage.ACTION_PLAN, to_stage=Stage.PILOT),
        )
    )
    approved.when(cmd.SubmitActionPlan(plan=PLAN)).then_refused(
        DuplicateError, "the action plan of pairing rotterdam-busan-2021 is already approved"
    )
