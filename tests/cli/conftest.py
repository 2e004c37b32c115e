"""CLI tests: the real `iurc` app, in process, against a real Temporal dev server and PostgreSQL.

`services.run` calls `asyncio.run`, which cannot nest in the test's running loop, so every
invocation runs in a worker thread while the worker polls on the test's own loop. The CLI
finds Temporal, PostgreSQL and the worker's task queue through the same IURC_* variables
an operator would set; IURC_DATA_DIR points at an empty directory so a running `iurc up`
on the developer's machine is never picked up instead.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
import structlog
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from adapters.postgres.cities import import_profiles
from domain.profiles import ProfileFile
from iurc.cli.app import app
from iurc.cli.files import load_model
from iurc.wiring import build_worker
from tests.temporal_support import TEST_CODEC_KEYS, start_dev_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLOSED_PORT = "127.0.0.1:1"
"""Nothing listens on port 1: a connection there is refused at once."""


@dataclass
class Cli:
    """The `iurc` command with a fixed environment; `await cli("match", "--json")`."""

    env: dict[str, str]
    runner: CliRunner = field(default_factory=CliRunner)

    async def __call__(self, *args: str | Path, env: Mapping[str, str] | None = None) -> Result:
        argv = [str(arg) for arg in args]
        environment = {**self.env, **(env or {})}

        def invoke() -> Result:
            return self.runner.invoke(app, argv, env=environment)

        return await asyncio.to_thread(invoke)

    async def ok(self, *args: str | Path) -> Result:
        """Invoke and insist on exit code 0, showing what the command said if not."""
        result = await self(*args)
        assert result.exit_code == 0, f"iurc {' '.join(map(str, args))}: {result.output}"
        return result


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def cli_temporal() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server for the CLI tests, with the pairing search attributes registered."""
    async with await start_dev_server() as environment:
        yield environment


@pytest_asyncio.fixture(loop_scope="session")
async def task_queue(
    cli_temporal: WorkflowEnvironment, pg_pool: asyncpg.Pool
) -> AsyncIterator[str]:
    """A real worker on a task queue of the test's own, named so the CLI can be pointed at it.

    Built with `build_worker` rather than `running_worker`, which does not say its queue.
    The worker's logs are captured: its activities run while CliRunner has replaced
    sys.stdout, and structlog's default printer would write them into the command's output.
    """
    queue = f"cli-{uuid.uuid4()}"
    with structlog.testing.capture_logs():
        async with build_worker(cli_temporal.client, pg_pool, queue):
            yield queue


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    """The CLI against the session's database only: for commands that need no Temporal."""
    return Cli(
        env={
            "IURC_DATABASE_URL": database_url,
            "IURC_TEMPORAL_ADDRESS": CLOSED_PORT,
            "IURC_DATA_DIR": str(tmp_path / "iurc"),
            "IURC_CODEC_KEYS": TEST_CODEC_KEYS,
            "IURC_OPERATOR": "test-officer",
            "COLUMNS": "250",
        }
    )


@pytest_asyncio.fixture(loop_scope="session")
async def catalogue(pg_pool: asyncpg.Pool) -> None:
    """The example cities stored, as `iurc cities import examples/cities.yaml` stores them."""
    await import_profiles(pg_pool, load_model(EXAMPLES / "cities.yaml", ProfileFile).cities)


@pytest.fixture
def iurc(cli: Cli, cli_temporal: WorkflowEnvironment, task_queue: str, catalogue: None) -> Cli:
    """The CLI against Temporal, a worker and PostgreSQL with the example cities."""
    return Cli(
        env={
            **cli.env,
            "IURC_TEMPORAL_ADDRESS": cli_temporal.client.service_client.config.target_host,
            "IURC_TASK_QUEUE": task_queue,
        }
    )
