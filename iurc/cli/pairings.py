"""Starting pairings and reading them: start, status, pairings, history, escalations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from adapters.postgres.event_store import load_events
from adapters.postgres.read_model import list_escalations, list_pairings
from domain.stages import Stage
from domain.text import shown
from domain.topics import Topic
from iurc.cli import render
from iurc.cli.output import JsonOption, emit
from iurc.cli.services import Services, errors, run
from iurc.client import UnknownPairingError

PairingArgument = Annotated[
    str,
    typer.Argument(help="The pairing id, `<eu-city>-<partner-city>-<cycle>`.", show_default=False),
]


def register(app: typer.Typer) -> None:
    app.command("start")(start)
    app.command("status")(status)
    app.command("pairings")(pairings)
    app.command("history")(history)
    app.command("escalations")(escalations)


def start(
    eu_city: Annotated[str, typer.Argument(help="Slug of the EU city, e.g. rotterdam.")],
    partner_city: Annotated[str, typer.Argument(help="Slug of the partner city, e.g. busan.")],
    cycle: Annotated[int, typer.Option(help="Programme cycle (year).")] = datetime.now(UTC).year,
    topics: Annotated[
        list[Topic] | None,
        typer.Option(
            "--topic", help="A topic of cooperation; repeat it. Default: shared interests."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Start a pairing in the matching stage.

    Example: `iurc start rotterdam busan --cycle 2021 --topic smart_urban_mobility`
    """

    async def command(services: Services) -> None:
        client = await services.starter()
        view = await client.start(
            eu_city, partner_city, cycle=cycle, now=datetime.now(UTC), topics=topics or ()
        )
        profiles = await services.profiles()
        for city in (eu_city, partner_city):
            if not any(person.focal_point for person in profiles[city].stakeholders):
                errors.print(
                    f"[yellow]warning:[/] {city} has no focal point: its reminders go to the "
                    "secretariat until one is added (`iurc stakeholders add "
                    f"{view.pairing_id} ... --city {city} --focal-point`)"
                )
        emit(view, as_json, render.pairing_view)

    run(command)


def status(pairing: PairingArgument, as_json: JsonOption = False) -> None:
    """Show a pairing: stage checklist, last activity, staleness and next deadline.

    Example: `iurc status rotterdam-busan-2021`
    """

    async def command(services: Services) -> None:
        view = await (await services.pairings()).view(pairing)
        emit(view, as_json, render.pairing_view)

    run(command)


def pairings(
    stage: Annotated[Stage | None, typer.Option(help="Only pairings in this stage.")] = None,
    stale: Annotated[
        bool | None, typer.Option("--stale/--not-stale", help="Only stale (or only healthy) ones.")
    ] = None,
    city: Annotated[str | None, typer.Option(help="Only pairings with this city.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List pairings from the read model.

    Example: `iurc pairings --stale` or `iurc pairings --stage pilot --json`
    """

    async def command(services: Services) -> None:
        rows = await list_pairings(await services.pool(), stage=stage, stale=stale, city=city)
        emit(rows, as_json, render.pairing_rows)

    run(command)


def history(pairing: PairingArgument, as_json: JsonOption = False) -> None:
    """Every event of a pairing, in order, from the event store.

    Example: `iurc history rotterdam-busan-2021`
    """

    async def command(services: Services) -> None:
        events = await load_events(await services.pool(), pairing)
        if not events:
            raise UnknownPairingError(
                f"unknown pairing {shown(pairing)}: no events are stored for it"
            )
        emit(events, as_json, render.history)

    run(command)


def escalations(
    open_only: Annotated[bool, typer.Option("--open", help="Only escalations still open.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Escalations to the secretariat, open and closed.

    Example: `iurc escalations --open`
    """

    async def command(services: Services) -> None:
        rows = await list_escalations(await services.pool(), open_only=open_only)
        emit(rows, as_json, render.escalation_rows)

    run(command)
