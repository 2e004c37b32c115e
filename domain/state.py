"""The state of one pairing: the fold of its events, and nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.action_plan import ActionPlan
from domain.cities import City
from domain.meetings import Meeting, MeetingKind
from domain.policy import Staleness, StalenessPolicy
from domain.stages import Stage
from domain.stakeholders import Stakeholder
from domain.topics import Keys, Topic


class PlanStatus(StrEnum):
    NONE = "none"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


class Pilot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    amount_eur: int
    funder: str
    funded_at: datetime
    milestone_ids: tuple[str, ...] = ()
    completed_at: datetime | None = None


class PairingState(BaseModel):
    """Everything the decider needs to judge the next command; carried across continue-as-new."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pairing_id: str
    eu_city: City
    partner_city: City
    cycle: int
    topics: tuple[Topic, ...]
    policy: StalenessPolicy
    stage: Stage
    version: int = Field(description="how many events were folded; the next event's sequence")
    proposed_at: datetime
    last_activity_at: datetime
    staleness: Staleness = Staleness.ACTIVE
    paused_at: datetime | None = None
    pause_reason: str | None = None
    confirmed: Keys = frozenset()
    meetings: dict[str, Meeting] = Field(default_factory=dict)
    study_visits: tuple[str, ...] = ()
    plan: ActionPlan | None = None
    plan_status: PlanStatus = PlanStatus.NONE
    pilot: Pilot | None = None
    follow_up_started_at: datetime | None = None
    follow_ups: tuple[str, ...] = ()
    stakeholders: dict[str, Stakeholder] = Field(
        default_factory=dict, description="ref (`busan-2`) -> the person, in the order added"
    )
    stakeholders_added: dict[str, int] = Field(
        default_factory=dict,
        description="city -> how many of its people were ever added: the next ref's number, "
        "so that a ref is never reused",
    )
    waived: dict[Stage, str] = Field(default_factory=dict)
    closed_at: datetime | None = None
    withdrawal_reason: str | None = None
    command_ids: Keys = Field(
        default=frozenset(),
        description="idempotency keys already recorded: a repeat records nothing",
    )
    command_fingerprints: dict[str, str] = Field(
        default_factory=dict,
        description="key -> fingerprint of the command it recorded: a different command under "
        "a known key is refused (keys recorded before fingerprints were kept have none)",
    )
    rejected_commands: int = 0
    keys_forgotten: int = Field(
        default=0,
        description="idempotency keys dropped from the window above (the oldest first): "
        "while any are, a key not in the window is looked up in the event store",
    )

    @model_validator(mode="before")
    @classmethod
    def _stakeholders_by_ref(cls, data: Any) -> Any:
        """A state carried by a run from before refs held its stakeholders as a list."""
        if isinstance(data, dict) and isinstance(data.get("stakeholders"), list | tuple):
            by_ref, added = numbered(data["stakeholders"])
            data = {**data, "stakeholders": by_ref, "stakeholders_added": added}
        return data

    def next_stakeholder_ref(self, city: str) -> str:
        return stakeholder_ref(city, self.stakeholders_added.get(city, 0) + 1)

    def focal_points(self, city: str) -> list[Stakeholder]:
        return [p for p in self.stakeholders.values() if p.city == city and p.focal_point]

    @property
    def cities(self) -> frozenset[str]:
        return frozenset({self.eu_city.slug, self.partner_city.slug})

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def held(self, kind: MeetingKind) -> list[Meeting]:
        return [m for m in self.meetings.values() if m.kind is kind and m.held_at is not None]


def stakeholder_ref(city: str, number: int) -> str:
    """`busan-3`: how a pairing names the third person ever added to it (here, from Busan)."""
    return f"{city}-{number}"


def numbered(people: Iterable[Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """People in the order they came, by ref (`busan-1`, `busan-2`, `rotterdam-1`), and how
    many each city has had: how a pairing numbers the people it starts with."""
    by_ref: dict[str, Any] = {}
    added: dict[str, int] = {}
    for person in people:
        city = str(person.city if isinstance(person, Stakeholder) else person["city"])
        added[city] = added.get(city, 0) + 1
        by_ref[stakeholder_ref(city, added[city])] = person
    return by_ref, added


class StateChanges(TypedDict, total=False):
    """The fields an event may change, with their types: what `evolve`'s rules return.

    pydantic's `model_copy(update=...)` validates nothing, so a misspelt field would be
    stored silently; returning this type instead of a plain dict makes a wrong name or a
    wrong type a mypy error, at no cost at run time. It lists every field of PairingState
    (a test keeps the two in step).
    """

    pairing_id: str
    eu_city: City
    partner_city: City
    cycle: int
    topics: tuple[Topic, ...]
    policy: StalenessPolicy
    stage: Stage
    version: int
    proposed_at: datetime
    last_activity_at: datetime
    staleness: Staleness
    paused_at: datetime | None
    pause_reason: str | None
    confirmed: Keys
    meetings: dict[str, Meeting]
    study_visits: tuple[str, ...]
    plan: ActionPlan | None
    plan_status: PlanStatus
    pilot: Pilot | None
    follow_up_started_at: datetime | None
    follow_ups: tuple[str, ...]
    stakeholders: dict[str, Stakeholder]
    stakeholders_added: dict[str, int]
    waived: dict[Stage, str]
    closed_at: datetime | None
    withdrawal_reason: str | None
    command_ids: Keys
    command_fingerprints: dict[str, str]
    rejected_commands: int
    keys_forgotten: int
