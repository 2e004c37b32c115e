"""The composition root: which workflows and activities a worker runs, and with what.

The worker process (`worker.py`, `iurc worker`), the embedded stack of `iurc up` and the
tests all build their worker here, from the same settings, so none of them can drift from
the others (an `iurc up` that ignored IURC_MAX_CACHED_WORKFLOWS once did).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.catalogue import CatalogueActivities
from activities.delivery import DeliveryActivities, SecretariatContacts
from activities.delivery_starts import DeliveryStarter
from activities.event_store import EventStoreActivities
from adapters.notify.channel import LogChannel
from adapters.notify.router import Notifier
from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from adapters.postgres.server import EmbeddedPostgres, ensure_database
from iurc.codec import UNENCRYPTED_WARNING
from iurc.logs import LogFormat, configure_logging, core_logging
from iurc.notify import NotifySettings, build_contacts, build_notifier
from iurc.settings import Settings
from iurc.temporal import connect
from workflows.notification import NotificationWorkflow
from workflows.pairing import PairingWorkflow

log = structlog.get_logger()

GRACEFUL_SHUTDOWN = timedelta(seconds=10)

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        "pydantic",
        "pydantic_core",
        "email_validator",
        "idna",
        "domain",
        "contracts",
        "workflows",
        "activities",
    )
)
"""The sandbox, with our own pure modules passed through: loaded once per worker instead of
once per workflow run (pydantic's e-mail check loads its validator lazily).

Passing `workflows` through too saves about a third of a cached pairing's memory and a module
import per run (BENCHMARKS.md). The price: the sandbox no longer stops a clock, random or I/O
call made from workflows/ at run time. What guards it instead is what guards domain/: ruff
bans `datetime.now`, `time.time`, `random` and `uuid4` there, import-linter keeps I/O
libraries out, the modules hold no mutable state, and tests/replay replays every history."""
EMBEDDED_DATABASE = "iurc"
DEFAULT_MAX_CACHED_WORKFLOWS = 1000
"""The SDK's own default; IURC_MAX_CACHED_WORKFLOWS raises it for a worker that holds more."""


_core_runtime: Runtime | None = None


def install_core_logging(level: str = "info") -> Runtime:
    """Make the Temporal core log through Python logging, once per process; returns its Runtime.

    Every client and worker created afterwards uses this runtime, so the core's warnings come
    out redacted and in the same format as every other line. Called by the entry points after
    `configure_logging`, never at import: Temporal re-imports modules, and a test process must
    be free to choose its own runtime.
    """
    global _core_runtime  # noqa: PLW0603 - one runtime per process is the SDK's own model
    if _core_runtime is None:
        _core_runtime = Runtime(telemetry=TelemetryConfig(logging=core_logging(level)))
        Runtime.set_default(_core_runtime, error_if_already_set=False)
    return _core_runtime


def configure_process(
    settings: Settings, *, log_format: LogFormat | None = None, level: str | None = None
) -> None:
    """Logging for a process that talks to Temporal: structlog, the stdlib, the core's lines."""
    configure_logging(log_format or settings.log_format, level or settings.log_level)
    install_core_logging(level or settings.log_level)


def build_worker(
    client: Client,
    pool: asyncpg.Pool,
    task_queue: str,
    *,
    notifier: Notifier | None = None,
    contacts: SecretariatContacts | None = None,
    max_cached_workflows: int = DEFAULT_MAX_CACHED_WORKFLOWS,
) -> Worker:
    """The one place that says which workflows and activities a worker runs (tests use it too).

    Without a notifier, messages go to the log channel: nobody is mailed by accident.
    """
    store = EventStoreActivities(pool, DeliveryStarter(client, task_queue))
    catalogue = CatalogueActivities(pool)
    delivery = DeliveryActivities(
        pool, notifier or Notifier([LogChannel()], {}), contacts or SecretariatContacts()
    )
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[PairingWorkflow, NotificationWorkflow],
        workflow_runner=WORKFLOW_RUNNER,
        activities=[
            store.record_events,
            store.record_events_and_start_deliveries,
            store.report_parked,
            store.load_stored_events,
            store.find_recorded_key,
            catalogue.check_proposal,
            delivery.plan_delivery,
            delivery.send_message,
            delivery.give_up_delivery,
        ],
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        max_cached_workflows=max_cached_workflows,
    )


def warn_unsafe(settings: Settings, notify: NotifySettings) -> list[str]:
    """Log, as warnings, what production would refuse in these settings; returns it.

    Production never gets here with any (its settings refuse to load); development runs anyway,
    and this is where a developer learns that a configuration would not pass in production.
    """
    unsafe = settings.unsafe_settings() + notify.unsafe_settings()
    for problem in unsafe:
        log.warning("setting refused in production", problem=problem)
    return unsafe


def configured_worker(settings: Settings, client: Client, pool: asyncpg.Pool) -> Worker:
    """The worker as the settings describe it: its queue, channels, contacts and cache size.

    Every process that runs pairings in production or in `iurc up` builds it here.
    """
    notify = NotifySettings()
    warn_unsafe(settings, notify)
    return build_worker(
        client,
        pool,
        settings.task_queue,
        notifier=build_notifier(notify),
        contacts=build_contacts(notify),
        max_cached_workflows=settings.max_cached_workflows,
    )


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[str]:
    """The configured database, or an embedded PostgreSQL under the data directory."""
    if settings.database_url is not None:
        yield settings.database_url.get_secret_value()
        return
    with EmbeddedPostgres(settings.data_dir / "postgres") as server:
        yield await ensure_database(server.url, EMBEDDED_DATABASE)


async def poll_until(worker: Worker, settings: Settings, stop: asyncio.Event) -> None:
    """Run `worker` until `stop` is set, saying in the log what it serves and how."""
    async with worker:
        log.info(
            "worker started",
            temporal=settings.temporal_address,
            namespace=settings.temporal_namespace,
            task_queue=settings.task_queue,
            max_cached_workflows=settings.max_cached_workflows,
        )
        await stop.wait()
        log.info("worker stopping", grace_seconds=GRACEFUL_SHUTDOWN.total_seconds())


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Migrate, connect, and poll until `stop` is set: the worker process's whole life."""
    if settings.codec_keys is None:
        log.warning(UNENCRYPTED_WARNING)
    async with database(settings) as url:
        applied = await migrate(url)
        log.info("migrations applied", applied=applied)
        pool = await create_pool(url)
        try:
            client = await connect(settings)
            await poll_until(configured_worker(settings, client, pool), settings, stop)
        finally:
            await pool.close()
    log.info("worker stopped")


async def migrate_only(settings: Settings) -> None:
    """Apply the migrations and return: the step before workers start, safe to run twice."""
    async with database(settings) as url:
        applied = await migrate(url)
    log.info("migrations applied", applied=applied or "none, already up to date")
