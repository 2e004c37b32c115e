"""Delivery bookkeeping for the outbox: what was sent, what failed and why.

A message marked sent is never sent again, whatever retries. The one window that remains is
a crash after the channel accepted the message and before `mark_sent` commits: the retry
sends it a second time, with the same message id, so a receiver can drop the repeat.
"""

from __future__ import annotations

import asyncpg

_BEGIN = """
INSERT INTO deliveries (message_id, notification_id, attempts, status)
VALUES ($1, $2, 1, 'pending')
ON CONFLICT (message_id) DO UPDATE
    SET attempts = deliveries.attempts + 1, updated_at = now()
    WHERE deliveries.status <> 'sent'
RETURNING attempts
"""

_NOTIFICATION_STATUS = """
UPDATE notifications n SET
    attempts = (SELECT coalesce(sum(d.attempts), 0) FROM deliveries d
                WHERE d.notification_id = n.notification_id),
    status = $2,
    last_error = $3,
    sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE n.sent_at END
WHERE n.notification_id = $1
"""


async def begin_attempt(pool: asyncpg.Pool, message_id: str, notification_id: str) -> int | None:
    """Count an attempt at `message_id`; None if it was already sent (do not send again)."""
    attempts: int | None = await pool.fetchval(_BEGIN, message_id, notification_id)
    return attempts


async def mark_sent(
    pool: asyncpg.Pool, message_id: str, notification_id: str, channel: str
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE deliveries SET status = 'sent', channel = $2, last_error = NULL, "
            "sent_at = now(), updated_at = now() WHERE message_id = $1",
            message_id,
            channel,
        )
        unsent = await conn.fetchval(
            "SELECT count(*) FROM deliveries WHERE notification_id = $1 AND status <> 'sent'",
            notification_id,
        )
        status = "sent" if unsent == 0 else "pending"
        await conn.execute(_NOTIFICATION_STATUS, notification_id, status, None)


async def mark_failed(
    pool: asyncpg.Pool, message_id: str, notification_id: str, error: str, *, final: bool
) -> None:
    """Record the error; `final` when no retry will follow (a permanent refusal, or given up)."""
    status = "failed" if final else "retrying"
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE deliveries SET status = $2, last_error = $3, updated_at = now() "
            "WHERE message_id = $1",
            message_id,
            status,
            error,
        )
        await conn.execute(_NOTIFICATION_STATUS, notification_id, status, error)


async def mark_undeliverable(pool: asyncpg.Pool, notification_id: str, reason: str) -> None:
    """A notification nobody can receive (no recipient configured): failed, with the reason."""
    await pool.execute(_NOTIFICATION_STATUS, notification_id, "failed", reason)
