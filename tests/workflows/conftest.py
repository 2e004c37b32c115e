"""Workflow tests on the time-skipping test server, with real activities and PostgreSQL.

Each test gets its own test server: its clock is global, and a test that skips 60 days
must not drag another test's pairings along. The fast tier in tests/workflows/fast uses the
same server with the record activity kept in memory; it overrides `pairings`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from iurc.client import PairingClient
from iurc.temporal import register_search_attributes
from tests.temporal_support import TEST_SERVER, running_worker, test_data_converter


@pytest_asyncio.fixture(loop_scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=test_data_converter(), test_server_existing_path=str(TEST_SERVER)
    ) as environment:
        await register_search_attributes(environment.client)
        yield environment


@pytest_asyncio.fixture(loop_scope="session")
async def pairings(env: WorkflowEnvironment, pg_pool: asyncpg.Pool) -> AsyncIterator[PairingClient]:
    """A worker on this test's server; the read model starts empty, so rows can be counted."""
    await pg_pool.execute("TRUNCATE events, pairings, escalations, notifications, deliveries")
    async with running_worker(env.client, pg_pool) as client:
        yield client
