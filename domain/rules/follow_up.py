"""Follow-up after the pilot: regular contact, logged, until the follow-up period ends."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError
from domain.rules.base import Context, primary_events
from domain.stages import Stage


@primary_events.register
def _(command: cmd.LogFollowUp, ctx: Context) -> list[ev.Event]:
    action = "log the follow-up"
    if command.follow_up_id in ctx.state.follow_ups:
        raise DuplicateError(
            f"cannot {action}: follow-up {command.follow_up_id} was already logged"
        )
    if ctx.state.stage is not Stage.FOLLOW_UP:
        raise ctx.refuse_stage(action, "follow-ups are logged once the pilot project is completed")
    ctx.require_past(action, "the follow-up time", command.held_at)
    return [
        ev.FollowUpLogged(
            follow_up_id=command.follow_up_id,
            held_at=command.held_at,
            summary=command.summary,
            **ctx.meta,
        )
    ]
