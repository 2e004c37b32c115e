"""`iurc meeting schedule|record`: the kick-off, bilateral meetings and thematic cluster events.

A meeting is known by the id the people who run it give it (a calendar or meeting-platform
id), so scheduling and recording the same meeting meet in one entry, and recording it twice
is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from domain import commands as cmd
from domain.meetings import MeetingKind
from iurc.cli.output import JsonOption
from iurc.cli.pairings import PairingArgument
from iurc.cli.recording import (
    TIMEZONE_HINT,
    ActorOption,
    DateTimeOption,
    KeyOption,
    id_option,
    now,
    parse_datetime,
    send,
)

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
    actor: ActorOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Schedule a meeting up to two years ahead; it counts as activity on the pairing.

    A datetime without a time zone is refused: give one, as in the example.

    Example: `iurc meeting schedule rotterdam-busan-2021 --id kickoff --kind kickoff
    --at 2031-05-04T10:00+02:00 --title "Kick-off"`
    """
    send(
        pairing,
        lambda: cmd.ScheduleMeeting(
            meeting_id=meeting_id, meeting_kind=kind, scheduled_for=scheduled_for, title=title
        ),
        actor=actor,
        key=key,
        as_json=as_json,
    )


def record(
    pairing: PairingArgument,
    *,
    meeting_id: MeetingIdOption,
    kind: KindOption,
    held_at: DateTimeOption = None,
    summary: Annotated[str, typer.Option(help="What was agreed, in a few sentences.")] = "",
    actor: ActorOption = None,
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
        actor=actor,
        key=key,
        as_json=as_json,
    )
