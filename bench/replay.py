"""The replay scenario: full-lifecycle histories per second through the Replayer.

A worker replays a pairing's history whenever it is not in its cache (after a restart, or
once the cache is full), and `tests/replay` replays every saved history on each change: how
fast that goes bounds both. The histories are the saved ones in tests/histories/ and those
the lifecycle scenario just made, replayed with the production converter and sandbox runner.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from bench.load import Pair
from domain.ids import workflow_id
from iurc.replay import saved_history
from iurc.wiring import WORKFLOW_RUNNER
from workflows.notification import NotificationWorkflow
from workflows.pairing import PairingWorkflow

SAVED = Path(__file__).resolve().parent.parent / "tests" / "histories"
FETCHES_AT_ONCE = 8


async def saved_histories(converter: DataConverter) -> list[WorkflowHistory]:
    """tests/histories/, each under its own workflow id (derived from its start input)."""
    return [
        await saved_history(path.read_text(), converter, path.stem)
        for path in sorted(SAVED.rglob("*.json"))
    ]


async def fetch_histories(client: Client, pairs: Sequence[Pair]) -> list[WorkflowHistory]:
    gate = asyncio.Semaphore(FETCHES_AT_ONCE)

    async def fetch(pair: Pair) -> WorkflowHistory:
        async with gate:
            return await client.get_workflow_handle(workflow_id(pair.pairing_id)).fetch_history()

    return list(await asyncio.gather(*(fetch(pair) for pair in pairs)))


async def _each(histories: Sequence[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
    for history in histories:
        yield history


async def run_replay(
    client: Client, pairs: Sequence[Pair], converter: DataConverter
) -> dict[str, Any]:
    """Replay the saved histories once to warm up, then time the lifecycle run's histories."""
    replayer = Replayer(
        workflows=[PairingWorkflow, NotificationWorkflow],
        data_converter=converter,
        workflow_runner=WORKFLOW_RUNNER,
    )
    saved = await saved_histories(converter)
    started = time.perf_counter()
    await replayer.replay_workflows(_each(saved), raise_on_replay_failure=True)
    saved_seconds = time.perf_counter() - started
    made = await fetch_histories(client, pairs)
    started = time.perf_counter()
    await replayer.replay_workflows(_each(made), raise_on_replay_failure=True)
    seconds = time.perf_counter() - started
    events = sum(len(history.events) for history in made)
    return {
        "histories": len(made),
        "events": events,
        "events_per_history": round(events / max(len(made), 1), 1),
        "seconds": round(seconds, 3),
        "histories_per_second": round(len(made) / seconds, 1) if seconds else 0.0,
        "events_per_second": round(events / seconds) if seconds else 0,
        "saved_histories": len(saved),
        "saved_seconds_with_warm_up": round(saved_seconds, 3),
    }
