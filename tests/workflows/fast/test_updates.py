"""Commands as updates on the real workflow, PostgreSQL replaced by the in-memory store.

Accepted commands are appended in order before the update returns; refusals carry the
domain's message and leave no trace; a key records its command once, and only that command.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from contracts.pairing import UPDATE_EXECUTE
from contracts.recording import RECORD_EVENTS_AND_START_DELIVERIES
from domain import commands as cmd
from domain.commands import CommandRequest
from domain.errors import ClosedPairingError, ReusedKeyError, StageError
from domain.meetings import MeetingKind
from domain.stages import Stage
from iurc.client import PairingClient
from tests.principals import OFFICER
from tests.temporal_support import handle
from tests.workflows.fast.memory_store import InMemoryEventStore
from tests.workflows.fast.support import (
    PAIRING,
    assert_store_folds_to_the_workflow_state,
    drive,
    recorded_history,
    start,
)


async def test_an_accepted_command_is_appended_before_the_update_returns(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    now = await env.get_current_time()
    await start(pairings, now)
    await pairings.execute(PAIRING, cmd.ConfirmParticipation(city="rotterdam"), principal=OFFICER)
    view = await pairings.execute(
        PAIRING, cmd.ConfirmParticipation(city="busan"), principal=OFFICER
    )
    assert (view.stage, view.version) == (Stage.KICKOFF, 4)
    assert [name for name, _ in store.calls] == [RECORD_EVENTS_AND_START_DELIVERIES] * 3
    assert store.appended() == [[1], [2], [3, 4]]
    assert store.types(PAIRING) == [
        "PairingProposed",
        "ParticipationConfirmed",
        "ParticipationConfirmed",
        "StageAdvanced",
    ]
    assert store.calls[-1][1].view == view, "the read model gets the view the caller gets"
    assert view.last_activity_at == store.events(PAIRING)[2].occurred_at >= now
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def test_the_journey_is_appended_in_order_one_recording_per_command(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    now = await env.get_current_time()
    await start(pairings, now)
    view = await drive(pairings, now, "follow-up-1")
    assert (view.stage, view.version) == (Stage.FOLLOW_UP, 26)
    assert len(store.calls) == 1 + 19
    advanced = [
        (event.from_stage.value, event.to_stage.value)
        for event in store.events(PAIRING)
        if event.type == "StageAdvanced"
    ]
    assert advanced == [
        ("matching", "kickoff"),
        ("kickoff", "bilateral"),
        ("bilateral", "study_visit"),
        ("study_visit", "action_plan"),
        ("action_plan", "pilot"),
        ("pilot", "follow_up"),
    ]
    kinds = [n.kind.value for n in store.notifications(PAIRING)]
    assert kinds == ["meeting_scheduled", "plan_changes_requested", "plan_approved", "pilot_funded"]
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def test_a_refused_command_carries_the_domain_message_and_leaves_no_trace(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    now = await env.get_current_time()
    await start(pairings, now)
    await drive(pairings, now, "held-bilateral-1")
    calls, history = len(store.calls), await recorded_history(env.client)
    with pytest.raises(StageError) as refused:
        await pairings.execute(
            PAIRING, cmd.FundPilot(title="Early", amount_eur=1), principal=OFFICER
        )
    assert refused.value.message == (
        "cannot record pilot funding: pairing rotterdam-busan-2021 is in stage bilateral; "
        "pilot funding needs an approved action plan"
    )
    assert len(store.calls) == calls
    assert await recorded_history(env.client) == history
    assert (await pairings.view(PAIRING)).version == len(store.events(PAIRING))


async def test_the_same_command_under_the_same_key_records_once(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await start(pairings, await env.get_current_time())
    confirm = cmd.ConfirmParticipation(city="busan")
    first = await pairings.execute(PAIRING, confirm, principal=OFFICER, command_id="busan-confirms")
    second = await pairings.execute(
        PAIRING, confirm, principal=OFFICER, command_id="busan-confirms"
    )
    assert first == second
    assert store.types(PAIRING) == ["PairingProposed", "ParticipationConfirmed"]
    assert store.appended() == [[1], [2]]


async def test_a_repeat_that_reaches_the_workflow_records_nothing(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    """A used key that reaches the workflow again (as a signal; an update with the same id
    is answered by Temporal itself, within a run) is answered from the key memory."""
    await start(pairings, await env.get_current_time())
    confirm = cmd.ConfirmParticipation(city="busan")
    first = await pairings.execute(PAIRING, confirm, principal=OFFICER, command_id="busan")
    await pairings.signal(PAIRING, confirm, principal=OFFICER, command_id="busan")
    await env.sleep(timedelta(seconds=1))
    assert first.version == (await pairings.view(PAIRING)).version == 2
    assert store.appended() == [[1], [2]]


async def test_a_different_command_under_a_used_key_is_refused(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await start(pairings, await env.get_current_time())
    await pairings.execute(
        PAIRING, cmd.ConfirmParticipation(city="busan"), principal=OFFICER, command_id="k1"
    )
    with pytest.raises(ReusedKeyError) as refused:
        await pairings.execute(
            PAIRING, cmd.ConfirmParticipation(city="rotterdam"), principal=OFFICER, command_id="k1"
        )
    assert "idempotency key 'k1' already recorded a different confirm participation" in str(
        refused.value
    )
    assert store.types(PAIRING) == ["PairingProposed", "ParticipationConfirmed"]


async def test_an_unusable_key_is_refused_by_the_validator(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    """Only a client that skips PairingClient's own check can send one."""
    await start(pairings, await env.get_current_time())
    request = CommandRequest(principal=OFFICER, command=cmd.ConfirmParticipation(city="busan"))
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle(env.client, PAIRING).execute_update(UPDATE_EXECUTE, request, id="two words")
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.message[:38]) == (
        "InvalidCommandError",
        "idempotency key 'two words' is not usa",
    )
    assert store.appended() == [[1]]


async def test_a_withdrawn_pairing_completes_and_refuses_what_comes_after(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    now = await env.get_current_time()
    await start(pairings, now)
    await drive(pairings, now, "held-kickoff")
    await pairings.execute(PAIRING, cmd.Withdraw(reason="Partner left"), principal=OFFICER)
    final = await handle(env.client, PAIRING).result()
    assert isinstance(final, dict)
    assert (final["stage"], final["status"]) == ("withdrawn", "withdrawn")
    late = cmd.RecordMeeting(meeting_id="b1", meeting_kind=MeetingKind.BILATERAL, held_at=now)
    with pytest.raises(ClosedPairingError, match=r"was withdrawn on .* \(Partner left\)"):
        await pairings.execute(PAIRING, late, principal=OFFICER)
    assert store.types(PAIRING)[-1] == "PairingWithdrawn"
    await assert_store_folds_to_the_workflow_state(store, pairings)
