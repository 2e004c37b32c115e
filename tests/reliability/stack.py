"""A stack the fault tests own, so they can break it: PostgreSQL, the dev server, the worker.

PostgreSQL is the embedded server in a temporary directory (never the machine's own, which
other tests share); the Temporal dev server keeps its SQLite file across restarts on the
same port; the worker is `python worker.py` in a subprocess, kept running by a supervisor
that restarts it whenever it dies, as systemd or Docker would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from adapters.postgres.server import EmbeddedPostgres, ensure_database
from iurc.stack.temporal_server import TemporalDevServer
from iurc.temporal import register_search_attributes
from tests.notify.peers import WEBHOOK_SECRET, free_port
from tests.temporal_support import TEST_CODEC_KEYS, ensure_seed_catalogue

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class Fault:
    """One injected fault: what, when it started and ended (seconds since the run began)."""

    kind: str
    started: float
    ended: float
    recovered_after: float | None = None
    """Seconds from the end of the fault to the next command the service accepted."""


@dataclass
class FaultStack:
    workdir: Path
    webhook_url: str
    task_queue: str = "iurc-pairings"
    faults: list[Fault] = field(default_factory=list)
    kills: int = 0
    t0: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.postgres = EmbeddedPostgres(self.workdir / "postgres")
        self.temporal = TemporalDevServer(
            self.workdir / "temporal", port=free_port(), ui_port=free_port()
        )
        self.database_url = ""
        self._worker: asyncio.subprocess.Process | None = None
        self._supervising = False
        self._supervisor: asyncio.Task[None] | None = None

    def now(self) -> float:
        return time.monotonic() - self.t0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FaultStack]:
        self.postgres.start()
        self.database_url = await ensure_database(self.postgres.url, "iurc")
        await migrate(self.database_url)
        pool = await create_pool(self.database_url, min_size=1, max_size=1)
        try:
            await ensure_seed_catalogue(pool)  # pairings start only with catalogue cities
        finally:
            await pool.close()
        await self.temporal.start()
        from tests.temporal_support import connect_test_client

        await register_search_attributes(await connect_test_client(self.temporal.address))
        self._supervising = True
        self._supervisor = asyncio.create_task(self._supervise())
        try:
            yield self
        finally:
            self._supervising = False
            if self._supervisor is not None:
                self._supervisor.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._supervisor
            await self._stop_worker(signal.SIGTERM)
            await self.temporal.stop()
            self.postgres.stop()

    def worker_env(self) -> dict[str, str]:
        routes = '{"focal_points": "webhook", "programme_officer": "webhook", ' \
            '"head_of_secretariat": "webhook", "secretariat": "webhook"}'  # fmt: skip
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("IURC_")},
            "IURC_TEMPORAL_ADDRESS": self.temporal.address,
            "IURC_DATABASE_URL": self.database_url,
            "IURC_TASK_QUEUE": self.task_queue,
            "IURC_CODEC_KEYS": TEST_CODEC_KEYS,
            "IURC_LOG_FORMAT": "json",
            "IURC_NOTIFY_ROUTES": routes,
            "IURC_WEBHOOK_URL": self.webhook_url,
            "IURC_WEBHOOK_SECRET": WEBHOOK_SECRET,
        }

    async def _supervise(self) -> None:
        """Keep one worker running: start it, and start it again whenever it exits."""
        log = (self.workdir / "worker.log").open("ab")
        try:
            while self._supervising:
                if self._worker is None or self._worker.returncode is not None:
                    self._worker = await asyncio.create_subprocess_exec(
                        sys.executable,
                        str(ROOT / "worker.py"),
                        cwd=ROOT,
                        env=self.worker_env(),
                        stdout=log,
                        stderr=log,
                    )
                await asyncio.sleep(0.2)
        finally:
            log.close()

    async def kill_worker(self) -> None:
        """SIGKILL: no graceful shutdown, tasks in flight are lost to a timeout."""
        started = self.now()
        await self._stop_worker(signal.SIGKILL)
        self.kills += 1
        self.faults.append(Fault("worker SIGKILL", started, self.now()))

    async def postgres_outage(self, seconds: float) -> None:
        started = self.now()
        self.postgres.stop()
        await asyncio.sleep(seconds)
        self.postgres.start()
        self.faults.append(Fault(f"PostgreSQL stopped {seconds:.0f} s", started, self.now()))

    async def temporal_outage(self, seconds: float) -> None:
        started = self.now()
        await self.temporal.stop()
        await asyncio.sleep(seconds)
        await self.temporal.start()
        self.faults.append(Fault(f"Temporal stopped {seconds:.0f} s", started, self.now()))

    async def _stop_worker(self, signum: signal.Signals) -> None:
        worker = self._worker
        if worker is None or worker.returncode is not None:
            return
        worker.send_signal(signum)
        try:
            await asyncio.wait_for(worker.wait(), 20)
        except TimeoutError:
            worker.kill()
            await worker.wait()
