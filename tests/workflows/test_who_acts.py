"""Who acts: every command through the workflow has a verified author with the right to send it.

Each refusal is checked where it matters: the caller hears why, and nothing is recorded.
A client without the payload keys is the outsider of this model: it can reach the
namespace, but whatever it sends is not sealed, so the worker reads none of it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import pytest
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from contracts.pairing import (
    PAIRING_WORKFLOW,
    SIGNAL_SUBMIT,
    UPDATE_EXECUTE,
    Carried,
    PairingWorkflowInput,
)
from domain import commands as cmd
from domain import events as ev
from domain.catalog import SEED_CATALOG
from domain.cities import City
from domain.decider import propose_pairing
from domain.errors import PermissionDeniedError, ReusedKeyError
from domain.evolve import initial_state
from domain.idempotency import command_fingerprint
from domain.ids import workflow_id
from iurc.client import PairingClient, update_id
from iurc.codec import PLAIN_CONVERTER
from tests.principals import OFFICER, OFFICER_JSON, focal_point
from tests.temporal_support import eventually, handle

PAIRING = "rotterdam-busan-2021"


async def stored(pool: asyncpg.Pool, pairing_id: str) -> list[str]:
    rows = await pool.fetch(
        "SELECT type FROM events WHERE pairing_id = $1 ORDER BY sequence", pairing_id
    )
    return [row["type"] for row in rows]


async def stored_once(pool: asyncpg.Pool, pairing_id: str, count: int) -> list[str]:
    """The stored event types once `count` are there (the append follows the workflow)."""
    return await eventually(lambda: stored(pool, pairing_id), lambda rows: len(rows) >= count)


async def start(env: WorkflowEnvironment, pairings: PairingClient) -> None:
    await pairings.start("rotterdam", "busan", cycle=2021, now=await env.get_current_time())


async def test_a_city_acts_for_itself_and_never_for_the_other(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await start(env, pairings)
    confirm_busan = cmd.ConfirmParticipation(city="busan")
    with pytest.raises(PermissionDeniedError, match="acts only for rotterdam"):
        await pairings.execute(PAIRING, confirm_busan, principal=focal_point("rotterdam"))
    view = await pairings.execute(PAIRING, confirm_busan, principal=focal_point("busan", "minji"))
    assert view.version == 2
    await pairings.signal(
        PAIRING,
        cmd.ConfirmParticipation(city="rotterdam"),
        principal=focal_point("busan"),
        command_id="signalled",
    )
    events = await eventually(
        lambda: pairings.events(PAIRING), lambda found: len(found) == 3, within=10
    )
    confirmed, rejected = events[1].event, events[2].event
    assert (confirmed.actor, confirmed.on_behalf_of) == ("focal_point:busan:minji", "busan")
    assert isinstance(rejected, ev.CommandRejected)
    assert "acts only for busan" in rejected.reason
    assert await stored_once(pg_pool, PAIRING, 3) == [
        "PairingProposed",
        "ParticipationConfirmed",
        "CommandRejected",
    ]


async def test_a_typed_actor_is_refused_by_update_and_rejected_by_signal(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    """The shape from before principals, as a client of the namespace could still send it."""
    await start(env, pairings)
    workflow = handle(env.client, PAIRING)
    command = cmd.Pause(reason="x")
    legacy = {"actor": "rotterdam-focal-point", "command": command.model_dump(mode="json")}
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await workflow.execute_update(UPDATE_EXECUTE, legacy, id=update_id("k1", command))
    assert isinstance(failed.value.cause, ApplicationError)
    assert failed.value.cause.type == "PermissionDeniedError"
    assert "names no principal" in failed.value.cause.message
    await workflow.signal(SIGNAL_SUBMIT, {**legacy, "command_id": "k2"})
    events = await eventually(
        lambda: pairings.events(PAIRING), lambda found: len(found) == 2, within=10
    )
    rejected = events[1].event
    assert isinstance(rejected, ev.CommandRejected)
    assert "names no principal" in rejected.reason
    assert await stored_once(pg_pool, PAIRING, 2) == ["PairingProposed", "CommandRejected"]


async def test_an_update_id_must_carry_its_commands_fingerprint(
    env: WorkflowEnvironment, pairings: PairingClient
) -> None:
    """A bare id reused for another command was answered with the first command's result."""
    await start(env, pairings)
    workflow = handle(env.client, PAIRING)
    pause = cmd.Pause(reason="Elections")
    request = {"principal": OFFICER_JSON, "command": pause.model_dump(mode="json")}
    for bad_id in ("zoom-kickoff-held", f"k#{command_fingerprint(cmd.Resume())}"):
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await workflow.execute_update(UPDATE_EXECUTE, request, id=bad_id)
        assert isinstance(failed.value.cause, ApplicationError)
        assert "must be `<idempotency key>#<fingerprint>`" in failed.value.cause.message
    await pairings.execute(
        PAIRING, cmd.ConfirmParticipation(city="rotterdam"), principal=OFFICER, command_id="k"
    )
    with pytest.raises(ReusedKeyError, match="already recorded a different confirm"):
        await pairings.execute(PAIRING, pause, principal=OFFICER, command_id="k")


async def keyless(env: WorkflowEnvironment) -> Client:
    """A client of the same namespace that holds no payload key."""
    return await Client.connect(
        env.client.service_client.config.target_host,
        namespace=env.client.namespace,
        data_converter=PLAIN_CONVERTER,
    )


async def test_a_client_without_the_keys_gets_nothing_read(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await start(env, pairings)
    outsider = await keyless(env)
    workflow = outsider.get_workflow_handle(workflow_id(PAIRING))
    command = cmd.ConfirmParticipation(city="rotterdam")
    request = {"principal": OFFICER_JSON, "command": command.model_dump(mode="json")}
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await workflow.execute_update(UPDATE_EXECUTE, request, id=update_id("k1", command))
    assert isinstance(failed.value.cause, ApplicationError)  # its message is sealed too
    assert failed.value.cause.type == "InvalidCommandError"
    await workflow.signal(SIGNAL_SUBMIT, {**request, "command_id": "k2"})
    events = await eventually(
        lambda: pairings.events(PAIRING), lambda found: len(found) == 2, within=10
    )
    assert isinstance(events[1].event, ev.CommandRejected)
    assert "not sealed" in events[1].event.reason
    assert await stored_once(pg_pool, PAIRING, 2) == ["PairingProposed", "CommandRejected"]

    proposed = propose_pairing(
        SEED_CATALOG,
        eu_city="dublin",
        partner_city="seoul",
        cycle=2021,
        now=await env.get_current_time(),
    )
    forged = await outsider.start_workflow(
        PAIRING_WORKFLOW,
        PairingWorkflowInput(proposed=proposed),
        id=workflow_id(proposed.pairing_id),
        task_queue=pairings.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as refused:
        await env.client.get_workflow_handle(forged.id).result()  # read with the keys
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == "RefusedStartError"
    assert "not sealed with a key of this service" in refused.value.cause.message
    assert await stored(pg_pool, proposed.pairing_id) == []


async def refused_start(
    env: WorkflowEnvironment, pairings: PairingClient, start_input: PairingWorkflowInput, wid: str
) -> str:
    """Start the pairing workflow as a client with the keys could, and what it failed with."""
    forged = await env.client.start_workflow(
        PAIRING_WORKFLOW,
        start_input,
        id=wid,
        task_queue=pairings.task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await forged.result()
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "RefusedStartError"
    return cause.message


async def test_a_start_with_a_made_up_city_is_refused_before_anything_is_recorded(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    atlantis = City(
        slug="atlantis", name="Atlantis", country="GR", is_eu=True, languages=("el",),
        timezone="Europe/Athens",
    )  # fmt: skip
    made_up = {**SEED_CATALOG, "atlantis": atlantis}
    proposed = propose_pairing(
        made_up,
        eu_city="atlantis",
        partner_city="busan",
        cycle=2021,
        now=await env.get_current_time(),
    )
    message = await refused_start(
        env, pairings, PairingWorkflowInput(proposed=proposed), workflow_id(proposed.pairing_id)
    )
    assert "'atlantis' is not in the city catalogue" in message
    assert await stored(pg_pool, proposed.pairing_id) == []


async def test_a_workflow_must_carry_its_own_pairing(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    now = await env.get_current_time()
    proposed = propose_pairing(
        SEED_CATALOG, eu_city="sofia", partner_city="sejong", cycle=2021, now=now
    )
    elsewhere = f"pairing-{uuid.uuid4()}"
    message = await refused_start(env, pairings, PairingWorkflowInput(proposed=proposed), elsewhere)
    assert "does not carry its own pairing" in message
    carried = Carried(state=initial_state(proposed), events=())
    message = await refused_start(
        env, pairings, PairingWorkflowInput(carried=carried), workflow_id(proposed.pairing_id)
    )
    assert "accepts carried state only from its own continue-as-new" in message
    assert await stored(pg_pool, proposed.pairing_id) == []


async def test_removing_a_person_forgets_their_name_and_address(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    await start(env, pairings)
    person = {
        "name": "Ji-woo Park",
        "email": "jiwoo.park@busan.example.org",
        "city": "busan",
        "helix": "business",
        "role": "logistics",
    }
    added = cmd.AddStakeholder.model_validate({"stakeholder": person})
    await pairings.execute(PAIRING, added, principal=focal_point("busan"))
    state = await pairings.state(PAIRING)
    [ref] = [r for r, p in state.stakeholders.items() if p.email == person["email"]]
    assert ref == "busan-1"
    await pairings.execute(PAIRING, cmd.RemoveStakeholder(ref=ref), principal=OFFICER)
    await env.sleep(timedelta(seconds=1))
    assert ref not in (await pairings.state(PAIRING)).stakeholders
    payloads = [
        str(row["payload"])
        for row in await pg_pool.fetch("SELECT payload FROM events WHERE pairing_id = $1", PAIRING)
    ]
    assert not any(person["email"] in p or person["name"] in p for p in payloads)
    assert any("removed stakeholder busan-1" in p for p in payloads), "the history stays readable"
    carried = [r.event.model_dump_json() for r in await pairings.events(PAIRING)]
    assert not any(person["email"] in text for text in carried)
