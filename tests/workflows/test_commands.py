"""Commands through the real workflow: refusals leave no trace, keys record once, signals never fail

Each refusal is checked three ways: the caller gets the domain's message, the workflow's
history holds no trace of the refused update, and the event store is unchanged.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.errors import (
    ClosedPairingError,
    DuplicateError,
    InvalidCommandError,
    StageError,
    UnknownCityError,
)
from domain.meetings import MeetingKind
from domain.stages import Stage
from domain.stakeholders import Helix
from iurc.client import PairingClient, PairingExistsError
from iurc.journey import action_plan, journey
from tests.principals import HEAD, OFFICER, OFFICER_JSON
from tests.temporal_support import (
    assert_stored_events_fold_to_the_workflow_state,
    handle,
    history_event_types,
)

PAIRING = "rotterdam-busan-2021"


async def stored_event_count(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM events WHERE pairing_id = $1", PAIRING)
    return count


async def drive(env: WorkflowEnvironment, pairings: PairingClient, until: str) -> None:
    start = await env.get_current_time()
    await pairings.start("rotterdam", "busan", cycle=2021, now=start)
    for key, command in journey("rotterdam", "busan", start):
        await pairings.execute(PAIRING, command, principal=OFFICER, command_id=key)
        if key == until:
            return
    raise AssertionError(f"no journey step {until}")


async def assert_refused_without_trace(
    client: Client,
    pairings: PairingClient,
    pool: asyncpg.Pool,
    command: cmd.Command,
    *,
    error: type[Exception],
    message: str,
) -> None:
    history_before = await recorded_history(client)
    events_before = await stored_event_count(pool)
    with pytest.raises(error) as refused:
        await pairings.execute(PAIRING, command, principal=OFFICER)
    assert message in str(refused.value)
    assert await recorded_history(client) == history_before
    assert await stored_event_count(pool) == events_before
    await assert_stored_events_fold_to_the_workflow_state(pool, pairings, PAIRING)


async def recorded_history(client: Client) -> list[str]:
    """History without workflow-task bookkeeping: the dev server drops a refused update's task
    entirely (speculative task), the time-skipping server keeps the task but nothing else."""
    return [
        kind
        for kind in await history_event_types(client, PAIRING)
        if "WORKFLOW_TASK" not in kind and "CHILD_WORKFLOW_EXECUTION" not in kind
    ]


async def test_an_action_plan_without_civil_society_is_refused(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await drive(env, pairings, "visit")
    plan = action_plan(
        "rotterdam", "busan", helices=(Helix.GOVERNMENT, Helix.ACADEMIA, Helix.BUSINESS)
    )
    await assert_refused_without_trace(
        env.client,
        pairings,
        pg_pool,
        cmd.SubmitActionPlan(plan=plan),
        error=InvalidCommandError,
        message="cannot submit the action plan: it names no civil society stakeholder",
    )


async def test_pilot_funding_before_approval_is_refused(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await drive(env, pairings, "held-bilateral-1")
    await assert_refused_without_trace(
        env.client,
        pairings,
        pg_pool,
        cmd.FundPilot(title="Early pilot", amount_eur=10_000),
        error=StageError,
        message="cannot record pilot funding: pairing rotterdam-busan-2021 is in stage bilateral; "
        "pilot funding needs an approved action plan",
    )


async def test_the_same_meeting_twice_is_refused(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await drive(env, pairings, "held-bilateral-1")
    held_at = await env.get_current_time()
    again = cmd.RecordMeeting(
        meeting_id="bilateral-1", meeting_kind=MeetingKind.BILATERAL, held_at=held_at
    )
    await assert_refused_without_trace(
        env.client,
        pairings,
        pg_pool,
        again,
        error=DuplicateError,
        message="meeting bilateral-1 was already recorded as held",
    )


async def test_a_meeting_for_a_withdrawn_pairing_is_refused(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await drive(env, pairings, "held-kickoff")
    await pairings.execute(
        PAIRING, cmd.Withdraw(reason="Partner city left the programme"), principal=OFFICER
    )
    await handle(env.client, PAIRING).result()
    meeting = cmd.RecordMeeting(
        meeting_id="late", meeting_kind=MeetingKind.BILATERAL, held_at=await env.get_current_time()
    )
    with pytest.raises(ClosedPairingError) as refused:
        await pairings.execute(PAIRING, meeting, principal=OFFICER)
    assert "pairing rotterdam-busan-2021 was withdrawn on" in str(refused.value)
    assert "(Partner city left the programme)" in str(refused.value)
    row = await pg_pool.fetchrow(
        "SELECT stage, status FROM pairings WHERE pairing_id = $1", PAIRING
    )
    assert row is not None
    assert (row["stage"], row["status"]) == ("withdrawn", "withdrawn")
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)


async def test_an_unknown_city_is_refused_and_nothing_is_started(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    with pytest.raises(UnknownCityError, match="unknown city 'rotterdm'; did you mean rotterdam"):
        await pairings.start("rotterdm", "busan", cycle=2021, now=await env.get_current_time())
    with pytest.raises(RPCError) as missing:
        await env.client.get_workflow_handle("pairing-rotterdm-busan-2021").describe()
    assert missing.value.status is RPCStatusCode.NOT_FOUND
    assert await pg_pool.fetchval("SELECT count(*) FROM events") == 0


async def test_starting_the_same_pairing_twice_is_refused(
    env: WorkflowEnvironment, pairings: PairingClient
) -> None:
    now = await env.get_current_time()
    await pairings.start("rotterdam", "busan", cycle=2021, now=now)
    with pytest.raises(PairingExistsError, match="pairing rotterdam-busan-2021 already exists"):
        await pairings.start("rotterdam", "busan", cycle=2021, now=now)


async def test_the_same_command_twice_records_once(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    confirm = cmd.ConfirmParticipation(city="busan")
    first = await pairings.execute(PAIRING, confirm, principal=OFFICER, command_id="busan-confirms")
    second = await pairings.execute(
        PAIRING, confirm, principal=OFFICER, command_id="busan-confirms"
    )
    assert first == second
    assert await stored_event_count(pg_pool) == 2
    await pairings.signal(PAIRING, confirm, principal=OFFICER, command_id="busan-confirms")
    await env.sleep(timedelta(seconds=1))
    assert [e.event.type for e in await pairings.events(PAIRING)] == [
        "PairingProposed",
        "ParticipationConfirmed",
    ]
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)


async def test_malformed_signals_are_recorded_as_rejections_and_never_fail_the_workflow(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    workflow = handle(env.client, PAIRING)
    await workflow.signal("submit", "not a command at all")
    await workflow.signal(
        "submit", {"command_id": "s1", "principal": OFFICER_JSON, "command": {"kind": "fund_pilot"}}
    )
    await workflow.signal(
        "submit",
        {"command_id": "s2", "principal": OFFICER_JSON, "command": {"kind": "launch_rocket"}},
    )
    await workflow.signal(
        "submit",
        {
            "command_id": "s3",
            "principal": OFFICER_JSON,
            "command": {"kind": "confirm_participation", "city": "seoul"},
        },
    )
    await workflow.signal(
        "submit",
        {
            "command_id": "s4",
            "principal": OFFICER_JSON,
            "command": {"kind": "confirm_participation", "city": "busan"},
        },
    )
    await env.sleep(timedelta(seconds=1))
    events = [recorded.event for recorded in await pairings.events(PAIRING)]
    rejected = [(e.command_kind, e.reason) for e in events if e.type == "CommandRejected"]
    assert [kind for kind, _ in rejected] == [
        "unknown",
        "fund_pilot",
        "launch_rocket",
        "confirm_participation",
    ]
    assert "command.fund_pilot.title: Field required" in rejected[1][1]
    assert "seoul is not part of pairing rotterdam-busan-2021" in rejected[3][1]
    assert events[-1].type == "ParticipationConfirmed"
    stored = await pg_pool.fetch(
        "SELECT type FROM events WHERE pairing_id = $1 ORDER BY sequence", PAIRING
    )
    assert [row["type"] for row in stored].count("CommandRejected") == 4
    history = await history_event_types(env.client, PAIRING)
    assert "EVENT_TYPE_WORKFLOW_TASK_FAILED" not in history
    assert (await workflow.describe()).status is WorkflowExecutionStatus.RUNNING
    assert (await pairings.view(PAIRING)).stage is Stage.MATCHING
    await assert_stored_events_fold_to_the_workflow_state(pg_pool, pairings, PAIRING)


async def test_two_policy_changes_sent_at_once_both_take_effect(
    env: WorkflowEnvironment, pairings: PairingClient
) -> None:
    """Each change carries only its part and the workflow merges it: neither undoes the other."""
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())
    await asyncio.gather(
        pairings.execute(
            PAIRING,
            cmd.ChangePolicy(idle_limits={Stage.KICKOFF: timedelta(days=44)}),
            principal=OFFICER,
            command_id="limit",
        ),
        pairings.execute(
            PAIRING, cmd.ChangePolicy(reminder_fraction=0.3), principal=HEAD, command_id="fraction"
        ),
    )
    policy = (await pairings.state(PAIRING)).policy
    assert policy.idle_limit(Stage.KICKOFF) == timedelta(days=44)
    assert policy.reminder_fraction == 0.3
