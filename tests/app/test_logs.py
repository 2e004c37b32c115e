"""Logs are JSON off a terminal, and Temporal's stdlib records come through the same pipeline."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from iurc.logs import configure_logging


def test_structlog_and_temporal_records_render_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    try:
        structlog.get_logger("iurc.test").info("events recorded", pairing_id="rotterdam-busan-2021")
        logging.getLogger("temporalio.workflow").warning(
            "timer fired",
            extra={"temporal_workflow": {"workflow_id": "pairing-rotterdam-busan-2021"}},
        )
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()
    assert lines[0]["event"] == "events recorded"
    assert lines[0]["pairing_id"] == "rotterdam-busan-2021"
    assert lines[0]["level"] == "info"
    assert lines[1]["event"] == "timer fired"
    assert lines[1]["logger"] == "temporalio.workflow"
    assert lines[1]["temporal_workflow"] == {"workflow_id": "pairing-rotterdam-busan-2021"}
