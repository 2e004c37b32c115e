"""The staleness timer on the time-skipping server: on time, reset by activity, off while paused.

Days pass by `env.sleep`; the recordings the in-memory store kept say what fired and when.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain import events as ev
from domain.deadlines import DeadlineKind
from domain.meetings import MeetingKind
from domain.policy import Staleness, StalenessPolicy
from domain.stages import Stage
from domain.view import PairingView
from iurc.client import PairingClient
from tests.principals import OFFICER
from tests.temporal_support import eventually, handle
from tests.workflows.fast.memory_store import InMemoryEventStore
from tests.workflows.fast.support import (
    PAIRING,
    assert_store_folds_to_the_workflow_state,
    drive,
    in_kickoff,
    start,
)

STEPS = (ev.ReminderIssued, ev.Escalated, ev.FollowUpPeriodEnded)


def fired(store: InMemoryEventStore, since: datetime) -> list[tuple[str, float]]:
    """Each step time took, with its day offset from `since`, to the millisecond."""
    return [
        (event.type, round((event.occurred_at - since) / timedelta(days=1), 6))
        for event in store.events(PAIRING)
        if isinstance(event, STEPS)
    ]


async def sleep_until(env: WorkflowEnvironment, moment: datetime) -> None:
    await env.sleep(moment - await env.get_current_time())


async def steps(store: InMemoryEventStore) -> int:
    return sum(isinstance(event, STEPS) for event in store.events(PAIRING))


async def wait_for_steps(store: InMemoryEventStore, count: int) -> None:
    """Until the timer's append has landed: it runs on the worker after `env.sleep` returns."""
    assert await eventually(lambda: steps(store), lambda found: found >= count) == count


async def test_reminder_and_two_escalations_fire_on_time_to_their_audiences(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    quiet_since = (await in_kickoff(pairings, await env.get_current_time())).last_activity_at
    for number, days in enumerate((15, 30, 60), start=1):
        due = quiet_since + timedelta(days=days)
        await sleep_until(env, due - timedelta(minutes=1))
        assert await steps(store) == number - 1, f"step {number} fired early"
        await sleep_until(env, due + timedelta(seconds=1))
        await wait_for_steps(store, number)
    assert fired(store, quiet_since) == [
        ("ReminderIssued", 15.0),
        ("Escalated", 30.0),
        ("Escalated", 60.0),
    ]
    assert [(n.kind.value, n.audience.value) for n in store.notifications(PAIRING)] == [
        ("reminder", "focal_points"),
        ("escalation_1", "programme_officer"),
        ("escalation_2", "head_of_secretariat"),
    ]
    view = await pairings.view(PAIRING)
    assert (view.staleness, view.stale, view.escalation_level, view.next_deadline) == (
        Staleness.ESCALATED_2,
        True,
        2,
        None,
    )
    await env.sleep(timedelta(days=365))
    assert await steps(store) == 3, "nothing after the second escalation"
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def test_activity_clears_the_staleness_and_restarts_the_timer_from_itself(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    quiet_since = (await in_kickoff(pairings, await env.get_current_time())).last_activity_at
    await sleep_until(env, quiet_since + timedelta(days=31))
    await wait_for_steps(store, 2)
    held_at = await env.get_current_time()
    kickoff = cmd.RecordMeeting(meeting_id="k", meeting_kind=MeetingKind.KICKOFF, held_at=held_at)
    view = await pairings.execute(PAIRING, kickoff, principal=OFFICER)
    assert (view.stage, view.stale, view.staleness) == (Stage.BILATERAL, False, Staleness.ACTIVE)
    assert store.types(PAIRING)[-3:] == ["MeetingHeld", "BackOnTrack", "StageAdvanced"]
    assert store.notifications(PAIRING)[-1].kind.value == "back_on_track"
    assert view.next_deadline is not None
    assert view.next_deadline.due_at == view.last_activity_at + timedelta(days=22.5)

    await sleep_until(env, view.last_activity_at + timedelta(days=22.5, seconds=1))
    await wait_for_steps(store, 3)
    assert fired(store, view.last_activity_at)[-1] == ("ReminderIssued", 22.5)
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def test_no_timer_fires_while_paused_and_resume_restarts_the_clock(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await in_kickoff(pairings, await env.get_current_time())
    paused = await pairings.execute(PAIRING, cmd.Pause(reason="Elections"), principal=OFFICER)
    assert paused.next_deadline is None
    await env.sleep(timedelta(days=400))
    assert await steps(store) == 0
    resumed = await pairings.execute(PAIRING, cmd.Resume(), principal=OFFICER)
    assert resumed.next_deadline is not None
    assert resumed.next_deadline.due_at - resumed.last_activity_at == timedelta(days=15)
    await env.sleep(timedelta(days=14))
    assert await steps(store) == 0
    await env.sleep(timedelta(days=1, minutes=1))
    await wait_for_steps(store, 1)
    assert fired(store, resumed.last_activity_at) == [("ReminderIssued", 15.0)]


async def test_a_policy_change_moves_the_running_timer(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    quiet_since = (await in_kickoff(pairings, await env.get_current_time())).last_activity_at
    limits = {**StalenessPolicy().idle_limits, Stage.KICKOFF: timedelta(days=10)}
    view = await pairings.execute(
        PAIRING, cmd.ChangePolicy(policy=StalenessPolicy(idle_limits=limits)), principal=OFFICER
    )
    assert view.next_deadline is not None
    assert view.next_deadline.kind is DeadlineKind.REMINDER
    await sleep_until(env, quiet_since + timedelta(days=5, minutes=1))
    await wait_for_steps(store, 1)
    assert fired(store, quiet_since) == [("ReminderIssued", 5.0)]


async def test_the_follow_up_period_ends_the_pairing_on_time(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    now = await env.get_current_time()
    await start(pairings, now, policy=StalenessPolicy(follow_up_period=timedelta(days=30)))
    in_follow_up = await drive(pairings, now, "follow-up-1")
    assert in_follow_up.next_deadline is not None
    assert in_follow_up.next_deadline.kind is DeadlineKind.FOLLOW_UP_END
    # Only a handle from start_workflow skips time while awaiting the result: sleep instead.
    await sleep_until(env, in_follow_up.next_deadline.due_at + timedelta(seconds=1))
    final = PairingView.model_validate(await handle(env.client, PAIRING).result())
    assert (final.stage.value, final.status.value) == ("completed", "completed")
    started = (await pairings.state(PAIRING)).follow_up_started_at
    assert started is not None
    assert fired(store, started) == [("FollowUpPeriodEnded", 30.0)]
    assert store.types(PAIRING)[-2:] == ["FollowUpPeriodEnded", "StageAdvanced"]
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def test_a_failed_append_is_retried_and_the_update_returns_once_stored(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await start(pairings, await env.get_current_time())
    await pairings.execute(PAIRING, cmd.ConfirmParticipation(city="rotterdam"), principal=OFFICER)
    store.failures_left = 1
    view = await pairings.execute(
        PAIRING, cmd.ConfirmParticipation(city="busan"), principal=OFFICER
    )
    assert store.appended() == [[1], [2], [3, 4], [3, 4]], "the failed attempt, then its retry"
    assert view.version == len(store.events(PAIRING)) == 4
