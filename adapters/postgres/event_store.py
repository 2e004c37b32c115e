"""The event store: append a Recording once, however often it is retried, and read it back.

An append is one transaction: the events, the read-model row, the escalations and the
outbox rows are written together or not at all, so a crash between them cannot leave a
message queued for an event that was never stored. Appending is idempotent because the
activity that calls it runs at least once; a *different* event at a stored sequence means
two writers for one pairing, and that fails loudly instead of being skipped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from pydantic import ValidationError

from adapters.postgres import projection
from domain.events import Escalated
from domain.forgetting import Forgotten, forget_in
from domain.notifications import Notification
from domain.recording import RecordedEvent, Recording
from domain.upcasting import parse_stored_event


@dataclass(frozen=True)
class AppendOutcome:
    """What an append changed: a retried append reports zero new events and messages."""

    appended: int
    already_present: int
    queued: tuple[Notification, ...]
    """The notifications this append added to the outbox (not those found there already)."""

    @property
    def notifications_queued(self) -> int:
        return len(self.queued)


class EventStreamConflictError(Exception):
    """A stored event differs from the one being appended at the same sequence."""

    def __init__(self, pairing_id: str, sequence: int, stored_type: str, new_type: str) -> None:
        brings = f"a different {new_type}" if stored_type == new_type else new_type
        super().__init__(
            f"event stream conflict: pairing {pairing_id} already has {stored_type} at sequence "
            f"{sequence}, but this append brings {brings} there; two writers are recording this "
            "pairing (was its workflow started twice?), so nothing was written"
        )
        self.pairing_id = pairing_id
        self.sequence = sequence


async def init_connection(conn: asyncpg.Connection) -> None:
    """asyncpg sends jsonb as text by default; decode it here, once, for every query."""
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(database_url: str, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """The pool the worker shares between activities; every connection gets the jsonb codec."""
    return await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        reset=_keep_session,
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Return a connection to the pool as it is, without asyncpg's reset query.

    The default runs `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on every
    release, a round trip per activity. Nothing here changes a session: advisory locks are
    transaction-scoped, and there is no LISTEN, SET or cursor outside a transaction. A
    connection released inside a failed transaction is rolled back by asyncpg regardless.
    """


async def append(pool: asyncpg.Pool, recording: Recording) -> AppendOutcome:
    """Store `recording` and project it; a repeat finds everything present and adds nothing."""
    pid = recording.pairing_id
    async with pool.acquire() as conn, conn.transaction():
        # One append per pairing at a time, so the projections see each other's rows.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", _lock(pid))
        appended = 0
        for recorded in recording.events:
            appended += await _insert_or_check(conn, pid, recorded)
        await projection.upsert_pairing(conn, pid, recording.view)
        # A newer append that landed first may hold what closes the escalations ours opens;
        # without an Escalated event of ours, the newer append has projected all it closes.
        opens = any(isinstance(item.event, Escalated) for item in recording.events)
        later = await _stored_events(conn, pid, after=recording.last_sequence) if opens else []
        await projection.project_escalations(conn, pid, (*recording.events, *later))
        queued = await projection.queue_notifications(conn, recording.notifications)
        if recording.forgotten:
            await _forget(conn, pid, recording.forgotten)
    return AppendOutcome(
        appended=appended,
        already_present=len(recording.events) - appended,
        queued=tuple(queued),
    )


async def queue_outside_append(pool: asyncpg.Pool, notification: Notification) -> bool:
    """Queue one notification on its own (not beside events); whether it was new."""
    async with pool.acquire() as conn:
        return bool(await projection.queue_notifications(conn, [notification]))


async def recorded_fingerprint(pool: asyncpg.Pool, pairing_id: str, key: str) -> str | None:
    """The fingerprint of the command `key` recorded on the pairing; None if it recorded none.

    An empty string for a key recorded before fingerprints were kept: any command under it
    is then taken for a repeat, as it always was.
    """
    row = await pool.fetchrow(
        "SELECT payload->>'command_fingerprint' AS fingerprint FROM events "
        "WHERE pairing_id = $1 AND command_id = $2 LIMIT 1",
        pairing_id,
        key,
    )
    return None if row is None else (row["fingerprint"] or "")


async def load_events(pool: asyncpg.Pool, pairing_id: str) -> list[RecordedEvent]:
    """Every stored event of the pairing in sequence order, upgraded to the current schema."""
    async with pool.acquire() as conn:
        return await _stored_events(conn, pairing_id, after=0)


def _lock(pairing_id: str) -> str:
    return f"iurc.pairing:{pairing_id}"


async def _insert_or_check(conn: PoolConnectionProxy, pid: str, recorded: RecordedEvent) -> int:
    """1 if the event was written now; 0 if the very same event was already there."""
    event = recorded.event
    inserted = await conn.fetchval(
        """
        INSERT INTO events (pairing_id, sequence, type, schema_version, payload, occurred_at,
                            command_id, actor)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (pairing_id, sequence) DO NOTHING
        RETURNING true
        """,
        pid,
        recorded.sequence,
        event.type,
        event.schema_version,
        event.model_dump(mode="json"),
        event.occurred_at,
        event.command_id,
        event.actor,
    )
    if inserted:
        return 1
    stored = await conn.fetchrow(
        "SELECT type, payload FROM events WHERE pairing_id = $1 AND sequence = $2",
        pid,
        recorded.sequence,
    )
    assert stored is not None, "ON CONFLICT waited for the row's writer, so the row is visible"
    if not _same_event(stored["payload"], recorded):
        raise EventStreamConflictError(pid, recorded.sequence, stored["type"], event.type)
    return 0


async def _forget(
    conn: PoolConnectionProxy, pairing_id: str, forgotten: Sequence[Forgotten]
) -> None:
    """Rewrite the stored events that name a removed person with their stand-in (their ref,
    city, helix and role; no name or address). Idempotent: a stand-in matches nobody."""
    rows = await conn.fetch(
        "SELECT sequence, payload FROM events WHERE pairing_id = $1 "
        "AND type IN ('PairingProposed', 'StakeholderAdded') ORDER BY sequence",
        pairing_id,
    )
    for row in rows:
        stored = parse_stored_event(row["payload"])
        kept = stored
        for person in forgotten:
            kept = forget_in(kept, person)
        if kept is not stored:
            await conn.execute(
                "UPDATE events SET payload = $3 WHERE pairing_id = $1 AND sequence = $2",
                pairing_id,
                row["sequence"],
                kept.model_dump(mode="json"),
            )


def _same_event(payload: dict[str, Any], recorded: RecordedEvent) -> bool:
    """Compare as events, not JSON: set order varies between processes, versions get upcast."""
    try:
        return parse_stored_event(payload) == recorded.event
    except (ValidationError, KeyError):
        return False


async def _stored_events(
    conn: PoolConnectionProxy, pairing_id: str, *, after: int
) -> list[RecordedEvent]:
    rows = await conn.fetch(
        "SELECT sequence, payload FROM events WHERE pairing_id = $1 AND sequence > $2 "
        "ORDER BY sequence",
        pairing_id,
        after,
    )
    return [
        RecordedEvent(sequence=row["sequence"], event=parse_stored_event(row["payload"]))
        for row in rows
    ]
