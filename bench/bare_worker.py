"""`python -m bench.bare_worker`: the baseline's worker, configured like `python worker.py`.

Same settings (IURC_*), same converter, same sandbox runner and cache size as the production
worker; only the workflow and the activity differ.
"""

from __future__ import annotations

import asyncio

import structlog
from temporalio.worker import Worker

from bench.bare import BareWorkflow, noop
from iurc.logs import configure_logging
from iurc.settings import Settings
from iurc.shutdown import stop_on_signals
from iurc.temporal import connect
from iurc.wiring import GRACEFUL_SHUTDOWN, WORKFLOW_RUNNER


async def run_bare_worker(settings: Settings) -> None:
    """Poll the configured task queue until SIGINT or SIGTERM, as the production worker does."""
    stop = stop_on_signals()
    client = await connect(settings)
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[BareWorkflow],
        activities=[noop],
        workflow_runner=WORKFLOW_RUNNER,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        max_cached_workflows=settings.max_cached_workflows,
    )
    async with worker:
        structlog.get_logger().info("worker started", task_queue=settings.task_queue)
        await stop.wait()


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_bare_worker(settings))


if __name__ == "__main__":
    main()
