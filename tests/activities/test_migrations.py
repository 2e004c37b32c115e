"""Migrations against a real PostgreSQL: once per database, however many workers start."""

from __future__ import annotations

import asyncio

import asyncpg

from adapters.postgres.migrate import apply_migrations, available_migrations, migrate

TABLES = ("events", "pairings", "escalations", "notifications")


def _versions() -> list[str]:
    return [version for version, _ in available_migrations()]


async def _ledger(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")
        return [row["version"] for row in rows]
    finally:
        await conn.close()


def test_migrations_are_packaged_in_name_order() -> None:
    versions = _versions()
    assert versions[0] == "0001_event_store"
    assert versions == sorted(versions)


async def test_applying_to_a_migrated_database_is_a_no_op(database_url: str) -> None:
    assert await migrate(database_url) == []
    assert await migrate(database_url) == []
    assert await _ledger(database_url) == _versions()


async def test_a_fresh_database_gets_each_migration_once_from_two_concurrent_workers(
    empty_database_url: str,
) -> None:
    """Both callers succeed; one applies everything, the other waits and finds nothing to do."""
    first = await asyncpg.connect(empty_database_url)
    second = await asyncpg.connect(empty_database_url)
    try:
        results = await asyncio.gather(apply_migrations(first), apply_migrations(second))
        present = [
            await first.fetchval("SELECT to_regclass($1) IS NOT NULL", table) for table in TABLES
        ]
    finally:
        await first.close()
        await second.close()
    assert sorted(results, key=len) == [[], _versions()]
    assert present == [True] * len(TABLES)
    assert await _ledger(empty_database_url) == _versions()


async def test_a_failed_migration_leaves_no_trace(empty_database_url: str) -> None:
    """The ledger row and the schema change share a transaction: neither survives a failure."""
    conn = await asyncpg.connect(empty_database_url)
    try:
        await conn.execute("CREATE TABLE events (clash integer)")
        try:
            await apply_migrations(conn)
        except asyncpg.exceptions.DuplicateTableError:
            pass
        else:
            raise AssertionError("the clashing table should have failed the migration")
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == 0
        assert await conn.fetchval("SELECT to_regclass('pairings')") is None
        # The advisory lock was released: another attempt does not hang.
        await conn.execute("DROP TABLE events")
        assert await apply_migrations(conn) == _versions()
    finally:
        await conn.close()
