"""`iurc stakeholders list|add|remove|focal`: the people of one pairing, each change recorded.

A pairing starts with the people of its two cities' profiles; these commands change them
afterwards, as recorded commands. The table shows names and roles, never e-mail addresses
(personal data); `--json`, for scripts, carries them. A removed person is forgotten by the
pairing: its history keeps their ref, city, helix and role, not their name or address.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import RenderableType
from rich.table import Table

from domain import commands as cmd
from domain.stakeholders import Helix, Stakeholder
from domain.state import PairingState
from iurc.cli.output import JsonOption, out, to_json
from iurc.cli.pairings import PairingArgument
from iurc.cli.render import plain
from iurc.cli.sending import KeyOption, send
from iurc.cli.services import Services, run

RefArgument = Annotated[
    str, typer.Argument(help="The stakeholder's ref in this pairing, e.g. busan-2.")
]


def register(app: typer.Typer) -> None:
    people = typer.Typer(
        help=(
            "The people of a pairing: who takes part for each city, and who its focal points "
            "are (they receive the reminders).\n\n"
            "Example: `iurc stakeholders list rotterdam-busan-2021`"
        ),
        no_args_is_help=True,
    )
    people.command("list")(list_stakeholders)
    people.command("add")(add)
    people.command("remove")(remove)
    people.command("focal")(focal)
    app.add_typer(people, name="stakeholders")


def list_stakeholders(pairing: PairingArgument, as_json: JsonOption = False) -> None:
    """List a pairing's stakeholders by ref, with their city, role and helix.

    Example: `iurc stakeholders list rotterdam-busan-2021`
    """

    async def command(services: Services) -> None:
        state = await (await services.pairings()).state(pairing)
        if as_json:
            typer.echo(to_json(state.stakeholders))
        else:
            out.print(_table(state))

    run(command)


def add(
    pairing: PairingArgument,
    *,
    name: Annotated[str, typer.Option(help="Full name, as the person writes it.")],
    email: Annotated[str, typer.Option(help="E-mail address the reminders go to.")],
    city: Annotated[str, typer.Option(help="Slug of the city they take part for.")],
    helix: Annotated[Helix, typer.Option(help="Which of the four helices they belong to.")],
    role: Annotated[str, typer.Option(help="Their role, e.g. 'urban planner'.")] = "member",
    language: Annotated[
        str, typer.Option(help="ISO 639-1 code of the language they read, e.g. ko.")
    ] = "en",
    focal_point: Annotated[
        bool, typer.Option("--focal-point", help="Make them a focal point of their city.")
    ] = False,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a person to a pairing, for one of its two cities.

    Example: `iurc stakeholders add rotterdam-busan-2021 --name "Ji-woo Park"
    --email ji-woo.park@busan.example.org --city busan --helix government --language ko
    --focal-point`
    """
    send(
        pairing,
        lambda: cmd.AddStakeholder(
            stakeholder=Stakeholder(
                name=name,
                email=email,
                city=city,
                helix=helix,
                role=role,
                language=language,
                focal_point=focal_point,
            )
        ),
        key=key,
        as_json=as_json,
    )


def remove(
    pairing: PairingArgument, ref: RefArgument, key: KeyOption = None, as_json: JsonOption = False
) -> None:
    """Take a person off a pairing; the pairing forgets their name and e-mail address.

    Example: `iurc stakeholders remove rotterdam-busan-2021 busan-2`
    """
    send(pairing, lambda: cmd.RemoveStakeholder(ref=ref), key=key, as_json=as_json)


def focal(
    pairing: PairingArgument,
    ref: RefArgument,
    on: Annotated[
        bool, typer.Option("--on/--off", help="Make them a focal point, or stop them being one.")
    ] = True,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a stakeholder a focal point of their city (they receive the reminders), or not.

    Example: `iurc stakeholders focal rotterdam-busan-2021 busan-2 --on`
    """
    send(
        pairing,
        lambda: cmd.ChangeFocalPoint(ref=ref, focal_point=on),
        key=key,
        as_json=as_json,
    )


def _table(state: PairingState) -> RenderableType:
    table = Table(title=f"{len(state.stakeholders)} stakeholders of {state.pairing_id}")
    for column in ("ref", "city", "name", "role", "helix", "language", "focal point"):
        table.add_column(column)
    for ref, person in state.stakeholders.items():
        table.add_row(
            ref,
            person.city,
            plain(person.name),
            plain(person.role),
            person.helix.label,
            person.language,
            "yes" if person.focal_point else "",
        )
    for city in sorted(state.cities):
        if not state.focal_points(city):
            table.caption = (table.caption or "") + f"{city} has no focal point. "
    return table
