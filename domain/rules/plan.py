"""The study visit and the Urban Cooperative Action Plan: submit, request changes, approve."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.action_plan import action_plan_problems
from domain.errors import DuplicateError, InvalidCommandError
from domain.meetings import MeetingKind
from domain.rules.base import Context, primary_events
from domain.stages import BILATERAL_MEETINGS_REQUIRED, Stage
from domain.state import PlanStatus


@primary_events.register
def _(command: cmd.CompleteStudyVisit, ctx: Context) -> list[ev.Event]:
    state, action = ctx.state, "record the study visit"
    if command.visit_id in state.study_visits:
        raise DuplicateError(f"cannot {action}: visit {command.visit_id} was already recorded")
    if command.host_city not in state.cities:
        raise InvalidCommandError(
            f"cannot {action}: the host city {command.host_city} is not part of pairing "
            f"{state.pairing_id} (its cities are {state.eu_city.slug} "
            f"and {state.partner_city.slug})"
        )
    if command.ended_on < command.started_on:
        raise InvalidCommandError(
            f"cannot {action}: it ends ({command.ended_on}) before it starts ({command.started_on})"
        )
    if state.stage.rank < Stage.STUDY_VISIT.rank:
        held = len(state.held(MeetingKind.BILATERAL))
        raise ctx.refuse_stage(
            action,
            f"a study visit follows {BILATERAL_MEETINGS_REQUIRED} bilateral meetings "
            f"({held} held so far)",
        )
    ctx.require_past_day(action, "the end of the visit", command.ended_on)
    return [
        ev.StudyVisitCompleted(
            visit_id=command.visit_id,
            host_city=command.host_city,
            started_on=command.started_on,
            ended_on=command.ended_on,
            summary=command.summary,
            **ctx.meta,
        )
    ]


def _require_plan_stage(ctx: Context, action: str) -> None:
    state = ctx.state
    if state.plan_status is PlanStatus.APPROVED:
        raise DuplicateError(
            f"cannot {action}: the action plan of pairing {state.pairing_id} is already approved"
        )
    if state.stage.rank < Stage.ACTION_PLAN.rank:
        raise ctx.refuse_stage(
            action, "the action plan is drawn up after the study visit is completed or waived"
        )


@primary_events.register
def _(command: cmd.SubmitActionPlan, ctx: Context) -> list[ev.Event]:
    action = "submit the action plan"
    _require_plan_stage(ctx, action)
    if ctx.state.plan_status is PlanStatus.SUBMITTED:
        raise ctx.refuse_stage(
            action, "an action plan is already awaiting review; approve it or request changes first"
        )
    problems = action_plan_problems(command.plan, ctx.state.cities)
    if problems:
        raise InvalidCommandError(f"cannot {action}: " + "; ".join(problems))
    return [ev.ActionPlanSubmitted(plan=command.plan, **ctx.meta)]


def _require_submitted(ctx: Context, action: str) -> None:
    _require_plan_stage(ctx, action)
    if ctx.state.plan_status is not PlanStatus.SUBMITTED:
        raise ctx.refuse_stage(
            action,
            f"there is no action plan awaiting review (status: {ctx.state.plan_status.value}); "
            "submit one first",
        )


@primary_events.register
def _(command: cmd.RequestActionPlanChanges, ctx: Context) -> list[ev.Event]:
    _require_submitted(ctx, "request changes to the action plan")
    return [ev.ActionPlanChangesRequested(reason=command.reason, **ctx.meta)]


@primary_events.register
def _(command: cmd.ApproveActionPlan, ctx: Context) -> list[ev.Event]:
    _require_submitted(ctx, "approve the action plan")
    return [ev.ActionPlanApproved(**ctx.meta)]
