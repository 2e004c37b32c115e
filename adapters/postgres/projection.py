"""Projections: the rows an append writes beside its events, for listing and reporting.

Every write here is idempotent and tolerates appends arriving out of order, because the
activity behind them is retried and a late retry may land after a newer append: the pairing
row only moves forward in version, an escalation is closed by the *earliest* closing event
after it, and an outbox row is written once per notification id.
"""

from __future__ import annotations

from collections.abc import Iterable

from asyncpg.pool import PoolConnectionProxy

from domain import events as ev
from domain.notifications import Notification
from domain.recording import RecordedEvent
from domain.stages import Stage
from domain.view import PairingView

_UPSERT_PAIRING = """
INSERT INTO pairings AS p (pairing_id, eu_city, partner_city, cycle, topics, stage, status,
                           staleness, stale, escalation_level, last_activity_at,
                           next_deadline_at, next_deadline_kind, plan_status, version, view)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (pairing_id) DO UPDATE SET
    eu_city = EXCLUDED.eu_city, partner_city = EXCLUDED.partner_city, cycle = EXCLUDED.cycle,
    topics = EXCLUDED.topics, stage = EXCLUDED.stage, status = EXCLUDED.status,
    staleness = EXCLUDED.staleness, stale = EXCLUDED.stale,
    escalation_level = EXCLUDED.escalation_level, last_activity_at = EXCLUDED.last_activity_at,
    next_deadline_at = EXCLUDED.next_deadline_at,
    next_deadline_kind = EXCLUDED.next_deadline_kind, plan_status = EXCLUDED.plan_status,
    version = EXCLUDED.version, view = EXCLUDED.view, updated_at = now()
WHERE p.version < EXCLUDED.version
"""

_OPEN_ESCALATION = """
INSERT INTO escalations (pairing_id, opened_sequence, level, stage, idle_days, opened_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (pairing_id, opened_sequence) DO NOTHING
"""

_CLOSE_ESCALATIONS = """
UPDATE escalations SET closed_sequence = $2, closed_at = $3, closed_reason = $4
WHERE pairing_id = $1 AND opened_sequence < $2
  AND (closed_sequence IS NULL OR closed_sequence > $2)
"""

_QUEUE_NOTIFICATION = """
INSERT INTO notifications (notification_id, pairing_id, sequence, kind, audience, subject, body)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (notification_id) DO NOTHING
RETURNING true
"""


def closing_reason(event: ev.Event) -> str | None:
    """Why `event` ends the escalations open before it, or None if it does not."""
    match event:
        case ev.BackOnTrack():
            return "back on track"
        case ev.PairingWithdrawn():
            return "withdrawn"
        case ev.PairingPaused():
            return "paused"
        case ev.StageAdvanced(to_stage=Stage.COMPLETED):
            return "completed"
        case _:
            return None


async def upsert_pairing(conn: PoolConnectionProxy, pairing_id: str, view: PairingView) -> None:
    """Write the view as the pairing's row unless the row already shows a later version."""
    deadline = view.next_deadline
    await conn.execute(
        _UPSERT_PAIRING,
        pairing_id,
        view.eu_city,
        view.partner_city,
        view.cycle,
        [topic.value for topic in view.topics],
        view.stage.value,
        view.status.value,
        int(view.staleness),
        view.stale,
        view.escalation_level,
        view.last_activity_at,
        deadline.due_at if deadline else None,
        deadline.kind.value if deadline else None,
        view.plan_status.value,
        view.version,
        view.model_dump(mode="json"),
    )


async def project_escalations(
    conn: PoolConnectionProxy, pairing_id: str, events: Iterable[RecordedEvent]
) -> None:
    """Open a row per Escalated event and close open rows at each closing event, in order."""
    for recorded in events:
        event, sequence = recorded.event, recorded.sequence
        if isinstance(event, ev.Escalated):
            await conn.execute(
                _OPEN_ESCALATION,
                pairing_id,
                sequence,
                event.level,
                event.stage.value,
                event.idle_days,
                event.occurred_at,
            )
        elif (reason := closing_reason(event)) is not None:
            await conn.execute(_CLOSE_ESCALATIONS, pairing_id, sequence, event.occurred_at, reason)


async def queue_notifications(
    conn: PoolConnectionProxy, notifications: Iterable[Notification]
) -> list[Notification]:
    """Add the notifications to the outbox; return only those that were not there yet."""
    queued: list[Notification] = []
    for note in notifications:
        inserted = await conn.fetchval(
            _QUEUE_NOTIFICATION,
            note.notification_id,
            note.pairing_id,
            note.sequence,
            note.kind,
            note.audience.value,
            note.subject,
            note.body,
        )
        if inserted:
            queued.append(note)
    return queued
