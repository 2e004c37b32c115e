"""`iurc admin ...`: rare operator's moves that are not a pairing's own commands."""

from __future__ import annotations

import typer

from iurc.cli import render
from iurc.cli.output import JsonOption, emit
from iurc.cli.pairings import PairingArgument
from iurc.cli.services import Services, run


def register(app: typer.Typer) -> None:
    admin = typer.Typer(
        help=(
            "Operator's moves outside a pairing's life: recovering a parked pairing.\n\n"
            "Example: `iurc admin recover rotterdam-busan-2021`"
        ),
        no_args_is_help=True,
    )
    admin.command("recover")(recover)
    app.add_typer(admin, name="admin")


def recover(pairing: PairingArgument, as_json: JsonOption = False) -> None:
    """Make a parked pairing continue from what the event store holds.

    A pairing parks when the event store refuses its events (another writer stored a
    different event at the same place); the secretariat was told. Find out why first: the
    pairing then continues from the stored events, and what it had not stored is dropped
    (its senders were told it was refused). Only the programme officer or the head of the
    secretariat may.

    Example: `iurc admin recover rotterdam-busan-2021`
    """

    async def command(services: Services) -> None:
        view = await (await services.pairings()).recover(pairing, principal=services.principal())
        emit(view, as_json, render.pairing_view)

    run(command)
