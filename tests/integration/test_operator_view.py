"""What an operator sees in the Temporal UI without reading payloads."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.api.enums.v1 import EventType
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.ids import workflow_id
from iurc.client import PairingClient
from tests.principals import OFFICER

CYCLE = 2024
PAIRING = f"dublin-seoul-{CYCLE}"


async def test_summaries_details_and_search_attributes_tell_the_story(
    dev_env: WorkflowEnvironment, pairings: PairingClient
) -> None:
    await pairings.start("dublin", "seoul", cycle=CYCLE, now=datetime.now(UTC))
    for city in ("dublin", "seoul"):
        await pairings.execute(PAIRING, cmd.ConfirmParticipation(city=city), principal=OFFICER)
    handle = dev_env.client.get_workflow_handle(workflow_id(PAIRING))

    description = await handle.describe()
    assert await description.static_summary() == (
        "Dublin ↔ Seoul (2024): air quality noise, sustainable green mobility"
    )
    attributes = {key.name: value for key, value in description.typed_search_attributes}
    assert {name: attributes[name] for name in ("IurcStage", "IurcStatus", "IurcEuCity")} == {
        "IurcStage": "kickoff",
        "IurcStatus": "active",
        "IurcEuCity": "dublin",
    }
    assert (attributes["IurcStale"], attributes["IurcEscalationLevel"]) == (False, 0)

    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    details = metadata.current_details
    assert "**dublin ↔ seoul** (cycle 2024) — stage **kickoff**, active" in details
    assert "- [x] matching: Dublin and Seoul confirmed participation" in details
    assert "- [ ] kickoff: kick-off meeting held" in details
    assert "Next: reminder due" in details

    history = await handle.fetch_history()
    summaries: dict[str, list[str]] = {"activity": [], "timer": []}
    converter = dev_env.client.data_converter
    for event in history.events:
        if not event.user_metadata.HasField("summary"):
            continue
        # Summaries are payloads: encrypted like the rest, decoded as the UI's codec server does.
        [summary] = await converter.decode([event.user_metadata.summary], [str])
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            summaries["activity"].append(summary)
        elif event.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            summaries["timer"].append(summary)
    assert summaries["activity"], "the pairing's events were recorded by activities"
    assert all(s.startswith("record #") for s in summaries["activity"]), summaries["activity"]
    assert summaries["timer"], "a pairing in kickoff waits on its staleness timer"
    assert all(s.startswith("reminder due") for s in summaries["timer"]), summaries["timer"]
