"""The worker as operators run it (`python worker.py`, `iurc worker`): migrates, serves, stops."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.server import drop_database, ensure_database
from domain import commands as cmd
from domain.catalog import SEED_PROFILES
from iurc.client import PairingClient
from tests.principals import OFFICER
from tests.temporal_support import TEST_CODEC_KEYS, ensure_seed_catalogue

ROOT = Path(__file__).resolve().parent.parent.parent


async def read_until(
    stream: asyncio.StreamReader, event: str, within: float = 30
) -> list[dict[str, object]]:
    """JSON log lines up to and including the first whose event is `event`."""
    lines: list[dict[str, object]] = []
    async with asyncio.timeout(within):
        while True:
            raw = await stream.readline()
            if not raw:
                raise AssertionError(f"worker exited before logging {event!r}: {lines}")
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            lines.append(line)
            if line.get("event") == event:
                return lines


WORKER_COMMANDS = {
    "python worker.py": [sys.executable, str(ROOT / "worker.py")],
    "iurc worker": [str(Path(sys.executable).parent / "iurc"), "worker"],
}


@pytest.mark.parametrize(
    ("command", "stop_signal"),
    [("python worker.py", signal.SIGTERM), ("iurc worker", signal.SIGINT)],
    ids=["python-worker.py-SIGTERM", "iurc-worker-SIGINT"],
)
async def test_worker_migrates_serves_and_stops_gracefully(
    dev_env: WorkflowEnvironment, admin_url: str, command: str, stop_signal: signal.Signals
) -> None:
    name = f"iurc_worker_{os.getpid()}_{secrets.token_hex(4)}"
    database_url = await ensure_database(admin_url, name)
    task_queue = f"worker-process-{uuid.uuid4()}"
    process = await asyncio.create_subprocess_exec(
        *WORKER_COMMANDS[command],
        cwd=ROOT,
        env={
            **os.environ,
            "IURC_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
            "IURC_DATABASE_URL": database_url,
            "IURC_TASK_QUEUE": task_queue,
            "IURC_LOG_FORMAT": "json",
            "IURC_CODEC_KEYS": TEST_CODEC_KEYS,
        },
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        started = await read_until(process.stderr, "worker started")
        assert any(line.get("event") == "migrations applied" for line in started)
        connection = await asyncpg.connect(database_url)
        try:
            tables = {
                r["tablename"] for r in await connection.fetch("SELECT tablename FROM pg_tables")
            }
            assert {"events", "pairings", "escalations", "notifications"} <= tables

            await ensure_seed_catalogue(connection)
            pairings = PairingClient(dev_env.client, task_queue=task_queue, catalog=SEED_PROFILES)
            cycle = 2040 + (stop_signal == signal.SIGINT)
            view = await pairings.start("sofia", "sejong", cycle=cycle, now=datetime.now(UTC))
            await pairings.execute(
                view.pairing_id, cmd.ConfirmParticipation(city="sofia"), principal=OFFICER
            )
            stored = await connection.fetchval(
                "SELECT count(*) FROM events WHERE pairing_id = $1", view.pairing_id
            )
            assert stored == 2
        finally:
            await connection.close()

        process.send_signal(stop_signal)
        stopped = await read_until(process.stderr, "worker stopped")
        assert any(line.get("event") == "worker stopping" for line in stopped)
        assert await asyncio.wait_for(process.wait(), timeout=15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await drop_database(admin_url, name)
