"""The CLI reads encrypted pairings with the worker's keys, and says what is missing without."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from domain import commands as cmd
from domain.stakeholders import Helix
from iurc.cli.app import app
from iurc.journey import stakeholder
from tests.principals import OFFICER
from tests.temporal_support import TEST_CODEC_KEYS, running_worker

OTHER_KEY = "other:" + base64.b64encode(bytes(range(7, 39))).decode()


async def iurc(*argv: str, env: dict[str, str]) -> Result:
    """In a thread: the CLI runs its own event loop."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(argv), env=env)


async def test_iurc_status_needs_the_workers_keys(
    privacy_env: WorkflowEnvironment,
    pg_pool: asyncpg.Pool,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("IURC_CODEC_KEYS", raising=False)  # CliRunner only adds variables
    env = {
        "IURC_TEMPORAL_ADDRESS": privacy_env.client.service_client.config.target_host,
        "IURC_DATABASE_URL": database_url,
        "IURC_DATA_DIR": str(tmp_path / "iurc"),
        "COLUMNS": "250",
    }
    async with running_worker(privacy_env.client, pg_pool) as pairings:
        view = await pairings.start("sofia", "sejong", cycle=2033, now=datetime.now(UTC))
        person = cmd.AddStakeholder(stakeholder=stakeholder("sejong", Helix.ACADEMIA))
        await pairings.execute(view.pairing_id, person, principal=OFFICER)

        same = await iurc(
            "status", view.pairing_id, env={**env, "IURC_CODEC_KEYS": TEST_CODEC_KEYS}
        )
        assert same.exit_code == 0, same.output
        assert "stage matching" in same.output

        none = await iurc("status", view.pairing_id, env=env)
        assert none.exit_code == 2, none.output
        assert "the payloads are encrypted and IURC_CODEC_KEYS is not set" in " ".join(
            none.output.split()
        )

        other = await iurc("status", view.pairing_id, env={**env, "IURC_CODEC_KEYS": OTHER_KEY})
        assert other.exit_code == 2, other.output
        assert "encrypted with key 'test-2', which is not in the key ring" in " ".join(
            other.output.split()
        )
