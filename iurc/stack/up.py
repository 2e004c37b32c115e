"""`iurc up`: PostgreSQL, the Temporal dev server and the worker under one process.

Everything lives in the data directory (the dev server's SQLite file, the embedded
PostgreSQL's data), so a second `iurc up` finds the pairings of the first. Stopping is the
reverse of starting, in a `finally`, so Ctrl-C leaves no process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from pydantic import SecretStr
from temporalio.client import Client

from adapters.postgres.cities import import_profiles, list_profiles, load_profiles
from adapters.postgres.event_store import create_pool
from adapters.postgres.migrate import migrate
from domain.catalog import SEED_PROFILES
from iurc.client import PairingClient
from iurc.codec_server import app_for, listening
from iurc.demo import demo_profiles, load_demo
from iurc.settings import Settings
from iurc.stack.keys import ensure_stack_keys, key_path
from iurc.stack.runtime import StackRuntime, remove_runtime, write_runtime
from iurc.stack.temporal_server import TemporalDevServer
from iurc.temporal import connect, register_search_attributes
from iurc.wiring import configured_worker, database

Report = Callable[[str], None]
CODEC_HOST = "127.0.0.1"


async def run_stack(
    settings: Settings,
    *,
    port: int,
    ui_port: int,
    codec_port: int,
    demo: bool,
    stop: asyncio.Event,
    report: Report,
    on_ready: Callable[[StackRuntime, list[str]], None],
) -> None:
    """Bring the stack up, call `on_ready`, wait for `stop`, then take it all down."""
    settings = _encrypted(settings, report)
    where = "configured" if settings.database_url else f"embedded, {settings.data_dir}/postgres"
    report(f"starting PostgreSQL ({where})")
    async with (
        database(settings) as url,
        ui_codec_server(settings, port=codec_port, ui_port=ui_port, report=report) as codec_url,
    ):
        await migrate(url)
        pool = await create_pool(url)
        server = TemporalDevServer(
            settings.data_dir / "temporal",
            port=port,
            ui_port=ui_port,
            ui_codec_endpoint=codec_url,
        )
        try:
            report(f"starting the Temporal dev server on {server.address} (UI {server.ui_url})")
            await server.start()
            here = settings.model_copy(
                update={"temporal_address": server.address, "database_url": SecretStr(url)}
            )
            client = await _connect_when_healthy(here)
            await register_search_attributes(client)
            if not await list_profiles(pool):
                seed = demo_profiles() if demo else tuple(SEED_PROFILES.values())
                await import_profiles(pool, seed)
            runtime = StackRuntime(
                pid=os.getpid(),
                temporal_address=server.address,
                ui_url=server.ui_url,
                database_url=url,
                codec_url=codec_url,
            )
            write_runtime(settings.data_dir, runtime)
            worker = configured_worker(here, client, pool)
            async with worker:
                config = worker.config()
                report(
                    f"worker polling task queue {config['task_queue']}, keeping up to "
                    f"{config.get('max_cached_workflows')} pairings in memory"
                )
                loaded: list[str] = []
                if demo:
                    report("loading the demo programme")
                    pairings = PairingClient(
                        client, task_queue=settings.task_queue, catalog=await load_profiles(pool)
                    )
                    loaded = await load_demo(pairings, datetime.now(UTC))
                on_ready(runtime, loaded)
                await stop.wait()
                report("stopping: worker")
        finally:
            remove_runtime(settings.data_dir)
            report("stopping: Temporal dev server")
            await server.stop()
            await pool.close()
            report("stopping: PostgreSQL")
    report("stopped")


def _encrypted(settings: Settings, report: Report) -> Settings:
    """`settings` with payload keys: the configured ones, or the data folder's own."""
    if settings.codec_keys is not None:
        return settings
    histories = (settings.data_dir / "temporal" / "temporal.db").exists()
    line, admit = ensure_stack_keys(settings.data_dir, histories_exist=histories)
    report(f"payloads encrypted with the key in {key_path(settings.data_dir)}")
    if admit:
        report(
            "this data folder holds histories from before it was encrypted: plaintext payloads "
            "are still read (start from an empty data folder to stop that)"
        )
    return settings.model_copy(
        update={
            "codec_keys": SecretStr(line),
            "codec_admit_plaintext": settings.codec_admit_plaintext or admit,
        }
    )


@contextlib.asynccontextmanager
async def ui_codec_server(
    settings: Settings, *, port: int, ui_port: int, report: Report
) -> AsyncIterator[str | None]:
    """The codec server the Web UI decodes payloads through; None when payloads are not encrypted.

    Without it an operator sees only ciphertext in the UI. It listens on loopback and asks for
    no token: the browser calls it from the UI's page on this machine, and the UI has no way to
    send our token. Only the local UI's origins may call it from a browser.
    """
    if settings.codec_keys is None:
        yield None
        return
    local = settings.model_copy(
        update={
            "codec_server_token": None,
            "codec_server_cors_origin": (
                f"http://{CODEC_HOST}:{ui_port}, http://localhost:{ui_port}"
            ),
        }
    )
    async with contextlib.AsyncExitStack() as serving:
        try:
            url = await serving.enter_async_context(
                listening(app_for(local, CODEC_HOST), host=CODEC_HOST, port=port)
            )
        except OSError as taken:
            raise OSError(
                f"the codec server cannot listen on {CODEC_HOST}:{port} "
                f"({taken.strerror or taken}); stop what uses it, or choose another port with "
                "--codec-port"
            ) from None
        report(f"codec server on {url}: the Web UI decrypts payloads through it")
        yield url


async def _connect_when_healthy(settings: Settings, within: float = 60.0) -> Client:
    """The dev server opens its port before its frontend is healthy; retry until it is."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        try:
            return await connect(settings)
        except RuntimeError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.2)
