"""Record the histories that the replay tests replay: `python -m tests.replay.record`.

Each scenario runs the current PairingWorkflow on a real server (the dev server, or the
time-skipping server where days must pass) with real activities and PostgreSQL, then saves
every run's history as tests/histories/<scenario>[-run<N>].json, and the delivery of a
notification as <scenario>-delivery.json. Run it after a deliberate change to workflow code:
first move the current files into tests/histories/v<N>/ (never delete a history of a released
version: the old files are what prove a change is replay-compatible), then record.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from temporalio.client import (
    Client,
    WorkflowExecution,
    WorkflowExecutionStatus,
    WorkflowFailureError,
)
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from adapters.postgres.server import (
    LOCAL_ADMIN_URL,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    local_server_answers,
)
from contracts.delivery import notification_workflow_id
from contracts.pairing import PAIRING_WORKFLOW, PairingWorkflowInput
from domain import commands as cmd
from domain.catalog import SEED_CATALOG
from domain.cities import City
from domain.decider import propose_pairing
from domain.ids import workflow_id
from domain.meetings import MeetingKind
from domain.policy import StalenessPolicy
from domain.stages import Stage
from domain.stakeholders import Helix
from iurc.client import PairingClient
from iurc.journey import journey, stakeholder
from iurc.temporal import register_search_attributes
from tests.principals import OFFICER, focal_point
from tests.temporal_support import (
    TEST_SERVER,
    eventually,
    running_worker,
    start_dev_server,
    test_data_converter,
)

HISTORIES = Path(__file__).resolve().parent.parent / "histories"

Scenario = Callable[[WorkflowEnvironment, PairingClient], Awaitable[str]]


async def full_lifecycle(env: WorkflowEnvironment, pairings: PairingClient) -> str:
    """Matching to completed, crossing continue-as-new on the way (dev server)."""
    view = await pairings.start(
        "rotterdam",
        "busan",
        cycle=2021,
        now=datetime.now(UTC),
        policy=StalenessPolicy(follow_up_period=timedelta(seconds=2)),
    )
    for key, command in journey("rotterdam", "busan", view.last_activity_at):
        await pairings.execute(view.pairing_id, command, principal=OFFICER, command_id=key)
    await env.client.get_workflow_handle(workflow_id(view.pairing_id)).result()
    return view.pairing_id


async def stale_then_back_on_track(env: WorkflowEnvironment, pairings: PairingClient) -> str:
    """Reminder and both escalations over 60 quiet days, then a meeting (time-skipping)."""
    view = await pairings.start("dublin", "seoul", cycle=2021, now=await env.get_current_time())
    for city in ("dublin", "seoul"):
        await pairings.execute(
            view.pairing_id, cmd.ConfirmParticipation(city=city), principal=OFFICER
        )
    await env.sleep(timedelta(days=61))
    held = cmd.RecordMeeting(
        meeting_id="kickoff", meeting_kind=MeetingKind.KICKOFF, held_at=await env.get_current_time()
    )
    await pairings.execute(view.pairing_id, held, principal=OFFICER)
    await pairings.execute(
        view.pairing_id, cmd.Withdraw(reason="Recorded scenario"), principal=OFFICER
    )
    return view.pairing_id


async def pause_waive_reject_withdraw(env: WorkflowEnvironment, pairings: PairingClient) -> str:
    """Pause, resume, a waived stage, rejected signals and a withdrawal (time-skipping)."""
    start = await env.get_current_time()
    view = await pairings.start("sofia", "sejong", cycle=2021, now=start)
    pid = view.pairing_id
    steps = journey("sofia", "sejong", start)
    for key, command in steps[: [k for k, _ in steps].index("held-bilateral-2") + 1]:
        await pairings.execute(pid, command, principal=OFFICER, command_id=key)
    await pairings.execute(pid, cmd.Pause(reason="Elections"), principal=OFFICER)
    await env.sleep(timedelta(days=100))
    await pairings.execute(pid, cmd.Resume(), principal=OFFICER)
    waiver = cmd.WaiveStage(stage=Stage.STUDY_VISIT, reason="Travel restrictions")
    await pairings.execute(pid, waiver, principal=OFFICER)
    newcomer = stakeholder("sejong", Helix.ACADEMIA, 7)
    await pairings.execute(
        pid, cmd.AddStakeholder(stakeholder=newcomer), principal=focal_point("sejong")
    )
    ref = next(r for r, p in (await pairings.state(pid)).stakeholders.items() if p == newcomer)
    await pairings.execute(pid, cmd.ChangeFocalPoint(ref=ref, focal_point=True), principal=OFFICER)
    await pairings.execute(pid, cmd.RemoveStakeholder(ref=ref), principal=OFFICER)
    workflow = env.client.get_workflow_handle(workflow_id(pid))
    await workflow.signal("submit", "not a command")
    await workflow.signal("submit", {"command_id": "x", "actor": "p", "command": {"kind": "pause"}})
    await workflow.signal(
        "submit", {"command_id": "y", "actor": "p", "command": {"kind": "resume"}}
    )
    await pairings.execute(pid, cmd.Withdraw(reason="Recorded scenario"), principal=OFFICER)
    await workflow.result()
    return pid


@asynccontextmanager
async def database() -> AsyncIterator[str]:
    name = f"iurc_record_{os.getpid()}_{secrets.token_hex(4)}"
    if local_server_answers():
        url = await ensure_database(LOCAL_ADMIN_URL, name)
        yield url
        await drop_database(LOCAL_ADMIN_URL, name)
        return
    with EmbeddedPostgres(Path(".iurc-record/postgres")) as server:
        yield await ensure_database(server.url, name)


async def refused_start(env: WorkflowEnvironment, pairings: PairingClient) -> str:
    """A start the catalogue does not support (a made-up city): refused, nothing recorded."""
    atlantis = City(
        slug="atlantis", name="Atlantis", country="GR", is_eu=True, languages=("el",),
        timezone="Europe/Athens",
    )  # fmt: skip
    proposed = propose_pairing(
        {**SEED_CATALOG, "atlantis": atlantis},
        eu_city="atlantis",
        partner_city="busan",
        cycle=2021,
        now=await env.get_current_time(),
    )
    handle = await env.client.start_workflow(
        PAIRING_WORKFLOW,
        PairingWorkflowInput(proposed=proposed),
        id=workflow_id(proposed.pairing_id),
        task_queue=pairings.task_queue,
    )
    with contextlib.suppress(WorkflowFailureError):
        await handle.result()
    return proposed.pairing_id


async def save_runs(client: Client, name: str, pairing_id: str) -> list[Path]:
    """Every run of the pairing's workflow, oldest first, one file each."""
    wid = workflow_id(pairing_id)

    async def listed() -> list[WorkflowExecution]:
        return [w async for w in client.list_workflows(f'WorkflowId = "{wid}"')]

    # Visibility is eventually consistent: wait until it lists the run that completed.
    runs = await eventually(
        listed, lambda found: any(w.status is WorkflowExecutionStatus.COMPLETED for w in found)
    )
    runs.sort(key=lambda w: w.start_time)
    paths = []
    for number, run in enumerate(runs, start=1):
        history = await client.get_workflow_handle(wid, run_id=run.run_id).fetch_history()
        suffix = f"-run{number}" if len(runs) > 1 else ""
        path = HISTORIES / f"{name}{suffix}.json"
        path.write_text(history.to_json())
        paths.append(path)
    return paths


async def main() -> None:
    HISTORIES.mkdir(exist_ok=True)
    async with database() as url:
        await migrate(url)
        pool = await create_pool(url)
        dev = await start_dev_server(suggest_continue_as_new_after=40)
        async with dev, running_worker(dev.client, pool) as pairings:
            pid = await full_lifecycle(dev, pairings)
            print(*await save_runs(dev.client, "full_lifecycle", pid), sep="\n")
        for name, scenario in (
            ("stale_then_back_on_track", stale_then_back_on_track),
            ("pause_waive_reject_withdraw", pause_waive_reject_withdraw),
            ("refused_start", refused_start),
        ):
            skipping = await WorkflowEnvironment.start_time_skipping(
                data_converter=test_data_converter(), test_server_existing_path=str(TEST_SERVER)
            )
            async with skipping:
                await register_search_attributes(skipping.client)
                async with running_worker(skipping.client, pool) as pairings:
                    pid = await scenario(skipping, pairings)
                    history = await skipping.client.get_workflow_handle(
                        workflow_id(pid)
                    ).fetch_history()
                    path = HISTORIES / f"{name}.json"
                    path.write_text(history.to_json())
                    print(path)
                    if name != "refused_start":  # it records nothing, so it tells nobody
                        print(await save_first_delivery(skipping.client, pool, pid, name))
        await pool.close()


async def save_first_delivery(
    client: Client, pool: asyncpg.Pool, pairing_id: str, name: str
) -> Path:
    """The NotificationWorkflow of the pairing's first notification, once it has finished."""
    notification = await pool.fetchval(
        "SELECT notification_id FROM notifications WHERE pairing_id = $1 ORDER BY sequence",
        pairing_id,
    )
    handle = client.get_workflow_handle(notification_workflow_id(notification))
    await handle.result()
    path = HISTORIES / f"{name}-delivery.json"
    path.write_text((await handle.fetch_history()).to_json())
    return path


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
