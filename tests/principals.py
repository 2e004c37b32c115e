"""The principals tests send commands as: the secretariat's roles, focal points, services."""

from __future__ import annotations

from typing import Any

from domain.principals import Principal, Role, Scope

OFFICER = Principal(role=Role.PROGRAMME_OFFICER, name="test-officer")
"""Who most tests act as: the programme officer may send every command."""
OPERATOR = Principal(role=Role.OPERATOR, name="test-operator")
HEAD = Principal(role=Role.HEAD_OF_SECRETARIAT, name="test-head")


def focal_point(city: str, name: str = "fp") -> Principal:
    return Principal(role=Role.FOCAL_POINT, name=name, city=city)


def service(name: str, city: str, *scopes: Scope) -> Principal:
    return Principal(role=Role.SERVICE, name=name, city=city, scopes=frozenset(scopes))


def as_json(principal: Principal) -> dict[str, Any]:
    """The principal as a raw signal payload carries it."""
    return principal.model_dump(mode="json")


OFFICER_JSON = as_json(OFFICER)
