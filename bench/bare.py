"""The baseline's workflow: the same Temporal work as a pairing's, with none of ours.

`BareWorkflow` takes the same start input and the same update (by name and payload) as
`PairingWorkflow`, but keeps them as raw payloads: its update handler runs one activity
that does nothing and returns. The payloads still pass through the run's converter (so the
AES-GCM codec opens and seals them), and the worker uses the production sandbox runner, so
what is left between the two is the service's own work: the decider, pydantic models, the
event store, the timer, search attributes, notifications.

The module imports only what the workflow needs: the sandbox re-imports it for every run, as it
does the pairing's workflow modules. `bench.bare_worker` serves it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RawValue

BARE_WORKFLOW = "BenchBare"
NOOP = "bench_noop"
UPDATE = "execute"
"""The pairing's update name, so the client calls are the same."""


@activity.defn(name=NOOP)
async def noop() -> None:
    """Nothing: the activity round trip alone."""


@workflow.defn(name=BARE_WORKFLOW)
class BareWorkflow:
    """Open until terminated, like a pairing waiting on its timer; one activity per update."""

    @workflow.run
    async def run(self, start: RawValue) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update(name=UPDATE)
    async def execute(self, request: RawValue) -> None:
        await workflow.execute_activity(NOOP, start_to_close_timeout=timedelta(seconds=30))
