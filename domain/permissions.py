"""Who may send which command to which pairing: one table, and the check that reads it.

A city acts only for its own side: its focal points and its services confirm its own
participation, schedule and record the meetings it takes part in, submit the plan, report
the pilot and keep its own stakeholders. Decisions belong to the secretariat. The
secretariat may also record a city's step on the city's behalf (the usual case when a city
reports by e-mail); the event then names both the operator and the city it acted for.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import commands as cmd
from domain.errors import PermissionDeniedError
from domain.principals import SECRETARIAT, Principal, Role, Scope
from domain.state import PairingState

DECIDERS = frozenset({Role.PROGRAMME_OFFICER, Role.HEAD_OF_SECRETARIAT})


@dataclass(frozen=True)
class Permission:
    """Who may send one kind of command."""

    secretariat: frozenset[Role]
    """The secretariat roles that may send it (on a city's behalf, if it is a city's step)."""
    city_step: bool = False
    """A step the cities take: the focal points of the pairing's cities may send it."""
    scope: Scope | None = None
    """The scope that lets a service send it."""


PERMISSIONS: dict[str, Permission] = {
    "confirm_participation": Permission(SECRETARIAT, True, Scope.PARTICIPATION_CONFIRM),
    "schedule_meeting": Permission(SECRETARIAT, True, Scope.MEETINGS_SCHEDULE),
    "record_meeting": Permission(SECRETARIAT, True, Scope.MEETINGS_RECORD),
    "complete_study_visit": Permission(SECRETARIAT, True, Scope.VISITS_RECORD),
    "submit_action_plan": Permission(SECRETARIAT, True, Scope.PLANS_SUBMIT),
    "report_pilot_milestone": Permission(SECRETARIAT, True, Scope.PILOTS_REPORT),
    "complete_pilot": Permission(SECRETARIAT, True, Scope.PILOTS_REPORT),
    "log_follow_up": Permission(SECRETARIAT, True, Scope.FOLLOW_UPS_LOG),
    "add_stakeholder": Permission(SECRETARIAT, True),
    "remove_stakeholder": Permission(SECRETARIAT, True),
    "change_focal_point": Permission(SECRETARIAT, True),
    "pause": Permission(SECRETARIAT),
    "resume": Permission(SECRETARIAT),
    "request_action_plan_changes": Permission(DECIDERS),
    "approve_action_plan": Permission(DECIDERS),
    "fund_pilot": Permission(DECIDERS),
    "waive_stage": Permission(DECIDERS),
    "withdraw": Permission(DECIDERS),
    "change_policy": Permission(DECIDERS),
}
"""Every command kind a person or service may send (a test keeps it complete)."""


def concerned_city(command: cmd.Command, state: PairingState) -> str | None:
    """The one city a command is about, where it is about one (whose participation, whose
    stakeholder); None for what both cities do together (a meeting, the plan)."""
    match command:
        case cmd.ConfirmParticipation(city=city):
            return city
        case cmd.AddStakeholder(stakeholder=person):
            return person.city
        case cmd.RemoveStakeholder(ref=ref) | cmd.ChangeFocalPoint(ref=ref):
            known = state.stakeholders.get(ref)
            return known.city if known else None
        case _:
            return None


def authorize(
    principal: Principal, command: cmd.Command, state: PairingState, on_behalf_of: str | None
) -> str | None:
    """The city the command is sent for (None if for neither), or PermissionDeniedError."""
    if principal.role is Role.LEGACY:
        return on_behalf_of  # recorded before permissions existed; replayed as it was
    action = command.kind.replace("_", " ")
    permission = PERMISSIONS[command.kind]
    city = concerned_city(command, state)
    if principal.is_secretariat:
        return _for_secretariat(principal, permission, action, state, city, on_behalf_of)
    if not permission.city_step:
        raise PermissionDeniedError(
            f"cannot {action}: {_who_may(permission)} may; this command came from "
            f"{principal.describe()}"
        )
    _within_reach(principal, action, state)
    if principal.role is Role.SERVICE:
        if permission.scope is None:
            raise PermissionDeniedError(
                f"cannot {action}: {_who_may(permission)} may, no service; this command "
                f"came from {principal.describe()}"
            )
        if permission.scope not in principal.scopes:
            raise PermissionDeniedError(
                f"cannot {action}: a service needs the scope {permission.scope}; "
                f"{principal.describe()} does not have it"
            )
    if on_behalf_of not in (None, principal.city) or (city is not None and city != principal.city):
        other = on_behalf_of if on_behalf_of not in (None, principal.city) else city
        acts_for = f"only for {principal.city}" if principal.city else "for neither city"
        raise PermissionDeniedError(
            f"cannot {action} for {other}: {principal.describe()} acts {acts_for}"
        )
    return principal.city


def _for_secretariat(  # noqa: PLR0917 - the private half of authorize, with its locals
    principal: Principal,
    permission: Permission,
    action: str,
    state: PairingState,
    city: str | None,
    on_behalf_of: str | None,
) -> str | None:
    if principal.role not in permission.secretariat:
        raise PermissionDeniedError(
            f"cannot {action}: {_who_may(permission)} may; this command came from "
            f"{principal.describe()}"
        )
    if on_behalf_of is None:
        return city
    if not permission.city_step:
        raise PermissionDeniedError(
            f"cannot {action} on behalf of {on_behalf_of}: it is the secretariat's own "
            "decision, not a city's step; send it without a city"
        )
    if on_behalf_of not in state.cities or (city is not None and city != on_behalf_of):
        expected = city or f"{state.eu_city.slug} or {state.partner_city.slug}"
        raise PermissionDeniedError(
            f"cannot {action} on behalf of {on_behalf_of}: on pairing {state.pairing_id} "
            f"this command can only be sent on behalf of {expected}"
        )
    return on_behalf_of


def _within_reach(principal: Principal, action: str, state: PairingState) -> None:
    """A focal point or service touches only its own city's pairings (or the ones it names)."""
    if principal.city in state.cities or state.pairing_id in principal.pairings:
        return
    raise PermissionDeniedError(
        f"cannot {action}: pairing {state.pairing_id} is not {principal.city}'s; "
        f"{principal.describe()} acts only in its own pairings"
        if principal.city
        else f"cannot {action}: {principal.describe()} may not touch pairing {state.pairing_id}"
    )


def _who_may(permission: Permission) -> str:
    if permission.secretariat == DECIDERS:
        who = "only the programme officer or the head of the secretariat"
    else:
        who = "only the secretariat"
    if permission.city_step:
        who += ", the focal points of the pairing's cities"
    if permission.scope is not None:
        who += f" or a service with the scope {permission.scope}"
    return who


def authorize_recovery(principal: Principal) -> None:
    """Making a parked pairing continue from the event store is the secretariat's decision."""
    if principal.role not in DECIDERS:
        raise PermissionDeniedError(
            "cannot recover the pairing: only the programme officer or the head of the "
            f"secretariat may; this request came from {principal.describe()}"
        )
