"""What the bad-input tests share: a real stack, pairings at any stage, and the closing checks.

The stack is the Temporal dev server (with the pairing search attributes, and continue-as-new
suggested early so that long examples cross it), the session's PostgreSQL, and a real worker
on a task queue of its own. A pairing is put at a stage by starting its workflow the way
continue-as-new does, with the state the journey's commands fold to: one start instead of
up to twenty updates per example. Its earlier events are in that state, not in the event
store; everything the test sends is recorded as usual, from the next sequence on.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import structlog
from hypothesis import currently_in_test_context, event, note
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.cities import import_profiles
from adapters.postgres.event_store import create_pool
from contracts.pairing import Carried, PairingWorkflowInput
from domain import commands as cmd
from domain.catalog import SEED_CATALOG
from domain.cities import City
from domain.decider import REJECTION_REASON_LIMIT, reject
from domain.evolve import initial_state
from domain.ids import workflow_id
from domain.profiles import ProfileFile
from domain.recording import RecordedEvent, record
from domain.view import view_of
from iurc.cli.files import load_model
from iurc.client import PairingClient
from iurc.journey import journey
from iurc.wiring import build_worker
from tests.domain.gwt import decided, proposed
from tests.temporal_support import TEST_CONTACTS, eventually, start_dev_server
from workflows.pairing import PairingWorkflow
from workflows.search_attributes import initial_search_attributes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SUGGEST_CONTINUE_AS_NEW_AFTER = 30
"""History events after which the dev server suggests continue-as-new (production: 4 Ki)."""
JOURNEY_STEPS = len(journey("rotterdam", "busan", datetime(2031, 1, 1, tzinfo=UTC)))
EU_CITIES = sorted(slug for slug, city in SEED_CATALOG.items() if city.is_eu)
PARTNER_CITIES = sorted(slug for slug, city in SEED_CATALOG.items() if not city.is_eu)
HEALTHY = frozenset(
    {
        WorkflowExecutionStatus.RUNNING,
        WorkflowExecutionStatus.COMPLETED,
        WorkflowExecutionStatus.CONTINUED_AS_NEW,
    }
)


class PairingIds:
    """Pairings of one test module's own, as many as Hypothesis asks for (shrinking included).

    The EU city is a seed city under a slug of its own (`rotterdam-c17`), so that no other
    test, in this session's database, ever meets one of these pairing ids.
    """

    def __init__(self, tag: str) -> None:
        self._tag = tag
        self._numbers = itertools.count()

    def take(self) -> tuple[City, City, int]:
        number = next(self._numbers)
        eu = SEED_CATALOG[EU_CITIES[number % len(EU_CITIES)]]
        partner = SEED_CATALOG[PARTNER_CITIES[number // len(EU_CITIES) % len(PARTNER_CITIES)]]
        own = eu.model_copy(update={"slug": f"{eu.slug}-{self._tag}{number}"})
        return own, partner, 2050


@dataclass
class BadInputStack:
    env: WorkflowEnvironment
    pool: asyncpg.Pool
    task_queue: str
    pairings: PairingClient
    ids: PairingIds

    @property
    def client(self) -> Client:
        return self.env.client


@asynccontextmanager
async def bad_input_stack(database_url: str, tag: str) -> AsyncIterator[BadInputStack]:
    """Dev server, PostgreSQL with the example cities, and a worker whose logs are captured.

    Captured, because the CLI tests run commands while CliRunner has replaced sys.stdout.
    """
    async with await start_dev_server(
        suggest_continue_as_new_after=SUGGEST_CONTINUE_AS_NEW_AFTER
    ) as env:
        pool = await create_pool(database_url, min_size=1, max_size=4)
        try:
            profiles = load_model(EXAMPLES / "cities.yaml", ProfileFile).cities
            await import_profiles(pool, profiles)
            queue = f"bad-input-{uuid.uuid4()}"
            with structlog.testing.capture_logs():
                async with build_worker(env.client, pool, queue, contacts=TEST_CONTACTS):
                    pairings = PairingClient(env.client, task_queue=queue, catalog=SEED_CATALOG)
                    yield BadInputStack(env, pool, queue, pairings, PairingIds(tag))
        finally:
            await pool.close()


@dataclass(frozen=True)
class Started:
    """A pairing put at a stage: what it knew before the test sent anything."""

    pairing_id: str
    eu: str
    partner: str
    version: int
    stored_from: int
    """The version the workflow started with: the event store holds the events after it."""
    proposed_at: datetime


async def start_at_stage(
    stack: BadInputStack, steps: int, *, withdrawn: bool, rejections: int = 0
) -> Started:
    """A fresh pairing that went through the first `steps` journey commands a day ago, and
    had `rejections` signals rejected (each with a reason as long as a rejection keeps)."""
    eu_city, partner_city, cycle = stack.ids.take()
    eu, partner = eu_city.slug, partner_city.slug
    at = datetime.now(UTC) - timedelta(days=1)
    catalog = {eu: eu_city, partner: partner_city}
    first = proposed(eu, partner, cycle=cycle, at=at, catalog=catalog)
    state = initial_state(first)
    events = [RecordedEvent(sequence=1, event=first)]
    for key, command in journey(eu, partner, at)[:steps]:
        state, recording = record(state, decided(state, command, key=key, at=at, actor="s"))
        events += recording.events
    for number in range(rejections):
        rejected = reject(state, f"bad-{number}", "pause", "r" * REJECTION_REASON_LIMIT, at)
        state, recording = record(state, [rejected])
        events += recording.events
    stored_from = state.version
    await stack.client.start_workflow(
        PairingWorkflow.run,
        PairingWorkflowInput(carried=Carried(state=state, events=tuple(events))),
        id=workflow_id(state.pairing_id),
        task_queue=stack.task_queue,
        search_attributes=initial_search_attributes(view_of(state)),
    )
    if withdrawn:
        await stack.pairings.execute(
            state.pairing_id,
            cmd.Withdraw(reason="Left the programme"),
            actor="secretariat",
            command_id="setup-withdraw",
        )
        await stack.client.get_workflow_handle(workflow_id(state.pairing_id)).result()
        state = await stack.pairings.state(state.pairing_id)
    return Started(
        pairing_id=state.pairing_id,
        eu=eu,
        partner=partner,
        version=state.version,
        stored_from=stored_from,
        proposed_at=at,
    )


async def stored_rows(pool: asyncpg.Pool, pairing_id: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT sequence, type, command_id FROM events WHERE pairing_id = $1 ORDER BY sequence",
        pairing_id,
    )
    return rows


async def wait_until_stored(
    pool: asyncpg.Pool, pairing_id: str, count: int
) -> list[asyncpg.Record]:
    """The pairing's stored events once `count` of them are there (appends follow the update)."""
    rows = await eventually(lambda: stored_rows(pool, pairing_id), lambda r: len(r) >= count)
    assert len(rows) == count, f"{pairing_id}: {len(rows)} events stored, expected {count}"
    return rows


SERVER_RACES = frozenset(
    {
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_UPDATE,
    }
)
"""Failed by the server, not the worker: a signal (or update) arrived while the task that
continues the workflow as new was running, so the server refused to close the run and gave
the workflow a new task to handle it. Nothing is lost or stuck; it is how Temporal keeps a
message from landing on a closed run, and no workflow code can prevent it."""


@dataclass
class HistoryReport:
    runs: int = 0
    server_races: int = 0


async def assert_history_clean(
    client: Client, workflow: str, run_id: str | None = None, report: HistoryReport | None = None
) -> None:
    """No workflow task failed by the worker, and the run is not failed or terminated."""
    handle = client.get_workflow_handle(workflow, run_id=run_id)
    description = await handle.describe()
    assert description.status in HEALTHY, f"{workflow} is {description.status}"
    history = await handle.fetch_history()
    failed = [
        event
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    races = [e for e in failed if e.workflow_task_failed_event_attributes.cause in SERVER_RACES]
    failures = [
        f"event {event.event_id}: "
        + repr(
            await client.data_converter.decode_failure(
                event.workflow_task_failed_event_attributes.failure
            )
        )
        for event in failed
        if event not in races
    ]
    assert not failures, f"{workflow} ({run_id}): workflow task failed: {failures}"
    if report is not None:
        report.runs += 1
        report.server_races += len(races)


async def assert_all_histories_clean(client: Client, since: datetime) -> HistoryReport:
    """Every run started on the server since `since` (the test's pairings, the runs they
    continued as, the notifications they sent) is clean. Each test starts its own pairings."""
    query = f"StartTime >= '{since.astimezone(UTC).isoformat()}'"
    runs = [(e.id, e.run_id) async for e in client.list_workflows(query)]
    limit = asyncio.Semaphore(16)
    report = HistoryReport()

    async def check(workflow: str, run_id: str) -> None:
        async with limit:
            await assert_history_clean(client, workflow, run_id, report)

    await asyncio.gather(*(check(workflow, run_id) for workflow, run_id in runs))
    assert report.runs == len(runs)
    return report


def tally(label: str) -> None:
    """Count an outcome for --hypothesis-show-statistics (the deterministic tests count none)."""
    if currently_in_test_context():
        event(label)


def trace(line: str) -> None:
    """A line of the falsifying example's story (the deterministic tests tell none)."""
    if currently_in_test_context():
        note(line)
