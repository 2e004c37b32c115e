"""The record activity starts each notification's delivery once, however often it is retried.

The activity runs in the SDK's activity environment against PostgreSQL and the time-skipping
server; no worker polls the delivery queue, so each delivery workflow stays as started and
can be counted.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import asyncpg
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.delivery_starts import DeliveryStarter
from activities.event_store import EventStoreActivities
from contracts.delivery import notification_workflow_id
from domain.decider import decide_deadlines
from domain.evolve import initial_state
from domain.recording import first_recording, record
from tests.domain.gwt import proposed

T0 = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


async def test_a_retried_append_starts_no_delivery_twice_even_after_it_closed(
    env: WorkflowEnvironment, pg_pool: asyncpg.Pool
) -> None:
    pairing_id = f"starts-{secrets.token_hex(4)}"
    first_event = proposed(at=T0).model_copy(update={"pairing_id": pairing_id})
    state = initial_state(first_event)
    stale = record(state, decide_deadlines(state, T0 + timedelta(days=60)))[1]
    assert stale.notifications
    expected = tuple(notification_workflow_id(n.notification_id) for n in stale.notifications)

    queue = f"no-worker-{secrets.token_hex(4)}"
    activities = EventStoreActivities(pg_pool, DeliveryStarter(env.client, queue))
    run = ActivityEnvironment().run
    await run(activities.record_events_and_start_deliveries, first_recording(state, first_event))
    first = await run(activities.record_events_and_start_deliveries, stale)
    assert first.appended == len(stale.events)
    assert first.deliveries == expected
    runs = {wid: (await env.client.get_workflow_handle(wid).describe()).run_id for wid in expected}

    retried = await run(activities.record_events_and_start_deliveries, stale)
    assert (retried.appended, retried.already_present) == (0, len(stale.events))
    assert retried.deliveries == expected

    for workflow_id in runs:  # delivered and closed: a late retry must not deliver again
        await env.client.get_workflow_handle(workflow_id).terminate("delivered, say")
    await run(activities.record_events_and_start_deliveries, stale)
    for workflow_id, run_id in runs.items():
        found = await env.client.get_workflow_handle(workflow_id).describe()
        assert (found.run_id, found.status) == (run_id, WorkflowExecutionStatus.TERMINATED)
