"""The baseline scenario: the lifecycle's starts and updates, sent to the bare workflow.

The client calls carry what `PairingClient` sends (the same start input, search attributes
and summary; the same update name, payload and idempotency key per command), so the
difference between the two scenarios is what the pairing workflow and its worker do with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from bench.bare import BARE_WORKFLOW, UPDATE
from bench.lifecycle import DriveResult, measure
from bench.load import CYCLE, PRINCIPAL, Pair, Timings, cities_of
from bench.stack import CpuProbe, WorkerProcess
from contracts.pairing import PairingWorkflowInput
from domain.commands import CommandRequest
from domain.decider import propose_pairing
from domain.evolve import initial_state
from domain.profiles import CityProfile
from domain.view import view_of
from iurc.journey import journey
from workflows.search_attributes import initial_search_attributes


async def run_baseline(
    client: Client,
    worker: WorkerProcess,
    *,
    task_queue: str,
    pairs: Sequence[Pair],
    catalog: Mapping[str, CityProfile],
    clients: int,
    cpu_of_server: CpuProbe,
) -> DriveResult:
    """The lifecycle's starts and updates for these pairs, sent to `BareWorkflow`."""

    async def one(pair: Pair, updates: Timings, starts: Timings) -> None:
        proposed = propose_pairing(
            cities_of(catalog),
            eu_city=pair.eu,
            partner_city=pair.partner,
            cycle=CYCLE,
            now=datetime.now(UTC),
        )
        view = view_of(initial_state(proposed))
        topics = ", ".join(t.value.replace("_", " ") for t in proposed.topics) or "no topics"
        summary = f"{proposed.eu_city.name} ↔ {proposed.partner_city.name} ({CYCLE}): {topics}"
        handle = await starts.time(
            client.start_workflow(
                BARE_WORKFLOW,  # by name: it receives the pairing's input, raw
                PairingWorkflowInput(proposed=proposed),
                id=f"bare-{proposed.pairing_id}",
                task_queue=task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=initial_search_attributes(view),
                static_summary=summary[:200],
            )
        )
        for key, command in journey(pair.eu, pair.partner, view.last_activity_at):
            request = CommandRequest(principal=PRINCIPAL, command=command)
            await updates.time(handle.execute_update(UPDATE, request, id=key), step=key)

    return await measure(worker, cpu_of_server, pairs, clients, one)
