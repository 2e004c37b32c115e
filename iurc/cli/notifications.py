"""`iurc notifications`: what the service told whom (by audience), and what failed and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

import typer
from rich.table import Table
from rich.text import Text

from adapters.postgres.read_model import NotificationRow, list_notifications
from domain.text import shown
from iurc.cli.output import JsonOption, emit
from iurc.cli.render import plain
from iurc.cli.services import Services, run

Status = Literal["pending", "retrying", "sent", "failed"]
STYLES = {"sent": "green", "pending": "yellow", "retrying": "bold yellow", "failed": "bold red"}


def register(app: typer.Typer) -> None:
    app.command("notifications")(notifications)


def notifications(
    pairing: Annotated[str | None, typer.Option(help="Only this pairing's notifications.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="Only those with this status: pending, retrying, sent or failed."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The notification outbox: reminders, escalations and the rest, with delivery status,
    attempts and the last error. Recipients' names and addresses are not shown.

    Example: `iurc notifications --status retrying`
    """
    if status is not None and status not in STYLES:
        raise typer.BadParameter(
            f"{shown(status)}: use one of {', '.join(STYLES)}", param_hint="--status"
        )

    async def command(services: Services) -> None:
        rows = await list_notifications(await services.pool(), pairing_id=pairing)
        chosen = [row for row in rows if status is None or row.status == status]
        emit(chosen, as_json, _table)

    run(command)


def _table(rows: Sequence[NotificationRow]) -> Table:
    table = Table(title=f"{len(rows)} notifications")
    for column in (
        "created (UTC)",
        "pairing",
        "kind",
        "audience",
        "status",
        "attempts",
        "last error",
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            f"{row.created_at:%Y-%m-%d %H:%M}",
            row.pairing_id,
            row.kind,
            row.audience.value,
            Text(row.status, style=STYLES.get(row.status, "")),
            str(row.attempts),
            plain(row.last_error or ""),
        )
    return table
