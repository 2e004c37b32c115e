"""The pilot project: funded on an approved plan, reported by milestones, then completed."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError
from domain.rules.base import Context, primary_events
from domain.state import PlanStatus


@primary_events.register
def _(command: cmd.FundPilot, ctx: Context) -> list[ev.Event]:
    state, action = ctx.state, "record pilot funding"
    if state.pilot is not None:
        raise DuplicateError(
            f"cannot {action}: the pilot of pairing {state.pairing_id} was already funded on "
            f"{state.pilot.funded_at:%Y-%m-%d} ({state.pilot.title})"
        )
    if state.plan_status is not PlanStatus.APPROVED:
        raise ctx.refuse_stage(action, "pilot funding needs an approved action plan")
    return [
        ev.PilotFunded(
            title=command.title, amount_eur=command.amount_eur, funder=command.funder, **ctx.meta
        )
    ]


def _require_running_pilot(ctx: Context, action: str) -> None:
    pilot = ctx.state.pilot
    if pilot is None:
        raise ctx.refuse_stage(action, "the pilot project has not been funded yet")
    if pilot.completed_at is not None:
        raise DuplicateError(
            f"cannot {action}: the pilot of pairing {ctx.state.pairing_id} was already completed "
            f"on {pilot.completed_at:%Y-%m-%d}"
        )


@primary_events.register
def _(command: cmd.ReportPilotMilestone, ctx: Context) -> list[ev.Event]:
    action = "report the pilot milestone"
    _require_running_pilot(ctx, action)
    assert ctx.state.pilot is not None
    if command.milestone_id in ctx.state.pilot.milestone_ids:
        raise DuplicateError(
            f"cannot {action}: milestone {command.milestone_id} was already reported"
        )
    ctx.require_past_day(action, "the milestone date", command.reached_on)
    return [
        ev.PilotMilestoneReported(
            milestone_id=command.milestone_id,
            description=command.description,
            reached_on=command.reached_on,
            **ctx.meta,
        )
    ]


@primary_events.register
def _(command: cmd.CompletePilot, ctx: Context) -> list[ev.Event]:
    _require_running_pilot(ctx, "complete the pilot")
    return [ev.PilotCompleted(summary=command.summary, **ctx.meta)]
