"""What the fast workflow tests share: driving a pairing and checking the store against it."""

from __future__ import annotations

from datetime import datetime

from temporalio.client import Client

from domain.evolve import fold
from domain.policy import StalenessPolicy
from domain.stages import Stage
from domain.view import PairingView
from iurc.client import PairingClient
from iurc.journey import journey
from tests.principals import OFFICER
from tests.temporal_support import history_event_types
from tests.workflows.fast.memory_store import InMemoryEventStore

PAIRING = "rotterdam-busan-2021"


async def start(
    pairings: PairingClient, now: datetime, policy: StalenessPolicy | None = None
) -> PairingView:
    """Rotterdam-Busan 2021 started at `now` (the test server's clock)."""
    return await pairings.start("rotterdam", "busan", cycle=2021, now=now, policy=policy)


async def drive(pairings: PairingClient, now: datetime, until: str) -> PairingView:
    """The shared journey, sent as updates under its own keys, up to and including `until`."""
    view: PairingView | None = None
    for key, command in journey("rotterdam", "busan", now):
        view = await pairings.execute(PAIRING, command, principal=OFFICER, command_id=key)
        if key == until:
            return view
    raise AssertionError(f"no journey step {until}")


async def in_kickoff(pairings: PairingClient, now: datetime) -> PairingView:
    """Both cities confirmed: the pairing is in kickoff, its clock started at the confirmation."""
    await start(pairings, now)
    view = await drive(pairings, now, "confirm-partner")
    assert view.stage is Stage.KICKOFF
    return view


async def assert_store_folds_to_the_workflow_state(
    store: InMemoryEventStore, pairings: PairingClient
) -> None:
    """The fold of what was appended is the state the workflow reports, and so is its view."""
    state = await pairings.state(PAIRING)
    assert fold(store.events(PAIRING)) == state
    assert [e.event for e in await pairings.events(PAIRING)] == store.events(PAIRING)


async def recorded_history(client: Client) -> list[str]:
    """The pairing's history without workflow-task bookkeeping."""
    return [
        kind for kind in await history_event_types(client, PAIRING) if "WORKFLOW_TASK" not in kind
    ]
