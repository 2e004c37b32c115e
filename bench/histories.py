"""How much Temporal work each command caused: history events and workflow tasks, counted.

The dev server's CPU goes mostly into persisting history events and dispatching workflow and
activity tasks, so their counts per command explain the difference between the lifecycle and
the baseline on the engine's side. A pairing's count includes the delivery workflows it
started (one per notification, each with a history of its own).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import asyncpg
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.service import RPCError

from bench.load import Pair
from contracts.delivery import notification_workflow_id
from domain.ids import workflow_id

SAMPLE = 10
"""Pairings counted: their histories are alike, a few give the average."""
COUNTED = {
    "workflow_tasks": EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    "activities": EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    "timers_started": EventType.EVENT_TYPE_TIMER_STARTED,
    "timers_canceled": EventType.EVENT_TYPE_TIMER_CANCELED,
    "upserts": EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    "children": EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
}


async def _count(client: Client, workflow_ids: Sequence[str]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for wid in workflow_ids:
        try:
            history = await client.get_workflow_handle(wid).fetch_history()
        except RPCError:
            continue  # a delivery workflow not started yet
        totals["events"] += len(history.events)
        kinds = Counter(event.event_type for event in history.events)
        for name, kind in COUNTED.items():
            totals[name] += kinds[kind]
    return totals


def _per_command(totals: Counter[str], commands: int) -> dict[str, float]:
    names = ["events", *COUNTED]
    return {name: round(totals[name] / commands, 2) for name in names}


async def lifecycle_work(
    client: Client, database_url: str, pairs: Sequence[Pair], commands_per_pairing: int
) -> dict[str, Any]:
    """Per command: the pairing's own history, and its delivery workflows' histories."""
    sample = list(pairs[:SAMPLE])
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT notification_id FROM notifications WHERE pairing_id = ANY($1::text[])",
            [pair.pairing_id for pair in sample],
        )
    finally:
        await connection.close()
    commands = max(1, len(sample) * commands_per_pairing)
    own, deliveries = await asyncio.gather(
        _count(client, [workflow_id(pair.pairing_id) for pair in sample]),
        _count(client, [notification_workflow_id(row["notification_id"]) for row in rows]),
    )
    return {
        "pairing_per_command": _per_command(own, commands),
        "deliveries_per_command": _per_command(deliveries, commands),
        "all_per_command": _per_command(own + deliveries, commands),
    }


async def baseline_work(
    client: Client, pairs: Sequence[Pair], commands_per_pairing: int
) -> dict[str, Any]:
    sample = list(pairs[:SAMPLE])
    totals = await _count(client, [f"bare-{pair.pairing_id}" for pair in sample])
    return {"all_per_command": _per_command(totals, max(1, len(sample) * commands_per_pairing))}
