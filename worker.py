"""The worker: wires settings, logging, PostgreSQL and Temporal, then runs until told to stop.

    python worker.py            # apply migrations, then run the worker
    python worker.py migrate    # apply migrations and exit

Configuration comes from IURC_* environment variables (see iurc/settings.py). SIGINT and
SIGTERM stop it gracefully: running activities get time to finish, and cached pairings
move to another worker at once instead of waiting out the sticky-queue timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import structlog
import typer
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.delivery import DeliveryActivities, SecretariatContacts
from activities.delivery_starts import DeliveryStarter
from activities.event_store import EventStoreActivities
from adapters.notify.channel import LogChannel
from adapters.notify.router import Notifier
from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from adapters.postgres.server import EmbeddedPostgres, ensure_database
from iurc.codec import UNENCRYPTED_WARNING
from iurc.logs import configure_logging
from iurc.notify import NotifySettings, build_contacts, build_notifier
from iurc.settings import Settings
from iurc.temporal import connect
from workflows.notification import NotificationWorkflow
from workflows.pairing import PairingWorkflow

log = structlog.get_logger()

GRACEFUL_SHUTDOWN = timedelta(seconds=10)

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        "pydantic", "pydantic_core", "email_validator", "idna", "domain", "workflows", "activities"
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
            delivery.plan_delivery,
            delivery.send_message,
            delivery.give_up_delivery,
        ],
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        max_cached_workflows=max_cached_workflows,
    )


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[str]:
    """The configured database, or an embedded PostgreSQL under the data directory."""
    if settings.database_url is not None:
        yield settings.database_url.get_secret_value()
        return
    with EmbeddedPostgres(settings.data_dir / "postgres") as server:
        yield await ensure_database(server.url, EMBEDDED_DATABASE)


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Migrate, connect, and poll until `stop` is set."""
    if settings.codec_keys is None:
        log.warning(UNENCRYPTED_WARNING)
    async with database(settings) as url:
        applied = await migrate(url)
        log.info("migrations applied", applied=applied)
        pool = await create_pool(url)
        try:
            client = await connect(settings)
            notify = NotifySettings()
            worker = build_worker(
                client,
                pool,
                settings.task_queue,
                notifier=build_notifier(notify),
                contacts=build_contacts(notify),
                max_cached_workflows=settings.max_cached_workflows,
            )
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
        finally:
            await pool.close()
    log.info("worker stopped")


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: the way every long-running command is stopped."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def serve(settings: Settings) -> None:
    """Run the worker until SIGINT or SIGTERM."""
    await run_worker(settings, stop_on_signals())


async def _migrate_only(settings: Settings) -> None:
    async with database(settings) as url:
        applied = await migrate(url)
    log.info("migrations applied", applied=applied or "none, already up to date")


app = typer.Typer(add_completion=False, help=__doc__)


@app.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    """Run the worker (the default) or apply migrations."""
    if ctx.invoked_subcommand is None:
        settings = Settings()
        configure_logging(settings.log_format, settings.log_level)
        asyncio.run(serve(settings))


@app.command("migrate")
def migrate_command() -> None:
    """Apply the database migrations and exit. Safe to run twice or from two workers at once."""
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(_migrate_only(settings))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
