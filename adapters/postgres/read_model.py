"""Reading the read model: typed rows for listing pairings, escalations and messages.

Rows are pydantic models rather than asyncpg Records so that a caller (the CLI, a report,
a test) gets enums and a parsed PairingView, and a missing or renamed column fails here, by
name, instead of deep inside whoever used the row. Columns a later migration adds are
ignored until a row model asks for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeVar

import asyncpg
from pydantic import BaseModel, ConfigDict

from domain.deadlines import DeadlineKind
from domain.notifications import Audience
from domain.stages import Stage
from domain.state import PlanStatus
from domain.topics import Topic
from domain.view import PairingView, Status


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class PairingRow(_Row):
    pairing_id: str
    eu_city: str
    partner_city: str
    cycle: int
    topics: tuple[Topic, ...]
    stage: Stage
    status: Status
    staleness: int
    stale: bool
    escalation_level: int
    last_activity_at: datetime
    next_deadline_at: datetime | None
    next_deadline_kind: DeadlineKind | None
    plan_status: PlanStatus
    version: int
    view: PairingView
    updated_at: datetime


class EscalationRow(_Row):
    pairing_id: str
    opened_sequence: int
    level: int
    stage: Stage
    idle_days: int
    opened_at: datetime
    closed_at: datetime | None
    closed_sequence: int | None
    closed_reason: str | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class NotificationRow(_Row):
    notification_id: str
    pairing_id: str
    sequence: int
    kind: str
    audience: Audience
    subject: str
    body: str
    status: Literal["pending", "retrying", "sent", "failed"]
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


_R = TypeVar("_R", bound=_Row)


async def _rows(pool: asyncpg.Pool, row_type: type[_R], query: str, *args: object) -> list[_R]:
    async with pool.acquire() as conn:
        records = await conn.fetch(query, *args)
    return [row_type.model_validate(dict(record)) for record in records]


async def get_pairing(pool: asyncpg.Pool, pairing_id: str) -> PairingRow | None:
    rows = await _rows(pool, PairingRow, "SELECT * FROM pairings WHERE pairing_id = $1", pairing_id)
    return rows[0] if rows else None


async def list_pairings(
    pool: asyncpg.Pool,
    *,
    stage: Stage | None = None,
    stale: bool | None = None,
    city: str | None = None,
) -> list[PairingRow]:
    """Pairings by id; `city` matches either side of a pairing."""
    query = """
        SELECT * FROM pairings
        WHERE ($1::text IS NULL OR stage = $1)
          AND ($2::boolean IS NULL OR stale = $2)
          AND ($3::text IS NULL OR $3 IN (eu_city, partner_city))
        ORDER BY pairing_id
    """
    return await _rows(pool, PairingRow, query, stage.value if stage else None, stale, city)


async def list_escalations(
    pool: asyncpg.Pool, *, open_only: bool = False, pairing_id: str | None = None
) -> list[EscalationRow]:
    """Escalations oldest first, so the longest-waiting pairing heads the list."""
    query = """
        SELECT * FROM escalations
        WHERE (NOT $1::boolean OR closed_at IS NULL)
          AND ($2::text IS NULL OR pairing_id = $2)
        ORDER BY opened_at, pairing_id, opened_sequence
    """
    return await _rows(pool, EscalationRow, query, open_only, pairing_id)


async def list_notifications(
    pool: asyncpg.Pool, *, pairing_id: str | None = None
) -> list[NotificationRow]:
    """Outbox rows in the order their events happened."""
    query = """
        SELECT * FROM notifications
        WHERE ($1::text IS NULL OR pairing_id = $1)
        ORDER BY pairing_id, sequence, notification_id
    """
    return await _rows(pool, NotificationRow, query, pairing_id)
