"""The decider: `decide(state, command, now) -> events`, or a DomainError that says why not.

Three entry points, one per source of change: `propose_pairing` starts a pairing, `decide`
judges a command from a person or service, `decide_deadlines` says what time alone has made
due. Each returns the events to append; `evolve` applies them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from domain import events as ev
from domain.cities import City, check_pair, find_city
from domain.commands import Command
from domain.deadlines import follow_up_ends_at, next_staleness_step
from domain.errors import ClosedPairingError, InvalidCommandError
from domain.evolve import evolve
from domain.idempotency import already_recorded, command_fingerprint
from domain.ids import pairing_id
from domain.limits import refuse_beyond_caps
from domain.permissions import authorize
from domain.policy import Staleness, StalenessPolicy
from domain.principals import Principal
from domain.progress import exit_criterion_met
from domain.rules import Context, primary_events
from domain.stages import Stage
from domain.stakeholders import Stakeholder
from domain.state import PairingState
from domain.topics import Topic

SYSTEM_ACTOR = "system"


def propose_pairing(
    catalog: Mapping[str, City],
    *,
    eu_city: str,
    partner_city: str,
    cycle: int,
    now: datetime,
    topics: Sequence[Topic] = (),
    policy: StalenessPolicy | None = None,
    stakeholders: Sequence[Stakeholder] = (),
) -> ev.PairingProposed:
    """The first event of a pairing; topics default to the interests the two cities share.

    `stakeholders` are the people of the two cities' profiles: the pairing starts with them,
    so its reminders reach the cities' focal points from the first day.
    """
    eu, partner = find_city(catalog, eu_city), find_city(catalog, partner_city)
    check_pair(eu, partner)
    if not 2000 <= cycle <= 2100:
        raise InvalidCommandError(f"cycle {cycle} is not a programme year (expected 2000-2100)")
    chosen = tuple(dict.fromkeys(topics)) or tuple(sorted(eu.interests & partner.interests))
    return ev.PairingProposed(
        pairing_id=pairing_id(cycle, eu.slug, partner.slug),
        eu_city=eu,
        partner_city=partner,
        cycle=cycle,
        topics=chosen,
        policy=policy or StalenessPolicy(),
        stakeholders=tuple(p for p in stakeholders if p.city in (eu.slug, partner.slug)),
        occurred_at=now,
        actor=SYSTEM_ACTOR,
    )


def decide(
    state: PairingState,
    command: Command,
    *,
    command_id: str,
    principal: Principal,
    now: datetime,
    on_behalf_of: str | None = None,
) -> list[ev.Event]:
    """The events `command` records; none if its idempotency key already recorded it.

    The principal's right to send it is checked first (`domain.permissions`). A key recorded
    for a *different* command is refused rather than silently ignored: the sender would
    otherwise believe its new command was recorded.
    """
    acting_for = authorize(principal, command, state, on_behalf_of)
    if already_recorded(state, command, command_id):
        return []
    if state.stage.is_closed:
        raise _closed(state, command)
    refuse_beyond_caps(command, state)
    ctx = Context(
        state=state,
        now=now,
        command_id=command_id,
        actor=principal.id,
        on_behalf_of=acting_for,
        fingerprint=command_fingerprint(command),
    )
    primary = primary_events(command, ctx)
    return _with_consequences(ctx, primary)


def decide_deadlines(state: PairingState, now: datetime) -> list[ev.Event]:
    """What time has made due by `now`: reminders, escalations, the end of follow-up."""
    events: list[ev.Event] = []
    current = state
    meta: dict[str, Any] = {"occurred_at": now, "actor": SYSTEM_ACTOR}
    while (step := next_staleness_step(current)) is not None and step[1] <= now:
        idle = (now - current.last_activity_at).days
        level: ev.Event
        if step[0] is Staleness.REMINDED:
            level = ev.ReminderIssued(stage=current.stage, idle_days=idle, **meta)
        else:
            rank: Literal[1, 2] = 1 if step[0] is Staleness.ESCALATED_1 else 2
            level = ev.Escalated(level=rank, stage=current.stage, idle_days=idle, **meta)
        events.append(level)
        current = evolve(current, level)
    end = follow_up_ends_at(current)
    if end is not None and end <= now:
        ended = ev.FollowUpPeriodEnded(follow_ups_logged=len(current.follow_ups), **meta)
        advanced = ev.StageAdvanced(from_stage=Stage.FOLLOW_UP, to_stage=Stage.COMPLETED, **meta)
        events += [ended, advanced]
    return events


def reject(
    state: PairingState, command_id: str | None, kind: str, reason: str, now: datetime
) -> ev.CommandRejected:
    """The record of a signalled command that could not be accepted.

    Its texts come from an untrusted payload, so they are cut to a bounded length and made
    storable (no U+0000, no lone surrogates): a rejection must always be recordable.
    """
    return ev.CommandRejected(
        rejected_command_id=None if command_id is None else _storable(command_id, 100),
        command_kind=_storable(kind, 100),
        reason=_storable(reason, REJECTION_REASON_LIMIT),
        occurred_at=now,
        actor=SYSTEM_ACTOR,
    )


REJECTION_REASON_LIMIT = 4000


def _storable(text: str, limit: int) -> str:
    """`text` without NUL or lone surrogates, cut to `limit` characters with a marker."""
    clean = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _with_consequences(ctx: Context, primary: list[ev.Event]) -> list[ev.Event]:
    """Add what the command's events imply: back on track, and every stage they complete."""
    events = list(primary)
    state = ctx.state
    if any(event.is_activity for event in primary) and state.staleness is not Staleness.ACTIVE:
        idle = (ctx.now - state.last_activity_at).days
        events.append(
            ev.BackOnTrack(stage=state.stage, idle_days=idle, previous=state.staleness, **ctx.meta)
        )
    for event in events:
        state = evolve(state, event)
    while exit_criterion_met(state):
        advanced = ev.StageAdvanced(from_stage=state.stage, to_stage=state.stage.next(), **ctx.meta)
        events.append(advanced)
        state = evolve(state, advanced)
    return events


def _closed(state: PairingState, command: Command) -> ClosedPairingError:
    when = f" on {state.closed_at:%Y-%m-%d}" if state.closed_at else ""
    if state.stage is Stage.WITHDRAWN:
        why = f"was withdrawn{when} ({state.withdrawal_reason})"
    else:
        why = f"was completed{when}"
    return ClosedPairingError(
        f"cannot {command.kind.replace('_', ' ')}: pairing {state.pairing_id} {why}; "
        "a closed pairing accepts no further commands"
    )
