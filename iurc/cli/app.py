"""The `iurc` command: one Typer app, its commands registered from one module per area."""

from __future__ import annotations

import typer

from iurc.cli import (
    admin,
    cities,
    codec,
    lifecycle,
    notifications,
    pairings,
    stack,
    stakeholders,
    whoami,
)

app = typer.Typer(
    name="iurc",
    help=(
        "Run the IURC city-pairing programme: start pairings, record what happened, see what "
        "is stale.\n\nExit codes: 0 done; 1 refused (the message says why); 2 usage error; "
        "3 Temporal or PostgreSQL unreachable."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

for area in (
    stack,
    whoami,
    cities,
    pairings,
    lifecycle,
    stakeholders,
    notifications,
    admin,
    codec,
):
    area.register(app)


def main() -> None:
    app()
