"""Confirming participation and adding stakeholders: who takes part."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError
from domain.rules.base import Context, primary_events


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
    if any(known.email == person.email for known in ctx.state.stakeholders):
        raise DuplicateError(
            f"cannot add the stakeholder: pairing {ctx.state.pairing_id} already has a "
            "stakeholder with that e-mail address"
        )
    return [ev.StakeholderAdded(stakeholder=person, **ctx.meta)]
