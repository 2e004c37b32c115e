"""The lifecycle scenario: pairings driven from matching to follow-up through the real service.

Each client starts a pairing with `PairingClient.start`, then sends the journey's commands one
after another with `PairingClient.execute` (a Temporal update that returns once the events are
in PostgreSQL), and takes the next pairing. The production worker serves them from its own
process, so its CPU time per command is its alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client

from bench.load import CYCLE, PRINCIPAL, Pair, Timings, drive
from bench.stack import CpuProbe, WorkerProcess
from domain.profiles import CityProfile
from iurc.client import PairingClient
from iurc.journey import journey

COMMANDS_PER_PAIRING = len(journey("eu", "partner", datetime(2021, 1, 1, tzinfo=UTC)))


@dataclass
class DriveResult:
    """What one scenario of starts and updates measured."""

    pairings: int
    clients: int
    commands: int
    seconds: float
    updates: Timings
    starts: Timings
    worker_cpu_seconds: float
    server_cpu_seconds: float | None

    @classmethod
    def combine(cls, parts: Sequence[DriveResult]) -> DriveResult:
        """Rounds of the same scenario as one: their samples, wall times and CPU added up."""
        servers = [part.server_cpu_seconds for part in parts]
        return cls(
            pairings=sum(part.pairings for part in parts),
            clients=parts[0].clients,
            commands=sum(part.commands for part in parts),
            seconds=sum(part.seconds for part in parts),
            updates=Timings.joined(part.updates for part in parts),
            starts=Timings.joined(part.starts for part in parts),
            worker_cpu_seconds=sum(part.worker_cpu_seconds for part in parts),
            server_cpu_seconds=None if None in servers else sum(s or 0.0 for s in servers),
        )

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "pairings": self.pairings,
            "clients": self.clients,
            "commands": self.commands,
            "seconds": round(self.seconds, 3),
            "commands_per_second": round(self.commands_per_second, 1),
            "update_round_trip": _rounded(self.updates.summary_ms()),
            "update_round_trip_by_step": self.updates.steps_ms(),
            "start_round_trip": _rounded(self.starts.summary_ms()),
            "worker_cpu_ms_per_command": round(
                1000 * self.worker_cpu_seconds / max(self.commands, 1), 3
            ),
            "dev_server_cpu_ms_per_command": (
                None
                if self.server_cpu_seconds is None
                else round(1000 * self.server_cpu_seconds / max(self.commands, 1), 3)
            ),
        }


def _rounded(summary: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 2) for key, value in summary.items()}


async def measure(
    worker: WorkerProcess,
    cpu_of_server: CpuProbe,
    pairs: Sequence[Pair],
    clients: int,
    one: Callable[[Pair, Timings, Timings], Awaitable[None]],
) -> DriveResult:
    """Run `one` over the pairs with `clients` clients; time it and charge the CPU it cost."""
    updates, starts = Timings(), Timings()
    cpu_before, server_before = worker.cpu_seconds(), cpu_of_server()
    seconds = await drive(pairs, clients, lambda pair: one(pair, updates, starts))
    await worker.settle()  # delivery workflows the commands started finish on the same CPU
    server_after = cpu_of_server()
    return DriveResult(
        pairings=len(pairs),
        clients=clients,
        commands=len(updates.samples),
        seconds=seconds,
        updates=updates,
        starts=starts,
        worker_cpu_seconds=worker.cpu_seconds() - cpu_before,
        server_cpu_seconds=(
            None if server_before is None or server_after is None else server_after - server_before
        ),
    )


async def run_lifecycle(
    client: Client,
    worker: WorkerProcess,
    *,
    task_queue: str,
    pairs: Sequence[Pair],
    catalog: Mapping[str, CityProfile],
    clients: int,
    cpu_of_server: CpuProbe,
) -> DriveResult:
    """Drive the pairs through the journey with `clients` clients at once."""
    service = PairingClient(client, task_queue=task_queue, catalog=catalog)

    async def one(pair: Pair, updates: Timings, starts: Timings) -> None:
        view = await starts.time(
            service.start(pair.eu, pair.partner, cycle=CYCLE, now=datetime.now(UTC))
        )
        for key, command in journey(pair.eu, pair.partner, view.last_activity_at):
            await updates.time(
                service.execute(view.pairing_id, command, principal=PRINCIPAL, command_id=key),
                step=key,
            )

    return await measure(worker, cpu_of_server, pairs, clients, one)
