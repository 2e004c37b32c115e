"""Scheduling and recording meetings: the kick-off, bilateral meetings, cluster events."""

from __future__ import annotations

from datetime import timedelta

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError
from domain.meetings import MeetingKind
from domain.rules.base import Context, primary_events

SCHEDULING_HORIZON = timedelta(days=730)


def _check_id(ctx: Context, action: str, meeting_id: str, kind: MeetingKind) -> None:
    known = ctx.state.meetings.get(meeting_id)
    if known is None:
        return
    if known.held_at is not None:
        raise DuplicateError(
            f"cannot {action}: meeting {meeting_id} was already recorded as held on "
            f"{known.held_at:%Y-%m-%d}; a new meeting needs a new meeting id"
        )
    if known.kind is not kind:
        raise InvalidCommandError(
            f"cannot {action}: meeting {meeting_id} was scheduled as a {known.kind.label}, "
            f"not a {kind.label}; use the same kind or a new meeting id"
        )


def _check_single_kickoff(ctx: Context, action: str, kind: MeetingKind) -> None:
    held = ctx.state.held(MeetingKind.KICKOFF)
    if kind is MeetingKind.KICKOFF and held:
        raise DuplicateError(
            f"cannot {action}: the kick-off meeting of pairing {ctx.state.pairing_id} was already "
            f"held on {held[0].held_at:%Y-%m-%d} (meeting {held[0].meeting_id})"
        )


def _stage_requirement(ctx: Context, kind: MeetingKind) -> str:
    if kind is MeetingKind.KICKOFF:
        missing = sorted(ctx.state.cities - ctx.state.confirmed)
        return f"the kick-off needs both cities' confirmation first ({', '.join(missing)} not yet)"
    return "bilateral meetings follow the kick-off meeting, which has not been held yet"


@primary_events.register
def _(command: cmd.ScheduleMeeting, ctx: Context) -> list[ev.Event]:
    action = f"schedule the {command.meeting_kind.label}"
    _check_id(ctx, action, command.meeting_id, command.meeting_kind)
    _check_single_kickoff(ctx, action, command.meeting_kind)
    if command.scheduled_for <= ctx.now:
        raise InvalidCommandError(
            f"cannot {action}: {command.scheduled_for:%Y-%m-%d %H:%M %Z} is in the past "
            f"(now is {ctx.now:%Y-%m-%d %H:%M %Z}); "
            "record a meeting that already took place instead"
        )
    if command.scheduled_for > ctx.now + SCHEDULING_HORIZON:
        raise InvalidCommandError(
            f"cannot {action}: {command.scheduled_for:%Y-%m-%d} is more than two years ahead; "
            "schedule meetings at most two years in advance"
        )
    return [
        ev.MeetingScheduled(
            meeting_id=command.meeting_id,
            meeting_kind=command.meeting_kind,
            scheduled_for=command.scheduled_for,
            title=command.title,
            **ctx.meta,
        )
    ]


@primary_events.register
def _(command: cmd.RecordMeeting, ctx: Context) -> list[ev.Event]:
    kind = command.meeting_kind
    action = f"record the {kind.label}"
    _check_id(ctx, action, command.meeting_id, kind)
    _check_single_kickoff(ctx, action, kind)
    if ctx.state.stage.rank < kind.earliest_stage.rank:
        raise ctx.refuse_stage(action, _stage_requirement(ctx, kind))
    ctx.require_past(action, "the meeting time", command.held_at)
    return [
        ev.MeetingHeld(
            meeting_id=command.meeting_id,
            meeting_kind=kind,
            held_at=command.held_at,
            summary=command.summary,
            **ctx.meta,
        )
    ]
