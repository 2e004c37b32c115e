"""The fast workflow tier: PairingWorkflow on the time-skipping server, PostgreSQL replaced.

Each test gets its own time-skipping server (the `env` fixture of tests/workflows: its clock
is global) and a worker on a fresh task queue that runs the real workflow in the worker's own
sandbox, with the record activity replaced by the in-memory store under the real names.
`pairings` here overrides the one of tests/workflows, which needs PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.catalog import SEED_PROFILES
from iurc.client import PairingClient
from iurc.wiring import WORKFLOW_RUNNER
from tests.workflows.fast.memory_catalogue import InMemoryCatalogue
from tests.workflows.fast.memory_store import InMemoryEventStore
from workflows.pairing import PairingWorkflow


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore()


@pytest_asyncio.fixture(loop_scope="session")
async def pairings(
    env: WorkflowEnvironment, store: InMemoryEventStore
) -> AsyncIterator[PairingClient]:
    """A worker running PairingWorkflow with the in-memory record activity, and its client."""
    task_queue = f"fast-{uuid.uuid4()}"
    worker = Worker(
        env.client,
        task_queue=task_queue,
        workflows=[PairingWorkflow],
        activities=[*store.activities, InMemoryCatalogue(SEED_PROFILES).check_proposal],
        workflow_runner=WORKFLOW_RUNNER,
    )
    async with worker:
        yield PairingClient(env.client, task_queue=task_queue, catalog=SEED_PROFILES)
