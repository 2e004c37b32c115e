"""`make run` as a newcomer runs it: the demo comes up and answers; Ctrl-C leaves nothing behind."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.history.v1 import History
from temporalio.client import Client

pytestmark = pytest.mark.e2e  # runs `make run`, the whole stack, in a subprocess

ROOT = Path(__file__).resolve().parent.parent.parent
IURC = Path(sys.executable).parent / "iurc"
DEMO_STAGES = {
    "sofia-sejong-2021": "matching",
    "dublin-seoul-2021": "kickoff",
    "tampere-gwangju-2019": "bilateral",
    "barcelona-busan-2019": "study_visit",
    "scottish-cities--suwon--2019": "action_plan",
    "rotterdam-busan-2021": "pilot",
    "eindhoven-seoul-2019": "follow_up",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text` (the test's data directory)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def pairings_json(env: dict[str, str]) -> list[dict[str, Any]] | None:
    result = subprocess.run(
        [str(IURC), "pairings", "--json"], env=env, capture_output=True, text=True, check=False
    )
    return json.loads(result.stdout) if result.returncode == 0 else None


def stages_of(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {row["pairing_id"]: row["stage"] for row in rows}


EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


async def addresses_in_histories(address: str) -> dict[str, list[bytes]]:
    """E-mail addresses found in the raw histories of every workflow, read without keys."""
    client = await Client.connect(address)
    found: dict[str, list[bytes]] = {}
    async for listed in client.list_workflows():
        history = await client.get_workflow_handle(listed.id, run_id=listed.run_id).fetch_history()
        raw = History(events=history.events).SerializeToString() + history.to_json().encode()
        hits = [match.group(0) for match in EMAIL.finditer(raw)]
        if hits:
            found[listed.id] = hits
    return found


def run_until_ctrl_c(env: dict[str, str], ui_port: int) -> tuple[list[dict[str, Any]], str]:
    """`make run`, wait for the demo pairings, check the UI, then Ctrl-C; rows and output."""
    stack = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        rows = None
        while time.monotonic() - started < 60:
            assert stack.poll() is None, stack.stdout.read().decode() if stack.stdout else ""
            rows = pairings_json(env)
            if rows is not None and stages_of(rows) == DEMO_STAGES:
                break
            time.sleep(1)
        assert rows is not None
        assert stages_of(rows) == DEMO_STAGES
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/", timeout=10) as page:
            assert page.status == 200
        temporal = f"127.0.0.1:{env['IURC_TEMPORAL_PORT']}"
        assert asyncio.run(addresses_in_histories(temporal)) == {}, "personal data in plaintext"
        os.killpg(stack.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output = stack.communicate(timeout=60)[0].decode()
        # make itself dies of the SIGINT, as in a terminal; what matters is that iurc up
        # finished its shutdown.
        assert output.rstrip().endswith("stopped"), output
        return rows, output
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()


def assert_nothing_left(data_dir: Path) -> None:
    deadline = time.monotonic() + 10
    while processes_mentioning(str(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(str(data_dir)) == []
    assert not (data_dir / "stack.json").exists()


def test_make_run_serves_the_demo_stops_cleanly_and_keeps_its_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "iurc-data"
    ui_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("IURC_")},
        "IURC_DATA_DIR": str(data_dir),
        "IURC_TEMPORAL_PORT": str(free_port()),
        "IURC_UI_PORT": str(ui_port),
    }
    rows, output = run_until_ctrl_c(env, ui_port)
    assert "Demo: 7 pairings loaded" in output
    assert_nothing_left(data_dir)

    again, output = run_until_ctrl_c(env, ui_port)
    assert "Demo: already loaded" in output, output
    versions = {row["pairing_id"]: row["version"] for row in rows}
    assert all(row["version"] >= versions[row["pairing_id"]] for row in again)
    assert_nothing_left(data_dir)
