"""Crashes, restarts and outages under load lose nothing and duplicate nothing.

Marked `faults`; runs in CI (about three minutes: the PostgreSQL outage alone is 20 s, and
deliveries that failed during it retry with 30 s backoff). `python -m
tests.reliability.scenario --pairings 40` is the larger run behind RELIABILITY.md.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.reliability.scenario import Report, run

PAIRINGS = 6
SEED = 5
BOUND_SECONDS = 480


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    workdir = Path(tmp_path_factory.mktemp("faults"))

    async def bounded() -> Report:
        async with asyncio.timeout(BOUND_SECONDS):
            return await run(PAIRINGS, SEED, workdir)

    # A loop of its own: the scenario owns its servers and must not share the session's loop.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(bounded())
    finally:
        loop.close()


pytestmark = pytest.mark.faults


def test_every_fault_was_injected(report: Report) -> None:
    kinds = [str(fault["kind"]) for fault in report.faults]
    assert kinds.count("worker SIGKILL") == 4
    assert "PostgreSQL stopped 20 s" in kinds
    assert "Temporal stopped 5 s" in kinds
    assert all(fault["recovered_after"] is not None for fault in report.faults), report.faults


def test_no_accepted_command_is_lost_or_recorded_twice(report: Report) -> None:
    assert report.commands_accepted == PAIRINGS * 19
    assert report.commands_lost == []
    assert report.events_duplicated == 0


def test_read_model_equals_the_fold_and_every_pairing_is_where_its_commands_lead(
    report: Report,
) -> None:
    assert report.read_model_mismatches == []
    assert report.wrong_stage == []


def test_every_notification_is_delivered_and_none_reaches_anyone_twice(report: Report) -> None:
    assert report.unsettled == []
    assert report.notifications > 0
    distinct = report.webhook_posts - report.webhook_repeats
    assert distinct == report.deliveries_sent
    # The one window left (a kill between sending and recording) can repeat a POST, with the
    # same Idempotency-Key for the receiver to drop; a database outage no longer can.
    assert report.webhook_repeats <= report.worker_kills


def test_no_workflow_task_failed_and_every_workflow_is_healthy(report: Report) -> None:
    assert report.workflow_tasks_failed == 0
    assert report.workflows_not_healthy == []
