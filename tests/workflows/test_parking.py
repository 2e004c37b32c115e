"""A conflict in the event store parks the pairing loudly; the secretariat recovers it.

The conflict is made as a second writer would make it: a different event stored at the
sequence the workflow is about to append. Before, the next update got no answer and the
workflow stayed Running, silently waiting.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain import events as ev
from domain.errors import PermissionDeniedError
from iurc.client import PairingClient, PairingParkedError
from tests.principals import OFFICER, OPERATOR
from tests.temporal_support import (
    assert_stored_events_fold_to_the_workflow_state,
    eventually,
    handle,
)
from workflows.search_attributes import STATUS

PAIRING = "rotterdam-busan-2021"


async def intrude(pool: asyncpg.Pool, pairings: PairingClient, env: WorkflowEnvironment) -> None:
    """Store, at the pairing's next sequence, an event the workflow did not decide."""
    state = await pairings.state(PAIRING)
    foreign = ev.ParticipationConfirmed(
        city="rotterdam", occurred_at=await env.get_current_time(), actor="intruder"
    )
    await pool.execute(
        "INSERT INTO events (pairing_id, sequence, type, schema_version, payload, occurred_at) "
        "VALUES ($1, $2, $3, 1, $4, $5)",
        PAIRING,
        state.version + 1,
        foreign.type,
        foreign.model_dump(mode="json"),
        foreign.occurred_at,
    )


async def test_a_conflict_parks_the_pairing_tells_the_secretariat_and_can_be_recovered(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    await eventually(lambda: pg_pool.fetchval("SELECT count(*) FROM events"), lambda n: n == 1)
    await intrude(pg_pool, pairings, env)

    with pytest.raises(PairingParkedError, match="the event store refused events #2-2"):
        await pairings.execute(PAIRING, cmd.ConfirmParticipation(city="busan"), principal=OFFICER)
    with pytest.raises(PairingParkedError, match="is parked and takes no commands"):
        await pairings.execute(PAIRING, cmd.Pause(reason="x"), principal=OFFICER)
    notice = (await pairings.view(PAIRING)).notice
    assert notice is not None
    assert "is parked" in notice
    description = await handle(env.client, PAIRING).describe()
    assert description.typed_search_attributes.get(STATUS) == "parked"
    told = await eventually(
        lambda: pg_pool.fetch(
            "SELECT kind, audience FROM notifications WHERE pairing_id = $1", PAIRING
        ),
        bool,
    )
    assert [(r["kind"], r["audience"]) for r in told] == [("pairing_parked", "secretariat")]
    await env.sleep(timedelta(days=40))  # the reminder due meanwhile is not recorded
    assert await pg_pool.fetchval("SELECT count(*) FROM events WHERE pairing_id = $1", PAIRING) == 2

    with pytest.raises(PermissionDeniedError, match="only the programme officer"):
        await pairings.recover(PAIRING, principal=OPERATOR)
    recovered = await pairings.recover(PAIRING, principal=OFFICER)
    assert recovered.version == 2
    state = await pairings.state(PAIRING)
    assert state.confirmed == {"rotterdam"}, "it continues from what the store holds"
    view = await pairings.execute(
        PAIRING, cmd.ConfirmParticipation(city="busan"), principal=OFFICER
    )
    assert view.stage.value == "kickoff"
    assert view.notice is None
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)
