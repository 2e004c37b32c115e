"""The lenient signal path: every signal is recorded, an invalid one as CommandRejected."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from contracts.pairing import SIGNAL_SUBMIT
from domain import commands as cmd
from domain import events as ev
from domain.stages import Stage
from iurc.client import PairingClient
from tests.principals import OFFICER, OFFICER_JSON
from tests.temporal_support import eventually, handle, history_event_types
from tests.workflows.fast.memory_store import InMemoryEventStore
from tests.workflows.fast.support import PAIRING, assert_store_folds_to_the_workflow_state, start


def rejections(store: InMemoryEventStore) -> list[ev.CommandRejected]:
    return [e for e in store.events(PAIRING) if isinstance(e, ev.CommandRejected)]


async def test_invalid_signals_are_recorded_as_rejected_and_never_fail_the_workflow(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await start(pairings, await env.get_current_time())
    workflow = handle(env.client, PAIRING)
    await workflow.signal(SIGNAL_SUBMIT, "not a command at all")
    for number, command in enumerate(
        [
            {"kind": "fund_pilot"},
            {"kind": "launch_rocket"},
            {"kind": "confirm_participation", "city": "seoul"},
            {"kind": "confirm_participation", "city": "busan"},
        ],
        start=1,
    ):
        envelope = {"command_id": f"s{number}", "principal": OFFICER_JSON, "command": command}
        await workflow.signal(SIGNAL_SUBMIT, envelope)

    recorded = await eventually(lambda: _types(store), lambda types: len(types) == 6)
    assert recorded == ["PairingProposed", *["CommandRejected"] * 4, "ParticipationConfirmed"]
    rejected = [(r.rejected_command_id, r.command_kind) for r in rejections(store)]
    assert rejected == [
        (None, "unknown"),
        ("s1", "fund_pilot"),
        ("s2", "launch_rocket"),
        ("s3", "confirm_participation"),
    ]
    reasons = [r.reason for r in rejections(store)]
    assert "command.fund_pilot.title: Field required" in reasons[1]
    assert "seoul is not part of pairing rotterdam-busan-2021" in reasons[3]
    assert (await workflow.describe()).status is WorkflowExecutionStatus.RUNNING
    assert "EVENT_TYPE_WORKFLOW_TASK_FAILED" not in await history_event_types(env.client, PAIRING)
    state = await pairings.state(PAIRING)
    assert (state.rejected_commands, state.stage, state.confirmed) == (
        4,
        Stage.MATCHING,
        frozenset({"busan"}),
    )
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def test_a_signal_under_a_used_key_records_nothing_or_its_refusal(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await start(pairings, await env.get_current_time())
    busan = cmd.ConfirmParticipation(city="busan")
    await pairings.execute(PAIRING, busan, principal=OFFICER, command_id="k1")
    await pairings.signal(PAIRING, busan, principal=OFFICER, command_id="k1")
    rotterdam = cmd.ConfirmParticipation(city="rotterdam")
    await pairings.signal(PAIRING, rotterdam, principal=OFFICER, command_id="k1")

    recorded = await eventually(lambda: _types(store), lambda types: len(types) == 3)
    assert recorded == ["PairingProposed", "ParticipationConfirmed", "CommandRejected"]
    [refusal] = rejections(store)
    assert (refusal.rejected_command_id, refusal.command_id) == ("k1", None)
    assert "idempotency key 'k1' already recorded a different" in refusal.reason
    assert (await pairings.view(PAIRING)).stage is Stage.MATCHING


async def test_a_valid_signal_is_recorded_like_an_update(
    env: WorkflowEnvironment, pairings: PairingClient, store: InMemoryEventStore
) -> None:
    await start(pairings, await env.get_current_time())
    for city in ("rotterdam", "busan"):
        command = cmd.ConfirmParticipation(city=city)
        await pairings.signal(PAIRING, command, principal=OFFICER, command_id=f"confirm-{city}")
    recorded = await eventually(lambda: _types(store), lambda types: len(types) == 4)
    assert recorded[-1] == "StageAdvanced"
    assert [e.command_id for e in store.events(PAIRING)] == [
        None,
        "confirm-rotterdam",
        "confirm-busan",
        "confirm-busan",
    ]
    await assert_store_folds_to_the_workflow_state(store, pairings)


async def _types(store: InMemoryEventStore) -> list[str]:
    return store.types(PAIRING)
