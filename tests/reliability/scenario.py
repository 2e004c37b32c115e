"""Pairings moving through their lifecycle while the stack is broken under them, then checked.

    python -m tests.reliability.scenario --pairings 40 --seed 7      # the RELIABILITY.md run

N pairings are driven through the whole journey by concurrent clients that retry each
command with its idempotency key until the service answers, as a real service would. Under
that load the worker is SIGKILLed several times, PostgreSQL is stopped for 20 s, and the
Temporal dev server is stopped and started again on its SQLite file. Afterwards the report
says what was lost, what was duplicated and how long each recovery took.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus

from adapters.postgres.event_store import create_pool, load_events
from domain.catalog import SEED_PROFILES
from domain.commands import Command
from domain.errors import DomainError
from domain.evolve import fold
from domain.ids import pairing_id
from domain.policy import StalenessPolicy
from domain.stages import OPEN_STAGES
from domain.view import view_of
from iurc.client import PairingClient, PairingExistsError
from iurc.journey import journey
from tests.notify.peers import WebhookReceiver
from tests.principals import OFFICER
from tests.reliability.stack import FaultStack
from tests.temporal_support import connect_test_client

CITY_PAIRS = [("rotterdam", "busan"), ("dublin", "seoul"), ("sofia", "sejong")]
FAST_POLICY = StalenessPolicy(
    idle_limits=dict.fromkeys(OPEN_STAGES, timedelta(seconds=12)),
    follow_up_period=timedelta(days=1),
)
"""Seconds, not weeks: reminders and escalations fire, and are delivered, during the faults."""
GIVE_UP_AFTER = 240.0


@dataclass
class Report:
    pairings: int
    commands_accepted: int = 0
    commands_lost: list[str] = field(default_factory=list)
    events_duplicated: int = 0
    read_model_mismatches: list[str] = field(default_factory=list)
    wrong_stage: list[str] = field(default_factory=list)
    notifications: int = 0
    deliveries_sent: int = 0
    webhook_posts: int = 0
    webhook_repeats: int = 0
    """POSTs of a message the receiver had already got (same Idempotency-Key)."""
    unsettled: list[str] = field(default_factory=list)
    workflow_tasks_failed: int = 0
    workflows_not_healthy: list[str] = field(default_factory=list)
    faults: list[dict[str, object]] = field(default_factory=list)
    worker_kills: int = 0
    seconds: float = 0.0
    load_seconds: float = 0.0
    """Until the last client had every command of its journey accepted."""


@dataclass
class Load:
    client: PairingClient
    stack: FaultStack
    accepted: dict[str, list[str]] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    acceptances: list[float] = field(default_factory=list)

    async def send(self, pairing: str, key: str, command: Command) -> None:
        """Send until the service answers; a domain refusal is an answer too (and a bug here)."""
        deadline = time.monotonic() + GIVE_UP_AFTER
        while time.monotonic() < deadline:
            try:
                await self.client.execute(pairing, command, principal=OFFICER, command_id=key)
            except DomainError as refusal:
                self.lost.append(f"{pairing}/{key}: refused: {refusal.message}")
                return
            except Exception:  # every transport failure: retried with the same key
                await asyncio.sleep(0.5)
                continue
            self.accepted.setdefault(pairing, []).append(key)
            self.acceptances.append(self.stack.now())
            return
        self.lost.append(f"{pairing}/{key}: no answer within {GIVE_UP_AFTER:.0f} s")

    async def start(self, eu: str, partner: str, cycle: int) -> str | None:
        deadline = time.monotonic() + GIVE_UP_AFTER
        while time.monotonic() < deadline:
            try:
                view = await self.client.start(
                    eu, partner, cycle=cycle, now=datetime.now(UTC), policy=FAST_POLICY
                )
            except PairingExistsError:
                return pairing_id(cycle, eu, partner)  # an earlier attempt got through
            except Exception:  # retried until the server answers
                await asyncio.sleep(0.5)
                continue
            return view.pairing_id
        self.lost.append(f"{pairing_id(cycle, eu, partner)}: never started")
        return None

    async def drive(self, number: int, pace: random.Random) -> None:
        eu, partner = CITY_PAIRS[number % len(CITY_PAIRS)]
        pairing = await self.start(eu, partner, 2000 + number)
        if pairing is None:
            return
        at = (await self._proposed_at(pairing)) or datetime.now(UTC)
        for key, command in journey(eu, partner, at):
            await asyncio.sleep(pace.uniform(0.3, 2.0))
            await self.send(pairing, key, command)

    async def _proposed_at(self, pairing: str) -> datetime | None:
        for _ in range(600):
            try:
                return (await self.client.view(pairing)).last_activity_at
            except Exception:  # the worker may be down: a query needs one
                await asyncio.sleep(0.5)
        return None


async def inject(stack: FaultStack, chaos: random.Random) -> None:
    """The schedule of faults: kills at random moments around two outages."""
    await asyncio.sleep(chaos.uniform(3, 6))
    await stack.kill_worker()
    await asyncio.sleep(chaos.uniform(3, 6))
    await stack.kill_worker()
    await asyncio.sleep(chaos.uniform(2, 4))
    await stack.postgres_outage(20)
    await asyncio.sleep(chaos.uniform(2, 5))
    await stack.kill_worker()
    await asyncio.sleep(chaos.uniform(2, 5))
    await stack.temporal_outage(5)
    await asyncio.sleep(chaos.uniform(3, 6))
    await stack.kill_worker()


async def run(pairings: int, seed: int, workdir: Path) -> Report:
    receiver = WebhookReceiver()
    http, url = receiver.serve()
    stack = FaultStack(workdir, webhook_url=url)
    report = Report(pairings=pairings)
    try:
        async with stack.running():
            client = await connect_test_client(stack.temporal.address)
            load = Load(
                PairingClient(client, task_queue=stack.task_queue, catalog=SEED_PROFILES), stack
            )
            chaos = random.Random(seed)
            drivers = [load.drive(n, random.Random(seed * 1000 + n)) for n in range(pairings)]
            await asyncio.gather(inject(stack, chaos), *drivers)
            report.load_seconds = round(stack.now(), 1)
            report.unsettled = await settle(client, stack.database_url)
            await check(report, client, load, stack, receiver)
    finally:
        http.shutdown()
    report.seconds = round(stack.now(), 1)
    return report


async def settle(client: Client, database_url: str, within: float = 120.0) -> list[str]:
    """Wait until no delivery is open and the outbox has nothing pending; what still is."""
    pool = await create_pool(database_url)
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            open_deliveries = [
                w async for w in client.list_workflows('ExecutionStatus = "Running" AND '
                                                       'WorkflowType = "NotificationWorkflow"')
            ]  # fmt: skip
            pending = await pool.fetchval(
                "SELECT count(*) FROM notifications WHERE status IN ('pending', 'retrying')"
            )
            if not open_deliveries and pending == 0:
                return []
            await asyncio.sleep(1)
        rows = await pool.fetch(
            "SELECT notification_id, status, last_error FROM notifications "
            "WHERE status IN ('pending', 'retrying')"
        )
        return [f"{w.id} still running" for w in open_deliveries] + [
            f"{row['notification_id']}: {row['status']} ({row['last_error']})" for row in rows
        ]
    finally:
        await pool.close()


async def check(
    report: Report, client: Client, load: Load, stack: FaultStack, receiver: WebhookReceiver
) -> None:
    pool = await create_pool(stack.database_url)
    try:
        await _check_events(report, pool, client, load)
        await _check_notifications(report, pool, receiver)
    finally:
        await pool.close()
    await _check_workflows(report, client)
    report.commands_lost = load.lost
    report.worker_kills = stack.kills
    for fault in stack.faults:
        after = [t for t in load.acceptances if t >= fault.ended]
        fault.recovered_after = round(min(after) - fault.ended, 1) if after else None
        report.faults.append(asdict(fault))


async def _check_events(report: Report, pool: asyncpg.Pool, client: Client, load: Load) -> None:
    pairing_client = PairingClient(client, task_queue=load.stack.task_queue, catalog=SEED_PROFILES)
    for pairing, keys in load.accepted.items():
        report.commands_accepted += len(keys)
        stored = await load_events(pool, pairing)
        per_key = Counter((e.event.command_id, e.event.type) for e in stored if e.event.command_id)
        report.events_duplicated += sum(count - 1 for count in per_key.values() if count > 1)
        recorded = {e.event.command_id for e in stored}
        report.commands_lost += [
            f"{pairing}/{key}: not in the event store" for key in keys if key not in recorded
        ]
        view = view_of(fold(e.event for e in stored))
        row = await pool.fetchrow(
            "SELECT version, stage FROM pairings WHERE pairing_id = $1", pairing
        )
        live = await pairing_client.view(pairing)
        if row is None or (row["version"], row["stage"]) != (view.version, view.stage.value):
            report.read_model_mismatches.append(
                f"{pairing}: row {dict(row or {})} != fold v{view.version}"
            )
        if live.version != view.version:
            report.read_model_mismatches.append(
                f"{pairing}: workflow v{live.version} != store v{view.version}"
            )
        if view.stage.value != "follow_up":
            report.wrong_stage.append(f"{pairing}: {view.stage.value}")


async def _check_notifications(
    report: Report, pool: asyncpg.Pool, receiver: WebhookReceiver
) -> None:
    report.notifications = await pool.fetchval("SELECT count(*) FROM notifications")
    report.deliveries_sent = await pool.fetchval(
        "SELECT count(*) FROM deliveries WHERE status = 'sent'"
    )
    keys = Counter(headers.get("Idempotency-Key") for headers in receiver.headers)
    report.webhook_posts = sum(keys.values())
    report.webhook_repeats = sum(count - 1 for count in keys.values())


async def _check_workflows(report: Report, client: Client) -> None:
    healthy = {WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED,
               WorkflowExecutionStatus.CONTINUED_AS_NEW}  # fmt: skip
    async for execution in client.list_workflows():
        if execution.status not in healthy:
            report.workflows_not_healthy.append(f"{execution.id}: {execution.status}")
        history = await client.get_workflow_handle(
            execution.id, run_id=execution.run_id
        ).fetch_history()
        report.workflow_tasks_failed += sum(
            e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED for e in history.events
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairings", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iurc-faults-") as workdir:
        report = asyncio.run(run(options.pairings, options.seed, Path(workdir)))
    print(json.dumps(asdict(report), indent=2))  # noqa: T201 - the report is the output


if __name__ == "__main__":
    main()
