"""The test tiers, and the database every test that needs one shares: real PostgreSQL.

Every collected test gets exactly one tier marker (`fast`, `integration`, `e2e`; see
tests/tiers.py), and while the fast tier runs (IURC_TEST_TIER=fast) anything that would
start or reach PostgreSQL or the dev server fails the test that asked for it.

The local server on 127.0.0.1:5432 is used when it answers (CI, developers), otherwise an
embedded one is started for the session. Either way the session gets a database of its own,
migrated once and dropped at the end, so parallel runs and earlier runs never meet. Tests
keep out of each other's way with a pairing id of their own instead of truncating tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from adapters.postgres.server import (
    LOCAL_ADMIN_URL,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    local_server_answers,
)
from tests.tiers import FAST, TIERS, fast_tier_running, refuse_in_fast_tier, tier_of

_GUARD = pytest.MonkeyPatch()


def pytest_configure(config: pytest.Config) -> None:
    """In the fast tier, make every way to a server fail the test that takes it."""
    if not fast_tier_running():
        return

    def refusing(what: str) -> Callable[..., Any]:
        def refuse(*_args: object, **_kwargs: object) -> Any:
            refuse_in_fast_tier(what)

        return refuse

    _GUARD.setattr(WorkflowEnvironment, "start_local", refusing("a Temporal dev server"))
    _GUARD.setattr(EmbeddedPostgres, "start", refusing("an embedded PostgreSQL"))
    _GUARD.setattr(asyncpg, "connect", refusing("a PostgreSQL connection"))
    _GUARD.setattr(asyncpg, "create_pool", refusing("a PostgreSQL pool"))


def pytest_unconfigure(config: pytest.Config) -> None:
    _GUARD.undo()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each test its one tier marker; two tiers marked by hand is a usage error.

    With IURC_TEST_TIER=fast only the fast tier runs, whatever else selected the tests.
    """
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        markers = {mark.name for mark in item.iter_markers()}
        tier = tier_of(markers, getattr(item, "fixturenames", ()))
        other = sorted(markers & set(TIERS) - {tier})
        if other:
            raise pytest.UsageError(
                f"{item.nodeid} is marked {', '.join(other)} but its fixtures or markers make "
                f"it {tier}: a test belongs to exactly one tier (tests/tiers.py)"
            )
        item.add_marker(tier)
        (deselected if fast_tier_running() and tier != FAST else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session")
def admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A superuser URL of a running server, for creating and dropping test databases."""
    refuse_in_fast_tier("PostgreSQL (the admin_url fixture)")
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
