"""Confirming participation and adding stakeholders: who takes part."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError
from domain.rules.base import Context, primary_events
from domain.stakeholders import Stakeholder


def _require_member(ctx: Context, action: str, city: str) -> None:
    state = ctx.state
    if city not in state.cities:
        raise InvalidCommandError(
            f"cannot {action}: {city} is not part of pairing {state.pairing_id} "
            f"(its cities are {state.eu_city.slug} and {state.partner_city.slug})"
        )


@primary_events.register
def _(command: cmd.ConfirmParticipation, ctx: Context) -> list[ev.Event]:
    _require_member(ctx, "confirm participation", command.city)
    if command.city in ctx.state.confirmed:
        raise DuplicateError(
            f"{command.city} has already confirmed participation in pairing {ctx.state.pairing_id}"
        )
    return [ev.ParticipationConfirmed(city=command.city, **ctx.meta)]


@primary_events.register
def _(command: cmd.AddStakeholder, ctx: Context) -> list[ev.Event]:
    person = command.stakeholder
    _require_member(ctx, "add the stakeholder", person.city)
    known = next(
        (ref for ref, p in ctx.state.stakeholders.items() if p.email == person.email), None
    )
    if known is not None:
        raise DuplicateError(
            f"cannot add the stakeholder: pairing {ctx.state.pairing_id} already has a "
            f"stakeholder with that e-mail address ({known})"
        )
    ref = ctx.state.next_stakeholder_ref(person.city)
    return [ev.StakeholderAdded(stakeholder=person, ref=ref, **ctx.meta)]


def _known(ctx: Context, action: str, ref: str) -> Stakeholder:
    person = ctx.state.stakeholders.get(ref)
    if person is None:
        known = ", ".join(ctx.state.stakeholders) or "none"
        raise InvalidCommandError(
            f"cannot {action}: pairing {ctx.state.pairing_id} has no stakeholder {ref} "
            f"(it has: {known}); `iurc stakeholders list` shows them"
        )
    return person


@primary_events.register
def _(command: cmd.RemoveStakeholder, ctx: Context) -> list[ev.Event]:
    person = _known(ctx, "remove the stakeholder", command.ref)
    removed = ev.StakeholderRemoved(
        ref=command.ref, city=person.city, helix=person.helix, role=person.role, **ctx.meta
    )
    return [removed]


@primary_events.register
def _(command: cmd.ChangeFocalPoint, ctx: Context) -> list[ev.Event]:
    person = _known(ctx, "change the focal point", command.ref)
    if person.focal_point == command.focal_point:
        state = "already" if person.focal_point else "not"
        raise DuplicateError(
            f"cannot change the focal point: {command.ref} is {state} a focal point of "
            f"pairing {ctx.state.pairing_id}"
        )
    changed = ev.FocalPointChanged(
        ref=command.ref, city=person.city, focal_point=command.focal_point, **ctx.meta
    )
    return [changed]
