"""Which events someone must hear about, and what the message says.

A notification's id comes from the event's sequence number, so writing it twice (a retried
activity) finds the row already there and nobody is told twice.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain import events as ev
from domain.ids import notification_id
from domain.state import PairingState


class Audience(StrEnum):
    FOCAL_POINTS = "focal_points"
    PROGRAMME_OFFICER = "programme_officer"
    HEAD_OF_SECRETARIAT = "head_of_secretariat"
    SECRETARIAT = "secretariat"


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True)

    notification_id: str
    pairing_id: str
    sequence: int
    kind: str
    audience: Audience
    subject: str
    body: str


def notifications_for(state: PairingState, sequence: int, event: ev.Event) -> list[Notification]:
    """The messages `event` (at `sequence`, judged against the state before it) calls for."""
    pid, stage = state.pairing_id, state.stage.label
    limit = state.policy.idle_limit(state.stage).days if not state.stage.is_closed else 0
    match event:
        case ev.ReminderIssued(idle_days=idle):
            kind, audience = "reminder", Audience.FOCAL_POINTS
            subject = f"[IURC] {pid}: no activity for {idle} days"
            body = (
                f"Pairing {pid} has had no recorded activity for {idle} days in stage {stage}. "
                f"Record a meeting or other progress within {limit - idle} days to avoid an "
                "escalation to the secretariat."
            )
        case ev.Escalated(level=level, idle_days=idle):
            kind = f"escalation_{level}"
            audience = Audience.PROGRAMME_OFFICER if level == 1 else Audience.HEAD_OF_SECRETARIAT
            subject = f"[IURC] escalation {level}: {pid} stale for {idle} days"
            body = (
                f"Pairing {pid} has been quiet for {idle} days in stage {stage} "
                f"(idle limit {limit} days). Please contact both cities' focal points."
            )
        case ev.BackOnTrack(idle_days=idle, previous=previous) if previous.is_stale:
            kind, audience = "back_on_track", Audience.SECRETARIAT
            subject = f"[IURC] {pid} is back on track"
            body = f"Pairing {pid} recorded activity in stage {stage} after {idle} quiet days."
        case _:
            return []
    return [
        Notification(
            notification_id=notification_id(pid, sequence, kind),
            pairing_id=pid,
            sequence=sequence,
            kind=kind,
            audience=audience,
            subject=subject,
            body=body,
        )
    ]
