"""Reminders and escalations fire on time, clear on activity, and stop while paused.

Days pass on the time-skipping server: `env.sleep` moves its clock, nothing waits for real.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.meetings import MeetingKind
from domain.policy import Staleness, StalenessPolicy
from domain.stages import Stage
from iurc.client import PairingClient
from tests.principals import OFFICER
from tests.temporal_support import assert_stored_events_fold_to_the_workflow_state, eventually

PAIRING = "rotterdam-busan-2021"


async def start_in_kickoff(env: WorkflowEnvironment, pairings: PairingClient) -> datetime:
    """A pairing whose cities both confirmed: in kickoff, its clock started at the return."""
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    for city in ("rotterdam", "busan"):
        view = await pairings.execute(
            PAIRING, cmd.ConfirmParticipation(city=city), principal=OFFICER
        )
    assert view.stage is Stage.KICKOFF
    return view.last_activity_at


async def notifications(pool: asyncpg.Pool) -> list[tuple[str, str]]:
    rows = await pool.fetch(
        "SELECT kind, audience FROM notifications WHERE pairing_id = $1 ORDER BY sequence", PAIRING
    )
    return [(row["kind"], row["audience"]) for row in rows]


async def staleness_times(pool: asyncpg.Pool) -> list[tuple[str, datetime]]:
    rows = await pool.fetch(
        "SELECT type, occurred_at FROM events WHERE pairing_id = $1 "
        "AND type IN ('ReminderIssued', 'Escalated') ORDER BY sequence",
        PAIRING,
    )
    return [(row["type"], row["occurred_at"]) for row in rows]


async def test_kickoff_idle_for_15_30_60_days_gets_reminder_then_two_escalations(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    quiet_since = await start_in_kickoff(env, pairings)
    expected: list[tuple[str, str]] = []
    for days, kind, audience in (
        (15, "reminder", "focal_points"),
        (30, "escalation_1", "programme_officer"),
        (60, "escalation_2", "head_of_secretariat"),
    ):
        await env.sleep(quiet_since + timedelta(days=days) - await env.get_current_time())
        expected.append((kind, audience))
        assert (
            await eventually(lambda: notifications(pg_pool), lambda n: len(n) >= len(expected))
            == expected
        )
    fired = await staleness_times(pg_pool)
    offsets = [(kind, round((at - quiet_since) / timedelta(days=1), 3)) for kind, at in fired]
    assert offsets == [("ReminderIssued", 15.0), ("Escalated", 30.0), ("Escalated", 60.0)]
    view = await pairings.view(PAIRING)
    assert (view.staleness, view.stale, view.escalation_level) == (Staleness.ESCALATED_2, True, 2)
    row = await pg_pool.fetchrow(
        "SELECT stale, escalation_level FROM pairings WHERE pairing_id = $1", PAIRING
    )
    assert row is not None
    assert (row["stale"], row["escalation_level"]) == (True, 2)
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)


async def test_recorded_activity_clears_staleness_and_tells_the_secretariat(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    quiet_since = await start_in_kickoff(env, pairings)
    await env.sleep(timedelta(days=31))
    assert (await pairings.view(PAIRING)).stale
    held = cmd.RecordMeeting(
        meeting_id="kickoff",
        meeting_kind=MeetingKind.KICKOFF,
        held_at=quiet_since + timedelta(days=31),
    )
    view = await pairings.execute(PAIRING, held, principal=OFFICER)
    assert (view.stage, view.stale, view.staleness) == (Stage.BILATERAL, False, Staleness.ACTIVE)
    assert (await notifications(pg_pool))[-1] == ("back_on_track", "secretariat")
    escalations = await pg_pool.fetch(
        "SELECT level, closed_at FROM escalations WHERE pairing_id = $1", PAIRING
    )
    assert [(row["level"], row["closed_at"] is not None) for row in escalations] == [(1, True)]
    row = await pg_pool.fetchrow("SELECT stale, stage FROM pairings WHERE pairing_id = $1", PAIRING)
    assert row is not None
    assert (row["stale"], row["stage"]) == (False, "bilateral")
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)


async def test_pause_stops_the_clock_and_resume_restarts_it(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await start_in_kickoff(env, pairings)
    await pairings.execute(PAIRING, cmd.Pause(reason="Municipal elections"), principal=OFFICER)
    await env.sleep(timedelta(days=200))
    assert await notifications(pg_pool) == []
    view = await pairings.execute(PAIRING, cmd.Resume(), principal=OFFICER)
    assert view.next_deadline is not None
    assert view.next_deadline.due_at - view.last_activity_at == timedelta(days=15)
    await env.sleep(timedelta(days=14))
    assert await notifications(pg_pool) == []
    await env.sleep(timedelta(days=1, minutes=1))
    assert await eventually(lambda: notifications(pg_pool), bool) == [("reminder", "focal_points")]
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)


async def test_a_policy_change_moves_the_running_timer(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    quiet_since = await start_in_kickoff(env, pairings)
    limits = {**StalenessPolicy().idle_limits, Stage.KICKOFF: timedelta(days=10)}
    await pairings.execute(
        PAIRING, cmd.ChangePolicy(policy=StalenessPolicy(idle_limits=limits)), principal=OFFICER
    )
    await env.sleep(quiet_since + timedelta(days=5, minutes=1) - await env.get_current_time())
    assert await eventually(lambda: notifications(pg_pool), bool) == [("reminder", "focal_points")]
