"""Every saved history replays on today's workflow code without a determinism error.

The histories under tests/histories/ were recorded by `python -m tests.replay.record` from
real runs. A change to PairingWorkflow that would break a running pairing fails here. They
replay with the suite's encrypting converter: the older ones, recorded before encryption, have
plain payloads, which it passes through.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.worker import Replayer

from iurc.replay import saved_history
from iurc.wiring import WORKFLOW_RUNNER
from tests.temporal_support import test_replay_converter
from workflows.notification import NotificationWorkflow
from workflows.pairing import PairingWorkflow

ROOT = Path(__file__).resolve().parent.parent / "histories"
HISTORIES = sorted(ROOT.rglob("*.json"))
"""The current version's histories at the top, each released version's in v<N>/."""
SCENARIOS = {"full_lifecycle", "stale_then_back_on_track", "pause_waive_reject_withdraw"}


@pytest.mark.parametrize(
    "folder",
    [ROOT, ROOT / "v1", ROOT / "v2", ROOT / "v3", ROOT / "v4"],
    ids=["current", "v1", "v2", "v3", "v4"],
)
def test_histories_cover_continue_as_new_staleness_pause_waiver_and_withdrawal(
    folder: Path,
) -> None:
    names = {path.stem.split("-run")[0] for path in folder.glob("*.json")}
    assert names >= SCENARIOS
    assert sum(path.stem.startswith("full_lifecycle-run") for path in folder.glob("*.json")) >= 2


def patches(path: Path) -> set[str]:
    """The ids of the `workflow.patched` markers a saved history holds."""
    found = set()
    for event in json.loads(path.read_text())["events"]:
        marker = event.get("markerRecordedEventAttributes", {})
        if marker.get("markerName") == "core_patch":
            data = marker["details"]["patch-data"]["payloads"][0]["data"]
            found.add(json.loads(base64.b64decode(data))["id"])
    return found


def test_current_histories_check_starts_name_principals_and_refuse_a_made_up_start() -> None:
    """The paths since v4: the catalogue check before the first event, a signal refused for
    naming no principal, people added, refocused and removed, and a start refused."""
    first_runs = [ROOT / "full_lifecycle-run1.json", ROOT / "stale_then_back_on_track.json"]
    assert all("proposal-checked-against-catalogue" in patches(path) for path in first_runs)
    assert "signals-name-principals" in patches(ROOT / "pause_waive_reject_withdraw.json")
    refused = (ROOT / "refused_start.json").read_text()
    assert "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED" in refused
    assert "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" not in refused, "nothing was recorded"


def test_current_histories_include_a_notification_delivery() -> None:
    assert any(path.stem.endswith("-delivery") for path in ROOT.glob("*.json"))


def test_current_pairings_start_deliveries_from_the_record_activity_not_as_children() -> None:
    """v3 pairings started children; since `deliveries-started-by-record` none do."""
    pairings = [
        path
        for path in ROOT.glob("*.json")
        if not path.stem.endswith("-delivery") and path.stem != "refused_start"
    ]
    children = "startChildWorkflowExecutionInitiatedEventAttributes"
    assert not any(children in path.read_text() for path in pairings)
    assert any(children in path.read_text() for path in (ROOT / "v3").glob("*.json"))
    assert all("record_events_and_start_deliveries" in path.read_text() for path in pairings)


@pytest.mark.parametrize(
    "path", HISTORIES, ids=[str(path.relative_to(ROOT).with_suffix("")) for path in HISTORIES]
)
async def test_history_replays(path: Path) -> None:
    converter = test_replay_converter()
    history = await saved_history(path.read_text(), converter, path.stem)
    replayer = Replayer(
        workflows=[PairingWorkflow, NotificationWorkflow],
        data_converter=converter,
        workflow_runner=WORKFLOW_RUNNER,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
