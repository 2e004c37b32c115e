"""Personal data in Temporal: a dev server of its own, and one pairing driven to its first plan.

The pairing is recorded once for the session by a worker and client with the suite's
encrypting converter, then its history is fetched by a client that has no codec at all: what
anyone with access to the Temporal server or its database would see.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest_asyncio
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.event_store import create_pool
from domain import commands as cmd
from domain.ids import workflow_id
from domain.stakeholders import Helix, Stakeholder
from iurc.journey import action_plan, journey, stakeholder
from tests.principals import OFFICER
from tests.temporal_support import running_worker, start_dev_server

CYCLE = 2031


@dataclass(frozen=True)
class RecordedPairing:
    pairing_id: str
    people: tuple[Stakeholder, ...]
    """Everyone named in the history: the stakeholder added, and those of the action plan."""
    raw: WorkflowHistory
    """The history as fetched by a client without a codec."""


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def privacy_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_dev_server() as environment:
        yield environment


async def plain_client(env: WorkflowEnvironment) -> Client:
    """A client of the same server with the pydantic converter and no codec."""
    return await Client.connect(
        env.client.service_client.config.target_host,
        namespace=env.client.namespace,
        data_converter=pydantic_data_converter,
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def recorded(privacy_env: WorkflowEnvironment, database_url: str) -> RecordedPairing:
    """Rotterdam-Busan started, a stakeholder added, and driven up to its first action plan."""
    newcomer = stakeholder("busan", Helix.BUSINESS, 7)
    pool = await create_pool(database_url, min_size=1, max_size=4)
    try:
        async with running_worker(privacy_env.client, pool) as pairings:
            now = datetime.now(UTC)
            view = await pairings.start("rotterdam", "busan", cycle=CYCLE, now=now)
            await pairings.execute(
                view.pairing_id, cmd.AddStakeholder(stakeholder=newcomer), principal=OFFICER
            )
            steps = journey("rotterdam", "busan", now)
            keys = [key for key, _ in steps]
            for key, command in steps[: keys.index("plan-v1") + 1]:
                await pairings.execute(view.pairing_id, command, principal=OFFICER, command_id=key)
    finally:
        await pool.close()
    client = await plain_client(privacy_env)
    raw = await client.get_workflow_handle(workflow_id(view.pairing_id)).fetch_history()
    people = (newcomer, *action_plan("rotterdam", "busan").stakeholders)
    return RecordedPairing(pairing_id=view.pairing_id, people=people, raw=raw)
