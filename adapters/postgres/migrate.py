"""Schema migrations: plain SQL files, applied in name order, each once.

Migration is a step of its own before a worker starts, but two workers (or a worker and the
CLI) may still start at the same moment: a session advisory lock makes the second wait and
then find nothing left to do. Each file runs in its own transaction with the row that records
it, so a failed migration leaves no trace and is retried whole next time.
"""

from __future__ import annotations

from importlib import resources

import asyncpg

MIGRATIONS_PACKAGE = "adapters.postgres"
MIGRATIONS_DIRECTORY = "migrations"

LOCK_NAME = "iurc.schema_migrations"
"""Hashed into the advisory lock key; a name rather than a magic number says whose lock it is."""

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     text        PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


def available_migrations() -> list[tuple[str, str]]:
    """(version, SQL) of every packaged migration, in the order they must run."""
    directory = resources.files(MIGRATIONS_PACKAGE).joinpath(MIGRATIONS_DIRECTORY)
    files = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [(entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")) for entry in files]


async def apply_migrations(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations this database lacks; return their versions (empty if none)."""
    await conn.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", LOCK_NAME)
    try:
        await conn.execute(_CREATE_LEDGER)
        rows = await conn.fetch("SELECT version FROM schema_migrations")
        done = {row["version"] for row in rows}
        applied: list[str] = []
        for version, sql in available_migrations():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
            applied.append(version)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", LOCK_NAME)


async def migrate(database_url: str) -> list[str]:
    """Connect to `database_url`, bring its schema up to date, and disconnect."""
    conn = await asyncpg.connect(database_url)
    try:
        return await apply_migrations(conn)
    finally:
        await conn.close()
