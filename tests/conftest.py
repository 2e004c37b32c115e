"""The database every test that needs one shares: real PostgreSQL, never a mock.

The local server on 127.0.0.1:5432 is used when it answers (CI, developers), otherwise an
embedded one is started for the session. Either way the session gets a database of its own,
migrated once and dropped at the end, so parallel runs and earlier runs never meet. Tests
keep out of each other's way with a pairing id of their own instead of truncating tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
import pytest_asyncio

from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from adapters.postgres.server import (
    LOCAL_ADMIN_URL,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    local_server_answers,
)


@pytest.fixture(scope="session")
def admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A superuser URL of a running server, for creating and dropping test databases."""
    if local_server_answers():
        yield LOCAL_ADMIN_URL
        return
    with EmbeddedPostgres(tmp_path_factory.mktemp("postgres") / "data") as server:
        yield server.url


def _new_database_name() -> str:
    """A name no other session, parallel or earlier, uses."""
    return f"iurc_test_{os.getpid()}_{secrets.token_hex(4)}"


@pytest_asyncio.fixture(loop_scope="session")
async def empty_database_url(admin_url: str) -> AsyncIterator[str]:
    """A database of the test's own with no schema, for tests about creating it."""
    name = _new_database_name()
    url = await ensure_database(admin_url, name)
    yield url
    await drop_database(admin_url, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url(admin_url: str) -> AsyncIterator[str]:
    """The session's migrated database."""
    name = _new_database_name()
    url = await ensure_database(admin_url, name)
    await migrate(url)
    yield url
    await drop_database(admin_url, name)


@pytest_asyncio.fixture(loop_scope="session")
async def pg_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()
