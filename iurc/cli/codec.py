"""`iurc codec-server` and `iurc codec-keygen`: payload encryption for operators."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from iurc.cli.errors import EXIT_USAGE
from iurc.codec import CodecKeyError, new_key_line
from iurc.codec_server import DEFAULT_PORT, CodecServerError, app_for, origins, serve_codec
from iurc.logs import configure_logging
from iurc.settings import Settings
from iurc.shutdown import stop_on_signals

console = Console(stderr=True, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("codec-server")(codec_server)
    app.command("codec-keygen")(codec_keygen)


def _cannot_start(reason: str) -> typer.Exit:
    console.print(f"[bold red]cannot start:[/] {escape(reason)}")
    return typer.Exit(EXIT_USAGE)


def codec_server(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
    host: Annotated[
        str, typer.Option(help="Address to listen on; other than loopback it needs a token.")
    ] = "127.0.0.1",
) -> None:
    """Decode payloads for the Temporal Web UI and CLI with the worker's keys (IURC_CODEC_KEYS).

    In the Web UI, set the "Codec Server endpoint" to the printed URL. Requests must carry
    `Authorization: Bearer $IURC_CODEC_SERVER_TOKEN` when that is set; browsers may call it
    from IURC_CODEC_SERVER_CORS_ORIGIN (default http://127.0.0.1:8233). Ctrl-C stops it.

    Example: `iurc codec-server --port 8081`, then
    `temporal workflow show -w pairing-rotterdam-busan-2026 --codec-endpoint http://127.0.0.1:8081`
    """
    try:
        settings = Settings()
        app = app_for(settings, host)
    except ValidationError as invalid:
        raise _cannot_start(
            "; ".join(str(error["msg"]) for error in invalid.errors(include_url=False))
        ) from None
    except CodecServerError as refused:
        raise _cannot_start(str(refused)) from None
    configure_logging(settings.log_format, settings.log_level)

    def ready(url: str) -> None:
        console.print(
            f"Codec server on [bold]{url}[/] for {', '.join(sorted(origins(settings)))}"
            + (" (bearer token required)" if settings.codec_server_token else "")
            + ". Ctrl-C stops it."
        )

    async def main() -> None:
        await serve_codec(app, host=host, port=port, stop=stop_on_signals(), on_ready=ready)

    try:
        asyncio.run(main())
    except OSError as unusable:
        raise _cannot_start(str(unusable)) from None


def codec_keygen(
    key_id: Annotated[
        str | None,
        typer.Option("--id", help="The key's id (default: k and today's date, e.g. k20260115)."),
    ] = None,
) -> None:
    """Print a new random AES-256 key as one IURC_CODEC_KEYS entry: `<id>:<base64>`.

    Add it to IURC_CODEC_KEYS on every process first, then make it IURC_CODEC_ACTIVE_KEY
    (README, "Personal data"). The key is printed once and stored nowhere.

    Example: `iurc codec-keygen --id k2026` prints `k2026:` and 44 characters of base64
    """
    try:
        line = new_key_line(key_id or f"k{datetime.now(UTC):%Y%m%d}")
    except CodecKeyError as invalid:
        console.print(f"[bold red]invalid input:[/] {escape(str(invalid))}")
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(line)
