"""The idle-scale scenario: worker memory per open pairing waiting on its staleness timer.

Pairings are started and confirmed by both cities, which leaves them in kick-off with a
reminder timer 15 days out and nothing else to do: the state of most pairings most of the
time. The worker's cache is sized to hold every one of them (IURC_MAX_CACHED_WORKFLOWS),
so each is a live workflow in the worker's memory, which is what is measured: the growth of
the worker process's resident memory (VmRSS) from a warmed-up worker to N open pairings.
The bare workflow, opened the same way, shows what the engine's Python SDK costs per cached
workflow on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client

from bench.bare import BARE_WORKFLOW, UPDATE
from bench.load import CYCLE, PRINCIPAL, Pair, bench_catalog, cities_of, drive, store_catalog
from bench.stack import WorkerProcess
from contracts.pairing import PairingWorkflowInput
from domain.commands import CommandRequest
from domain.decider import propose_pairing
from domain.profiles import CityProfile
from iurc.client import PairingClient
from iurc.journey import journey

WARM_UP = 20
"""Pairings opened before the first reading, so one-off imports and caches are not counted
(fewer when the smallest step is smaller)."""
OPENING_COMMANDS = 2
"""Both cities confirm: the pairing moves to kick-off and waits."""

Opener = Callable[[Pair], Awaitable[None]]


def pairing_opener(client: Client, task_queue: str, catalog: Mapping[str, CityProfile]) -> Opener:
    service = PairingClient(client, task_queue=task_queue, catalog=catalog)

    async def open_one(pair: Pair) -> None:
        view = await service.start(pair.eu, pair.partner, cycle=CYCLE, now=datetime.now(UTC))
        steps = journey(pair.eu, pair.partner, view.last_activity_at)[:OPENING_COMMANDS]
        for key, command in steps:
            await service.execute(view.pairing_id, command, principal=PRINCIPAL, command_id=key)

    return open_one


def bare_opener(client: Client, task_queue: str, catalog: Mapping[str, CityProfile]) -> Opener:
    async def open_one(pair: Pair) -> None:
        proposed = propose_pairing(
            cities_of(catalog),
            eu_city=pair.eu,
            partner_city=pair.partner,
            cycle=CYCLE,
            now=datetime.now(UTC),
        )
        handle = await client.start_workflow(
            BARE_WORKFLOW,
            PairingWorkflowInput(proposed=proposed),
            id=f"bare-{proposed.pairing_id}",
            task_queue=task_queue,
        )
        steps = journey(pair.eu, pair.partner, proposed.occurred_at)[:OPENING_COMMANDS]
        for key, command in steps:
            request = CommandRequest(principal=PRINCIPAL, command=command)
            await handle.execute_update(UPDATE, request, id=key)

    return open_one


async def run_idle(
    client: Client,
    worker: WorkerProcess,
    *,
    task_queue: str,
    counts: Sequence[int],
    clients: int,
    tag: str,
    bare: bool = False,
) -> dict[str, Any]:
    """Open pairings in steps up to each of `counts`, reading the worker's RSS at each."""
    steps = sorted(counts)
    warm_up = min(WARM_UP, steps[0])
    catalog, pairs = bench_catalog(tag, warm_up + steps[-1])
    await store_catalog(worker.env["IURC_DATABASE_URL"], catalog)
    open_one = (bare_opener if bare else pairing_opener)(client, task_queue, catalog)
    await drive(pairs[:warm_up], clients, open_one)
    await worker.settle()
    before = worker.rss_kib()
    readings = []
    opened = 0
    for count in steps:
        seconds = await drive(pairs[warm_up + opened : warm_up + count], clients, open_one)
        opened = count
        await worker.settle()
        rss = worker.rss_kib()
        readings.append(
            {
                "open_pairings": count,
                "rss_kib": rss,
                "growth_kib": rss - before,
                "kib_per_pairing": round((rss - before) / count, 1),
                "seconds_to_open": round(seconds, 1),
            }
        )
    return {"workflow": "bare" if bare else "pairing", "rss_before_kib": before, "steps": readings}
