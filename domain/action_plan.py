"""The Urban Cooperative Action Plan and the programme's rules for a valid one."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from domain.stakeholders import Helix, Stakeholder


class Milestone(BaseModel):
    """One dated step of the plan's implementation roadmap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    due_on: date


class ActionPlan(BaseModel):
    """What the two cities commit to; a pilot is funded only on an approved plan.

    Every part is bounded, so that a plan stays far below Temporal's 2 MB payload limit
    even when it is carried in a pairing's state and events across continue-as-new.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    stakeholders: tuple[Stakeholder, ...] = Field(default=(), max_length=100)
    projects: tuple[Annotated[str, Field(max_length=1000)], ...] = Field(default=(), max_length=50)
    decision_making: str = Field(default="", max_length=2000)
    roadmap: tuple[Milestone, ...] = Field(default=(), max_length=100)


def action_plan_problems(plan: ActionPlan, pairing_cities: frozenset[str]) -> list[str]:
    """Every reason the plan is not yet valid, in words a city officer can act on."""
    problems: list[str] = []
    named = {stakeholder.helix for stakeholder in plan.stakeholders}
    missing = [helix.label for helix in Helix if helix not in named]
    if missing:
        have = ", ".join(h.label for h in Helix if h in named) or "none"
        problems.append(
            f"it names no {' or '.join(missing)} stakeholder (helices named: {have}); "
            "an action plan needs at least one stakeholder of each helix: "
            "government, academia, business, civil society"
        )
    outsiders = sorted({s.city for s in plan.stakeholders} - pairing_cities)
    if outsiders:
        problems.append(
            f"stakeholders from {', '.join(outsiders)} are not from the pairing's cities "
            f"({', '.join(sorted(pairing_cities))})"
        )
    if not [p for p in plan.projects if p.strip()]:
        problems.append("it names no concrete project; name at least one")
    if not plan.decision_making.strip():
        problems.append("it has no decision-making mechanism; describe who decides and how")
    if not plan.roadmap:
        problems.append("it has no roadmap; give at least one dated milestone")
    return problems
