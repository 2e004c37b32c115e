"""What every recording command shares: who sent it, its idempotency key, and how it is sent.

A command is built inside `services.run`, so a value the domain model refuses (a meeting id
with spaces) is a usage error (exit 2), and a command the pairing refuses is a refusal
(exit 1) with the domain's message. Times are checked here because the CLI is where a
person types them: a datetime without a time zone is refused rather than guessed, since
the two cities of a pairing are often nine hours apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer

from domain.commands import KEY_RULE, Command, is_key
from domain.text import shown
from domain.view import PairingView
from iurc.cli import render
from iurc.cli.output import emit
from iurc.cli.services import Services, run
from iurc.client import PairingClient

TIMEZONE_HINT = "add a time zone, e.g. 2031-05-04T10:00+09:00 or 2031-05-04T01:00Z"


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 datetime with its time zone; a naive one is refused, not assumed UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{shown(text)} is not an ISO 8601 datetime; {TIMEZONE_HINT}"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise typer.BadParameter(f"{shown(text)} has no time zone; {TIMEZONE_HINT}")
    return moment


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{shown(text)} is not a date such as 2031-05-04") from None


def parse_identifier(text: str) -> str:
    """An id or idempotency key as the domain accepts it, checked where it is typed."""
    if not is_key(text):
        raise typer.BadParameter(f"{shown(text)} is not usable here: {KEY_RULE}")
    return text


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in UTC: the day the domain compares reported dates with."""
    return datetime.now(UTC).date()


def day_option(flag: str, help_text: str) -> Any:
    """A calendar-day option (YYYY-MM-DD); Typer has no date type of its own."""
    return typer.Option(flag, parser=parse_date, metavar="DATE", help=help_text)


def id_option(help_text: str) -> Any:
    """`--id`: what the people involved call the thing recorded; recording it twice is refused."""
    return typer.Option("--id", parser=parse_identifier, help=help_text)


DateTimeOption = Annotated[
    datetime | None,
    typer.Option(
        "--at",
        parser=parse_datetime,
        metavar="ISO-DATETIME",
        help="When it happened, with a time zone (e.g. 2031-05-04T10:00+09:00). Default: now.",
        show_default=False,
    ),
]
ForCityOption = Annotated[
    str | None,
    typer.Option(
        "--for-city",
        help=(
            "Record it on behalf of this city of the pairing (as when the city reported it by "
            "e-mail); the history names you and the city."
        ),
        show_default=False,
    ),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        parser=parse_identifier,
        help=(
            "Idempotency key: sending the same key twice records once. Default: a fresh random key."
        ),
        show_default=False,
    ),
]


def send(
    pairing: str,
    build: Callable[[], Command],
    *,
    key: str | None,
    as_json: bool,
    for_city: str | None = None,
) -> None:
    """Build the command, record it on `pairing` as this installation's operator, and print
    the pairing as it now is.

    The command is built before anything is contacted: a bad value is a usage error even
    while Temporal is down.
    """

    async def command(services: Services) -> None:
        built = build()
        view = await _record(services, await services.pairings(), pairing, built, key, for_city)
        emit(view, as_json, render.pairing_view)

    run(command)


def send_with(
    pairing: str,
    build: Callable[[PairingClient], Awaitable[Command]],
    *,
    key: str | None,
    as_json: bool,
    for_city: str | None = None,
) -> None:
    """`send`, for a command built from the pairing's current state (its cities' clocks)."""

    async def command(services: Services) -> None:
        client = await services.pairings()
        built = await build(client)
        view = await _record(services, client, pairing, built, key, for_city)
        emit(view, as_json, render.pairing_view)

    run(command)


async def _record(  # noqa: PLR0917 - the private step of send and send_with, in their order
    services: Services,
    client: PairingClient,
    pairing: str,
    command: Command,
    key: str | None,
    for_city: str | None,
) -> PairingView:
    return await client.execute(
        pairing,
        command,
        principal=services.principal(),
        command_id=key or str(uuid.uuid4()),
        on_behalf_of=for_city,
    )
