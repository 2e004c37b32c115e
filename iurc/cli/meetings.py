"""`iurc meeting schedule|record`: the kick-off, bilateral meetings and thematic cluster events.

A meeting is known by the id the people who run it give it (a calendar or meeting-platform
id), so scheduling and recording the same meeting meet in one entry, and recording it twice
is refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.markup import escape
from rich.table import Table

from domain import commands as cmd
from domain.cities import City
from domain.meetings import MeetingKind
from domain.timezones import local_times, outside_office_hours, shared_office_hours
from iurc.cli.output import JsonOption, emit
from iurc.cli.pairings import PairingArgument
from iurc.cli.sending import (
    TIMEZONE_HINT,
    DateTimeOption,
    ForCityOption,
    KeyOption,
    day_option,
    id_option,
    now,
    parse_datetime,
    send,
    send_with,
    today,
)
from iurc.cli.services import Services, errors, run
from iurc.client import PairingClient

MeetingIdOption = Annotated[str, id_option("The meeting's id, e.g. its calendar or Zoom id.")]
KindOption = Annotated[MeetingKind, typer.Option("--kind", help="What kind of meeting.")]


def register(app: typer.Typer) -> None:
    meeting = typer.Typer(
        help=(
            "Schedule meetings and record them once held.\n\n"
            "Example: `iurc meeting record rotterdam-busan-2021 --id kickoff --kind kickoff`"
        ),
        no_args_is_help=True,
    )
    meeting.command("schedule")(schedule)
    meeting.command("record")(record)
    meeting.command("suggest")(suggest)
    app.add_typer(meeting, name="meeting")


def schedule(
    pairing: PairingArgument,
    *,
    meeting_id: MeetingIdOption,
    kind: KindOption,
    scheduled_for: Annotated[
        datetime,
        typer.Option(
            "--at",
            parser=parse_datetime,
            metavar="ISO-DATETIME",
            help=f"When it will take place; {TIMEZONE_HINT}.",
            show_default=False,
        ),
    ],
    title: Annotated[str, typer.Option(help="A title people recognise.")] = "",
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Schedule a meeting up to two years ahead; it counts as activity on the pairing.

    A datetime without a time zone is refused: give one, as in the example.

    Example: `iurc meeting schedule rotterdam-busan-2021 --id kickoff --kind kickoff
    --at 2031-05-04T10:00+02:00 --title "Kick-off"`
    """

    async def build(client: PairingClient) -> cmd.Command:
        state = await client.state(pairing)
        warn_outside_office_hours(scheduled_for, state.eu_city, state.partner_city)
        return cmd.ScheduleMeeting(
            meeting_id=meeting_id, meeting_kind=kind, scheduled_for=scheduled_for, title=title
        )

    send_with(pairing, build, for_city=for_city, key=key, as_json=as_json)


def suggest(
    pairing: PairingArgument,
    on: Annotated[date | None, day_option("--on", "First day to look at. Default: today.")] = None,
    days: Annotated[int, typer.Option(min=1, max=31, help="How many working days.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Suggest meeting windows inside both cities' office hours (09:00-18:00 local).

    For Rotterdam and Busan in summer that is 09:00-11:00 CEST, which is 16:00-18:00 KST:
    the EU-Korea kick-off on record was at 10:00 CEST = 17:00 KST.

    Example: `iurc meeting suggest rotterdam-busan-2021 --on 2031-05-04`
    """

    async def command(services: Services) -> None:
        state = await (await services.pairings()).state(pairing)
        first = on or today()
        windows: list[MeetingWindow] = []
        day = first
        while len(windows) < days:
            if day.weekday() < 5:
                window = shared_office_hours(state.eu_city, state.partner_city, day)
                windows.append(
                    MeetingWindow(
                        day=day,
                        starts_at=window[0] if window else None,
                        ends_at=window[1] if window else None,
                        local_times=(
                            local_times(window[0], (state.eu_city, state.partner_city))
                            + " to "
                            + local_times(window[1], (state.eu_city, state.partner_city))
                            if window
                            else "no office hours in common"
                        ),
                    )
                )
            day += timedelta(days=1)
        emit(windows, as_json, _windows_table)

    run(command)


class MeetingWindow(BaseModel):
    day: date
    starts_at: datetime | None
    ends_at: datetime | None
    local_times: str


def _windows_table(windows: list[MeetingWindow]) -> Table:
    table = Table(title="Windows inside both cities' office hours")
    table.add_column("day")
    table.add_column("UTC")
    table.add_column("local times")
    for window in windows:
        utc = (
            f"{window.starts_at.astimezone(UTC):%H:%M}-{window.ends_at.astimezone(UTC):%H:%M}"
            if window.starts_at and window.ends_at
            else "—"
        )
        table.add_row(f"{window.day:%a %Y-%m-%d}", utc, window.local_times)
    return table


def warn_outside_office_hours(moment: datetime, *cities: City) -> None:
    """Say so on stderr when the time is outside a city's office hours; scheduling goes on.

    A time so near year 1 or 9999 that a city's local time falls outside the calendar gets
    no warning: the pairing refuses it anyway, and says why.
    """
    try:
        closed = outside_office_hours(moment, cities)
    except OverflowError:
        return
    if closed:
        names = ", ".join(city.name for city in closed)
        errors.print(
            f"[yellow]warning:[/] {escape(local_times(moment, cities))} is outside office hours "
            f"in {escape(names)}; `iurc meeting suggest` lists times that suit both cities."
        )


def record(
    pairing: PairingArgument,
    *,
    meeting_id: MeetingIdOption,
    kind: KindOption,
    held_at: DateTimeOption = None,
    summary: Annotated[str, typer.Option(help="What was agreed, in a few sentences.")] = "",
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a meeting that took place; the kick-off and two bilateral meetings move stages.

    Use the id it was scheduled under, if it was. A datetime without a time zone is refused.

    Example: `iurc meeting record rotterdam-busan-2021 --id bilateral-1 --kind bilateral
    --summary "Agreed on mobility data"`
    """
    send(
        pairing,
        lambda: cmd.RecordMeeting(
            meeting_id=meeting_id,
            meeting_kind=kind,
            held_at=held_at or now(),
            summary=summary,
        ),
        for_city=for_city,
        key=key,
        as_json=as_json,
    )
