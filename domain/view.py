"""What people see of a pairing: the view returned by queries and kept in the read model."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.deadlines import Deadline, next_deadline
from domain.policy import Staleness
from domain.progress import ChecklistItem, checklist
from domain.stages import Stage
from domain.state import PairingState, PlanStatus
from domain.topics import Topic


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class PairingView(BaseModel):
    """A pairing at a glance: where it is, how long it has been quiet, what is due next."""

    model_config = ConfigDict(frozen=True)

    pairing_id: str
    eu_city: str
    partner_city: str
    cycle: int
    topics: tuple[Topic, ...]
    stage: Stage
    status: Status
    staleness: Staleness
    stale: bool
    escalation_level: int
    last_activity_at: datetime
    next_deadline: Deadline | None
    plan_status: PlanStatus
    checklist: tuple[ChecklistItem, ...]
    version: int
    notice: str | None = None
    """What keeps the pairing from taking commands, if anything (it is parked: why)."""


def status_of(state: PairingState) -> Status:
    if state.stage is Stage.WITHDRAWN:
        return Status.WITHDRAWN
    if state.stage is Stage.COMPLETED:
        return Status.COMPLETED
    return Status.PAUSED if state.paused else Status.ACTIVE


def view_of(state: PairingState) -> PairingView:
    return PairingView(
        pairing_id=state.pairing_id,
        eu_city=state.eu_city.slug,
        partner_city=state.partner_city.slug,
        cycle=state.cycle,
        topics=state.topics,
        stage=state.stage,
        status=status_of(state),
        staleness=state.staleness,
        stale=state.staleness.is_stale,
        escalation_level=state.staleness.escalation_level,
        last_activity_at=state.last_activity_at,
        next_deadline=next_deadline(state),
        plan_status=state.plan_status,
        checklist=tuple(checklist(state)),
        version=state.version,
    )


def checklist_markdown(view: PairingView) -> str:
    """The stage checklist as markdown, for the Temporal UI's current details."""
    lines = [
        f"**{view.eu_city} ↔ {view.partner_city}** (cycle {view.cycle}) — stage "
        f"**{view.stage.label}**, {view.status.value}",
        "",
    ]
    for item in view.checklist:
        mark = "x" if item.done or item.waived else " "
        note = " *(waived)*" if item.waived else ""
        lines.append(f"- [{mark}] {item.stage.label}: {item.label}{note}")
    lines.append("")
    lines.append(f"Last activity: {view.last_activity_at:%Y-%m-%d %H:%M} UTC")
    if view.stale:
        lines.append(f"**Stale** — escalation level {view.escalation_level}")
    if view.next_deadline is not None:
        lines.append(f"Next: {view.next_deadline.description}")
    return "\n".join(lines)
