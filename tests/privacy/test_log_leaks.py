"""What the logs must not carry beyond e-mail addresses: URL secrets and people's names.

And where lines come from that bypassed the redaction: httpx's request lines (the webhook URL
with its token) and the Temporal core's own warnings, which it wrote to stderr itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import structlog
from temporalio import activity
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.stakeholders import Helix, Stakeholder
from iurc.logs import configure_logging, core_log_fields, core_logging, mask_name, redact
from tests.temporal_support import TEST_SERVER

ROOT = Path(__file__).resolve().parents[2]

TOKEN = "t0k3n-5ecr3t"
WEBHOOK = f"https://hooks.citynet.example.org/iurc?token={TOKEN}"
PERSON = Stakeholder(
    name="Ji-woo Park", email="ji-woo.park@busan.example.org", city="busan", helix=Helix.BUSINESS
)


@pytest.fixture
def reset_logging() -> Iterator[None]:
    yield
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def read(capsys: pytest.CaptureFixture[str]) -> tuple[str, list[dict[str, object]]]:
    err = capsys.readouterr().err
    return err, [json.loads(line) for line in err.splitlines() if line.startswith("{")]


async def test_httpx_request_lines_do_not_reach_the_log(
    reset_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json")
    """httpx logs `HTTP Request: POST <url with query>` at INFO for every request."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.post(WEBHOOK, content=b"{}")
    err, _ = read(capsys)
    assert TOKEN not in err
    assert "HTTP Request" not in err
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING


def test_url_credentials_query_and_fragment_are_redacted(
    reset_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json")
    log = structlog.get_logger("iurc.test")
    log.warning("webhook slow", url=WEBHOOK)
    log.error("cannot connect to postgresql://iurc:hunter2-db@db.internal:5432/iurc")
    logging.getLogger("httpx").error("POST %s failed", f"{WEBHOOK}#frag-{TOKEN}")
    err, lines = read(capsys)
    assert TOKEN not in err
    assert "hunter2-db" not in err
    assert lines[0]["url"] == "https://hooks.citynet.example.org/iurc?***"
    assert lines[1]["event"] == "cannot connect to postgresql://***@db.internal:5432/iurc"
    assert lines[2]["event"] == "POST https://hooks.citynet.example.org/iurc?***#*** failed"


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_names_are_redacted_where_a_line_shows_them(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json" if log_format == "json" else "console")
    try:
        log = structlog.get_logger("iurc.test")
        log.info("stakeholder added", name="Ji-woo Park", pairing_id="rotterdam-busan-2026")
        log.info("message rendered", recipients=["Ji-woo Park <ji-woo.park@busan.example.org>"])
        log.info("person", person=PERSON, body="Dear Ji-woo Park, the pairing is quiet. Park")
        log.info("payload", text='{"name": "Ji-woo Park", "city": "busan"}')
        logging.getLogger("aiosmtplib").warning('To: "Ji-woo Park" <ji-woo.park@busan.example.org>')
        try:
            raise ValueError(f"refused {PERSON!r}")
        except ValueError:
            logging.getLogger("iurc.test").exception("failed")
        err = capsys.readouterr().err
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()
    assert "Ji-woo" not in err
    assert "Park" not in err
    assert "J*** P***" in err
    assert "rotterdam-busan-2026" in err, "what is not a name stays"


def test_a_normal_line_is_left_alone(
    reset_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json")
    structlog.get_logger("iurc.wiring").info(
        "worker started",
        temporal="temporal:7233",
        namespace="default",
        task_queue="iurc-pairings",
        recipients=3,
        channel="email",
        subject="Rotterdam-Busan: reminder, stage bilateral",
    )
    _, lines = read(capsys)
    (line,) = lines
    assert line["event"] == "worker started"
    assert line["logger"] == "iurc.wiring"
    assert line["recipients"] == 3
    assert line["temporal"] == "temporal:7233"
    assert line["subject"] == "Rotterdam-Busan: reminder, stage bilateral"


def test_masked_names_still_tell_people_apart() -> None:
    assert mask_name("Ji-woo Park") == "J*** P***"
    assert mask_name("Min-ji Kim <m***@busan.example.org>") == "M*** K*** <m***@busan.example.org>"
    assert redact({"names": ("Ana Lima", "Bo Li")}) == {"names": ("A*** L***", "B*** L***")}


def test_a_forwarded_core_record_becomes_fields() -> None:
    entry = SimpleNamespace(target="temporalio_sdk_core::worker", fields={"task_queue": "q"})
    event = core_log_fields(None, "warning", {"event": "slow poll", "temporal_log": entry})
    assert event == {
        "event": "slow poll",
        "core_target": "temporalio_sdk_core::worker",
        "core_fields": {"task_queue": "q"},
    }


@activity.defn(name="iurc-test-noop")
async def noop() -> None:
    """Something for a worker to run, so that the core starts and logs."""


@pytest.mark.usefixtures("reset_logging")
async def test_temporal_core_warnings_come_out_through_python_logging(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The core warns that the test server lacks a capability; that line must be ours (JSON)."""
    configure_logging("json")
    runtime = Runtime(telemetry=TelemetryConfig(logging=core_logging("info")))
    async with (
        await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(TEST_SERVER), runtime=runtime
        ) as env,
        Worker(env.client, task_queue=f"core-logs-{uuid.uuid4()}", activities=[noop]),
    ):
        await asyncio.sleep(1.5)  # the core warns at start; forwarding buffers a few ms
    err = capfd.readouterr().err
    core = [line for line in err.splitlines() if "sdk_core" in line or "sdk-core" in line]
    assert core, f"the core logged nothing: {err!r}"
    for line in core:
        record = json.loads(line)  # not the core's own console format
        assert record["logger"] == "temporalio.core"
        assert str(record["core_target"]).startswith("temporalio_sdk_core")
        assert record["level"] == "warning"


def test_the_core_runtime_is_installed_by_entry_points_once_not_on_import() -> None:
    code = (
        "import temporalio.runtime as r, worker, iurc.wiring as w, iurc.cli.app\n"
        "assert r._runtime_ref._default_runtime is None, 'installed on import'\n"
        "first = w.install_core_logging(); second = w.install_core_logging('debug')\n"
        "assert first is second is r.Runtime.default()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
