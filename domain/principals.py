"""Who sends a command: an authenticated principal, never a name someone typed.

Each door establishes the principal in its own way (the CLI from the installation's
settings, the HTTP gateway from a bearer token) and the pairing records it as the event's
actor. What a principal may do is decided by `domain.permissions`, in one table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.cities import Slug

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
"""A principal's name: a login or a service's name, never an e-mail address (personal data)."""
Name = Annotated[str, Field(pattern=NAME_PATTERN)]


class Role(StrEnum):
    OPERATOR = "operator"
    """A secretariat operator: records what the cities report, keeps pairings tidy."""
    PROGRAMME_OFFICER = "programme_officer"
    """Runs the programme day to day: approves plans, funds pilots, waives and withdraws."""
    HEAD_OF_SECRETARIAT = "head_of_secretariat"
    FOCAL_POINT = "focal_point"
    """A city's focal point: acts for that one city, in its own pairings only."""
    SERVICE = "service"
    """A meeting platform, calendar or portal: acts within its scopes, for one city or for
    named pairings."""
    LEGACY = "legacy"
    """The typed actor of a command recorded before principals existed: replay only."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


SECRETARIAT = frozenset({Role.OPERATOR, Role.PROGRAMME_OFFICER, Role.HEAD_OF_SECRETARIAT})


class Scope(StrEnum):
    """What a service may do; each scope allows the commands named in `domain.permissions`."""

    PARTICIPATION_CONFIRM = "participation:confirm"
    MEETINGS_SCHEDULE = "meetings:schedule"
    MEETINGS_RECORD = "meetings:record"
    VISITS_RECORD = "visits:record"
    PLANS_SUBMIT = "plans:submit"
    PILOTS_REPORT = "pilots:report"
    FOLLOW_UPS_LOG = "follow_ups:log"


class Principal(BaseModel):
    """An authenticated sender of commands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    name: Name
    city: Slug | None = Field(
        default=None, description="the one city a focal point or a service acts for"
    )
    scopes: frozenset[Scope] = Field(default=frozenset(), description="a service's scopes")
    pairings: frozenset[str] = Field(
        default=frozenset(),
        description="pairings a service without a city may touch (it acts for neither city)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Principal:
        if self.role is Role.LEGACY:
            raise ValueError("a legacy actor is only ever read from an old history")
        if self.role is Role.FOCAL_POINT and self.city is None:
            raise ValueError("a focal point acts for one city: give its city")
        if self.role is Role.SERVICE and self.city is None and not self.pairings:
            raise ValueError("a service acts for one city or for named pairings: give either")
        if self.role is not Role.SERVICE and (self.scopes or self.pairings):
            raise ValueError("only a service has scopes and named pairings")
        if self.role in SECRETARIAT and self.city is not None:
            raise ValueError("the secretariat acts for the whole programme, not for one city")
        return self

    @classmethod
    def legacy(cls, actor: str) -> Principal:
        """The actor string of a command recorded before principals, as it was recorded."""
        return cls.model_construct(role=Role.LEGACY, name=actor)

    @property
    def id(self) -> str:
        """How events and logs name this principal: `<role>:<name>` (and the city, if any)."""
        if self.role is Role.LEGACY:
            return self.name
        where = f"{self.city}:" if self.city else ""
        return f"{self.role.value}:{where}{self.name}"

    @property
    def is_secretariat(self) -> bool:
        return self.role in SECRETARIAT

    def describe(self) -> str:
        """`operator kim`, `busan's focal point kim`, `service zoom (meetings:record)`."""
        if self.role is Role.SERVICE:
            scopes = ", ".join(sorted(scope.value for scope in self.scopes)) or "no scopes"
            reach = f" for {self.city}" if self.city else ""
            return f"service {self.name}{reach} ({scopes})"
        if self.role is Role.FOCAL_POINT:
            return f"{self.city}'s focal point {self.name}"
        return f"{self.role.label} {self.name}"
