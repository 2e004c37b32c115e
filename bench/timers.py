"""The timer scenario: how late reminders and escalations fire, on the time-skipping server.

Pairings are opened into kick-off (idle limit 30 days: reminder at 15, escalation 1 at 30,
escalation 2 at 60), then the server's clock is moved past each step in turn. A timer fires
at its deadline and the workflow records the step at `workflow.now()` of the task that saw
it fire, so the recorded `occurred_at` minus the deadline (the last activity plus the
policy's offset) is the delay the engine and the worker added. The worker runs in this
process, with the production settings and a cache that holds every pairing.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.cities import import_profiles
from adapters.postgres.event_store import create_pool
from bench.load import CYCLE, PRINCIPAL, Pair, bench_catalog, drive, percentile
from bench.stack import TEST_SERVER, logging_to
from domain.policy import Staleness, StalenessPolicy
from domain.stages import Stage
from iurc.client import PairingClient
from iurc.journey import journey
from iurc.temporal import register_search_attributes
from iurc.wiring import build_worker

STEPS = (
    ("ReminderIssued", Staleness.REMINDED),
    ("Escalated", Staleness.ESCALATED_1),
    ("Escalated", Staleness.ESCALATED_2),
)
MARGIN = timedelta(minutes=1)
"""How far past the last pairing's deadline the clock goes at each step."""
STEP = timedelta(seconds=10)
"""Server time per skip across the deadlines: the pairings were opened over real minutes, so
their deadlines are spread over as many minutes of server time."""

_FIRED = """
SELECT e.pairing_id, e.type, (e.payload->>'level')::int AS level, e.occurred_at,
       p.last_activity_at
FROM events e JOIN pairings p USING (pairing_id)
WHERE e.pairing_id LIKE $1 AND e.type IN ('ReminderIssued', 'Escalated')
"""


async def run_timers(
    database_url: str,
    converter: DataConverter,
    *,
    pairings: int,
    clients: int,
    log_path: Path,
    tag: str = "tm",
) -> dict[str, Any]:
    """Open `pairings` pairings into kick-off, skip past each step, and measure its lateness."""
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=converter, test_server_existing_path=str(TEST_SERVER)
    )
    pool = await create_pool(database_url, max_size=10)
    task_queue = f"bench-timers-{uuid.uuid4()}"
    try:
        with logging_to(log_path):
            async with environment:
                await register_search_attributes(environment.client)
                async with build_worker(
                    environment.client, pool, task_queue, max_cached_workflows=pairings + 100
                ):
                    catalog, pairs = bench_catalog(tag, pairings)
                    await import_profiles(pool, catalog.values())
                    service = PairingClient(
                        environment.client, task_queue=task_queue, catalog=catalog
                    )
                    return await _skip_through(environment, pool, service, pairs, clients)
    finally:
        await pool.close()


async def _skip_through(
    environment: WorkflowEnvironment,
    pool: asyncpg.Pool,
    service: PairingClient,
    pairs: list[Pair],
    clients: int,
) -> dict[str, Any]:
    pairings = len(pairs)
    pattern = pairs[0].pairing_id.split("-", 1)[0] + "-%"

    async def open_one(pair: Pair) -> None:
        now = await environment.get_current_time()
        view = await service.start(pair.eu, pair.partner, cycle=CYCLE, now=now)
        for key, command in journey(pair.eu, pair.partner, now)[:2]:
            await service.execute(view.pairing_id, command, principal=PRINCIPAL, command_id=key)

    opened = await drive(pairs, clients, open_one)
    span = await pool.fetchrow(
        "SELECT min(last_activity_at) AS first, max(last_activity_at) AS last FROM pairings "
        "WHERE pairing_id LIKE $1",
        pattern,
    )
    assert span is not None, "an aggregate always returns a row"
    first_activity, last_activity = span["first"], span["last"]
    policy = StalenessPolicy()
    waits = []
    for kind, level in STEPS:
        started = asyncio.get_running_loop().time()
        first_due = policy.due_at(Stage.KICKOFF, level, first_activity)
        await _sleep_until(environment, first_due - STEP)  # nothing is due before it
        last_due = policy.due_at(Stage.KICKOFF, level, last_activity) + MARGIN
        while (moment := await environment.get_current_time()) < last_due:
            await _sleep_until(environment, min(moment + STEP, last_due))
        await _all_recorded(pool, pattern, kind, level.escalation_level, expected=pairings)
        waits.append(round(asyncio.get_running_loop().time() - started, 1))
    lateness = await _lateness(pool, pattern, policy)
    return {
        "pairings": pairings,
        "timers": len(lateness),
        "seconds_to_open": round(opened, 1),
        "real_seconds_per_step": waits,
        "lateness_s": {
            "max": round(max(lateness, default=0.0), 3),
            "p99": round(percentile(lateness, 99), 3),
            "p50": round(percentile(lateness, 50), 3),
            "min": round(min(lateness, default=0.0), 3),
        },
        "within_1s": sum(1 for late in lateness if 0 <= late <= 1),
    }


async def _sleep_until(environment: WorkflowEnvironment, moment: datetime) -> None:
    """Move the server's clock to `moment`, firing every timer due on the way.

    One short skip at a time: a single skip across thousands of deadlines keeps one RPC open
    while the server waits for every task those timers cause, and the connection gives up.
    """
    skip = moment - await environment.get_current_time()
    if skip > timedelta(0):
        await environment.sleep(skip)


async def _all_recorded(
    pool: asyncpg.Pool, pattern: str, kind: str, rank: int, *, expected: int, within: float = 600
) -> None:
    """Wait until every pairing has recorded the step (its activity runs after the timer)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        found = await pool.fetchval(
            "SELECT count(*) FROM events WHERE pairing_id LIKE $1 AND type = $2 "
            "AND coalesce((payload->>'level')::int, 0) = $3",
            pattern,
            kind,
            rank,
        )
        if found >= expected:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"only {found} of {expected} pairings recorded {kind} {rank}")
        await asyncio.sleep(0.2)


async def _lateness(pool: asyncpg.Pool, pattern: str, policy: StalenessPolicy) -> list[float]:
    """Seconds between each recorded step and its deadline."""
    lateness = []
    for row in await pool.fetch(_FIRED, pattern):
        reminder = row["type"] == "ReminderIssued"
        level = Staleness.REMINDED if reminder else Staleness(row["level"] + 1)
        due: datetime = policy.due_at(Stage.KICKOFF, level, row["last_activity_at"])
        occurred: datetime = row["occurred_at"].astimezone(UTC)
        lateness.append((occurred - due).total_seconds())
    return lateness
