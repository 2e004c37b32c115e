"""`iurc up` and `iurc worker`: the long-running commands."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from iurc.cli.errors import EXIT_USAGE
from iurc.codec_server import DEFAULT_PORT
from iurc.settings import Settings
from iurc.shutdown import stop_on_signals
from iurc.stack.runtime import StackRuntime
from iurc.stack.up import run_stack
from iurc.wiring import configure_process, run_worker

console = Console(stderr=True, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("worker")(worker)


def up(
    *,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the seed's seven pairings at different stages.")
    ] = False,
    port: Annotated[
        int, typer.Option(envvar="IURC_TEMPORAL_PORT", help="Temporal frontend port.")
    ] = 7233,
    ui_port: Annotated[
        int, typer.Option(envvar="IURC_UI_PORT", help="Temporal Web UI port.")
    ] = 8233,
    codec_port: Annotated[
        int,
        typer.Option(
            envvar="IURC_CODEC_PORT",
            help="Port of the codec server the Web UI decrypts payloads through (127.0.0.1).",
        ),
    ] = DEFAULT_PORT,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where the stack keeps its data (default: $IURC_DATA_DIR or .iurc)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="Worker log level on the console.")] = "warning",
) -> None:
    """Run the whole service on this machine: Temporal dev server with its Web UI, PostgreSQL
    (embedded unless IURC_DATABASE_URL is set) and the worker. Ctrl-C stops all of it.

    Data stays in the data directory, so the next `iurc up` finds the same pairings. Payloads
    are always encrypted: with IURC_CODEC_KEYS if set, else with a key made on the first run
    and kept in the data directory (owner-only); a codec server on 127.0.0.1 (--codec-port)
    lets the Web UI show them decrypted. With
    --demo, the seed's pairings run under a policy counted in minutes: reminders and
    escalations happen within a few minutes.

    Example: `iurc up --demo`, then in another terminal `iurc pairings`
    """
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    configure_process(
        settings,
        log_format=settings.log_format if settings.log_format != "auto" else "console",
        level=log_level,
    )

    def report(step: str) -> None:
        console.print(f"[dim]·[/] {step}")

    def ready(runtime: StackRuntime, loaded: list[str]) -> None:
        demo_line = (
            f"\nDemo: {len(loaded)} pairings loaded; the one in matching is reminded within "
            "2 minutes and escalated within 4."
            if loaded
            else ("\nDemo: already loaded in this data directory." if demo else "")
        )
        payloads_line = (
            f"Codec server     {runtime.codec_url} (the Web UI decrypts payloads through it)"
            if runtime.codec_url
            else "Payloads         not encrypted (IURC_CODEC_KEYS is not set)"
        )
        console.print(
            Panel.fit(
                f"[bold]IURC service is up.[/]\n"
                f"Temporal Web UI  [link={runtime.ui_url}]{runtime.ui_url}[/link]\n"
                f"Temporal         {runtime.temporal_address}\n"
                f"{payloads_line}\n"
                f"Data             {settings.data_dir.resolve()}{demo_line}\n\n"
                "Try, in another terminal:\n"
                "  iurc pairings\n"
                "  iurc status rotterdam-busan-2021\n"
                "  iurc pairings --stale        (after a few minutes)\n"
                "  iurc escalations --open\n"
                f'In the UI, search: IurcStale = true   or   IurcStage = "pilot"\n\n'
                "Ctrl-C stops everything.",
                title="iurc up",
            )
        )

    async def main() -> None:
        await run_stack(
            settings,
            port=port,
            ui_port=ui_port,
            codec_port=codec_port,
            demo=demo,
            stop=stop_on_signals(),
            report=report,
            on_ready=ready,
        )

    try:
        asyncio.run(main())
    except OSError as unusable:
        console.print(f"[bold red]cannot start:[/] {unusable}")
        raise typer.Exit(EXIT_USAGE) from None


def worker() -> None:
    """Run the worker alone, against the Temporal and PostgreSQL in IURC_* settings; the same
    as `python worker.py`. SIGINT or SIGTERM stops it gracefully.

    Example: `IURC_TEMPORAL_ADDRESS=temporal:7233 IURC_DATABASE_URL=postgresql://... iurc worker`
    """
    settings = Settings()
    configure_process(settings)

    async def main() -> None:
        await run_worker(settings, stop_on_signals())

    asyncio.run(main())
