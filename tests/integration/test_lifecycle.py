"""Rotterdam-Busan from matching to completed on the dev server, checked row by row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.event_store import load_events
from domain.evolve import fold
from domain.ids import workflow_id
from domain.policy import StalenessPolicy
from domain.view import PairingView, view_of
from iurc.client import PairingClient
from iurc.journey import journey
from tests.principals import OFFICER
from tests.temporal_support import assert_stored_events_fold_to_the_workflow_state, eventually

CYCLE = 2023
PAIRING = f"rotterdam-busan-{CYCLE}"
FOLLOW_UP = timedelta(seconds=3)

EXPECTED = [
    ("PairingProposed", None),
    ("ParticipationConfirmed", "confirm-eu"),
    ("ParticipationConfirmed", "confirm-partner"),
    ("StageAdvanced", "confirm-partner"),
    ("StakeholderAdded", "focal-eu"),
    ("StakeholderAdded", "focal-partner"),
    ("MeetingScheduled", "schedule-kickoff"),
    ("MeetingHeld", "held-kickoff"),
    ("StageAdvanced", "held-kickoff"),
    ("MeetingHeld", "held-bilateral-1"),
    ("MeetingHeld", "held-cluster-1"),
    ("MeetingHeld", "held-bilateral-2"),
    ("StageAdvanced", "held-bilateral-2"),
    ("StudyVisitCompleted", "visit"),
    ("StageAdvanced", "visit"),
    ("ActionPlanSubmitted", "plan-v1"),
    ("ActionPlanChangesRequested", "plan-changes"),
    ("ActionPlanSubmitted", "plan-v2"),
    ("ActionPlanApproved", "plan-approved"),
    ("StageAdvanced", "plan-approved"),
    ("StakeholderAdded", "stakeholder"),
    ("PilotFunded", "pilot-funded"),
    ("PilotMilestoneReported", "pilot-m1"),
    ("PilotCompleted", "pilot-done"),
    ("StageAdvanced", "pilot-done"),
    ("FollowUpLogged", "follow-up-1"),
    ("FollowUpPeriodEnded", None),
    ("StageAdvanced", None),
]
STAGES = [
    ("matching", "kickoff"),
    ("kickoff", "bilateral"),
    ("bilateral", "study_visit"),
    ("study_visit", "action_plan"),
    ("action_plan", "pilot"),
    ("pilot", "follow_up"),
    ("follow_up", "completed"),
]


async def test_rotterdam_busan_from_matching_to_completed(
    dev_env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    started = await pairings.start(
        "rotterdam",
        "busan",
        cycle=CYCLE,
        now=datetime.now(UTC),
        policy=StalenessPolicy(follow_up_period=FOLLOW_UP),
    )
    for key, command in journey("rotterdam", "busan", started.last_activity_at):
        await pairings.execute(PAIRING, command, principal=OFFICER, command_id=key)

    workflow = dev_env.client.get_workflow_handle(workflow_id(PAIRING), result_type=PairingView)
    final = await workflow.result()
    assert (final.stage.value, final.status.value, final.version) == ("completed", "completed", 28)

    rows = await pg_pool.fetch(
        "SELECT sequence, type, command_id, payload FROM events WHERE pairing_id = $1 "
        "ORDER BY sequence",
        PAIRING,
    )
    assert [row["sequence"] for row in rows] == list(range(1, len(EXPECTED) + 1))
    assert [(row["type"], row["command_id"]) for row in rows] == EXPECTED
    advanced = [row["payload"] for row in rows if row["type"] == "StageAdvanced"]
    assert [(p["from_stage"], p["to_stage"]) for p in advanced] == STAGES

    row = await pg_pool.fetchrow("SELECT * FROM pairings WHERE pairing_id = $1", PAIRING)
    assert row is not None
    assert dict(row) | {"view": None, "updated_at": None, "last_activity_at": None} == {
        "pairing_id": PAIRING,
        "eu_city": "rotterdam",
        "partner_city": "busan",
        "cycle": CYCLE,
        "topics": ["smart_urban_mobility"],
        "stage": "completed",
        "status": "completed",
        "staleness": 0,
        "stale": False,
        "escalation_level": 0,
        "last_activity_at": None,
        "next_deadline_at": None,
        "next_deadline_kind": None,
        "plan_status": "approved",
        "version": 28,
        "view": None,
        "updated_at": None,
    }
    assert view_of(fold(r.event for r in await load_events(pg_pool, PAIRING))) == final
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)
    assert (
        await pg_pool.fetchval("SELECT count(*) FROM escalations WHERE pairing_id = $1", PAIRING)
        == 0
    )

    async def outbox() -> list[tuple[str, str, str]]:
        rows = await pg_pool.fetch(
            "SELECT kind, audience, status FROM notifications WHERE pairing_id = $1 "
            "ORDER BY sequence",
            PAIRING,
        )
        return [(row["kind"], row["audience"], row["status"]) for row in rows]

    delivered = await eventually(outbox, lambda rows: all(r[2] == "sent" for r in rows))
    assert delivered == [
        ("meeting_scheduled", "focal_points", "sent"),
        ("plan_changes_requested", "focal_points", "sent"),
        ("plan_approved", "focal_points", "sent"),
        ("pilot_funded", "focal_points", "sent"),
    ]

    runs = [w async for w in dev_env.client.list_workflows(f'WorkflowId = "pairing-{PAIRING}"')]
    assert len(runs) >= 2, "the lifecycle should have crossed continue-as-new"

    async def completed_by_search() -> list[object]:
        query = f'IurcStage = "completed" AND IurcEuCity = "rotterdam" AND IurcCycle = {CYCLE}'
        return [w async for w in dev_env.client.list_workflows(query)]

    assert len(await eventually(completed_by_search, lambda found: len(found) == 1)) == 1
