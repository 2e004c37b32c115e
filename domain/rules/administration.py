"""The secretariat's own moves: pause, resume, waive a stage, withdraw, change the policy."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError
from domain.rules.base import Context, primary_events
from domain.stages import WAIVABLE


@primary_events.register
def _(command: cmd.Pause, ctx: Context) -> list[ev.Event]:
    state = ctx.state
    if state.paused_at is not None:
        raise DuplicateError(
            f"cannot pause: pairing {state.pairing_id} is already paused since "
            f"{state.paused_at:%Y-%m-%d} ({state.pause_reason})"
        )
    return [ev.PairingPaused(reason=command.reason, **ctx.meta)]


@primary_events.register
def _(command: cmd.Resume, ctx: Context) -> list[ev.Event]:
    if ctx.state.paused_at is None:
        raise ctx.refuse_stage("resume", "it is not paused; only a paused pairing can be resumed")
    return [ev.PairingResumed(**ctx.meta)]


@primary_events.register
def _(command: cmd.WaiveStage, ctx: Context) -> list[ev.Event]:
    action = f"waive stage {command.stage.value}"
    if command.stage not in WAIVABLE:
        allowed = ", ".join(sorted(stage.value for stage in WAIVABLE))
        raise InvalidCommandError(
            f"cannot {action}: it is essential to the programme; stages that may be waived: "
            f"{allowed}"
        )
    if command.stage is not ctx.state.stage:
        raise ctx.refuse_stage(action, "only the current stage can be waived")
    return [ev.StageWaived(stage=command.stage, reason=command.reason, **ctx.meta)]


@primary_events.register
def _(command: cmd.Withdraw, ctx: Context) -> list[ev.Event]:
    return [ev.PairingWithdrawn(stage=ctx.state.stage, reason=command.reason, **ctx.meta)]


@primary_events.register
def _(command: cmd.ChangePolicy, ctx: Context) -> list[ev.Event]:
    current = ctx.state.policy
    policy = command.policy or current.changed(
        idle_limits=command.idle_limits,
        reminder_fraction=command.reminder_fraction,
        follow_up_period=command.follow_up_period,
    )
    if command.policy is None and policy == current:  # a whole replacement always recorded
        raise DuplicateError(
            f"cannot change the policy: pairing {ctx.state.pairing_id} already has that policy"
        )
    return [ev.PolicyChanged(policy=policy, **ctx.meta)]
