"""Recording what happened to a pairing: one command per thing the secretariat learns.

Each command sends one domain command as a Temporal update and prints the pairing as it is
afterwards. This module holds the commands of one line each and the secretariat's own
moves (pause, resume, withdraw, waive); meetings, the action plan and the pilot, and the
staleness policy have modules of their own.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from domain import commands as cmd
from domain.stages import WAIVABLE, Stage
from iurc.cli import meetings, plan, policy
from iurc.cli.output import JsonOption
from iurc.cli.pairings import PairingArgument
from iurc.cli.sending import (
    DateTimeOption,
    ForCityOption,
    KeyOption,
    day_option,
    id_option,
    now,
    send,
)

CityArgument = Annotated[str, typer.Argument(help="Slug of one of the pairing's two cities.")]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why, in a sentence the history will keep.")
]
SummaryOption = Annotated[str, typer.Option(help="What came of it, in a few sentences.")]


def register(app: typer.Typer) -> None:
    for name, command in (
        ("confirm", confirm),
        ("visit", visit),
        ("followup", followup),
        ("pause", pause),
        ("resume", resume),
        ("withdraw", withdraw),
        ("waive", waive),
    ):
        app.command(name)(command)
    meetings.register(app)
    plan.register(app)
    policy.register(app)


def confirm(
    pairing: PairingArgument,
    city: CityArgument,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a city confirmed its participation; with both, the pairing moves to kick-off.

    Example: `iurc confirm rotterdam-busan-2021 busan`
    """
    send(
        pairing,
        lambda: cmd.ConfirmParticipation(city=city),
        key=key,
        as_json=as_json,
    )


def visit(
    pairing: PairingArgument,
    *,
    visit_id: Annotated[str, id_option("An id of the visit, e.g. busan-2031.")],
    host: Annotated[str, typer.Option(help="Slug of the city that hosted the visit.")],
    started_on: Annotated[date, day_option("--from", "First day of the visit.")],
    ended_on: Annotated[date, day_option("--to", "Last day of the visit.")],
    summary: SummaryOption = "",
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a completed study visit; the pairing moves on to its action plan.

    Record it once it has ended: dates in the future are refused.

    Example: `iurc visit rotterdam-busan-2021 --id busan-2031 --host busan
    --from 2031-04-02 --to 2031-04-05`
    """
    send(
        pairing,
        lambda: cmd.CompleteStudyVisit(
            visit_id=visit_id,
            host_city=host,
            started_on=started_on,
            ended_on=ended_on,
            summary=summary,
        ),
        for_city=for_city,
        key=key,
        as_json=as_json,
    )


def followup(
    pairing: PairingArgument,
    *,
    follow_up_id: Annotated[str, id_option("An id of the follow-up, e.g. 2032-q1.")],
    held_at: DateTimeOption = None,
    summary: SummaryOption = "",
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Log a follow-up contact after the pilot: the follow-up stage expects one every 90 days.

    A datetime without a time zone is refused: give one, as in the example.

    Example: `iurc followup rotterdam-busan-2021 --id 2032-q1 --at 2032-03-10T09:00+01:00`
    """
    send(
        pairing,
        lambda: cmd.LogFollowUp(
            follow_up_id=follow_up_id, held_at=held_at or now(), summary=summary
        ),
        for_city=for_city,
        key=key,
        as_json=as_json,
    )


def pause(
    pairing: PairingArgument,
    reason: ReasonOption,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pause a pairing: no reminders or escalations until it is resumed.

    Example: `iurc pause rotterdam-busan-2021 --reason "Municipal elections until June"`
    """
    send(pairing, lambda: cmd.Pause(reason=reason), key=key, as_json=as_json)


def resume(
    pairing: PairingArgument,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resume a paused pairing; its staleness clock starts again from now.

    Example: `iurc resume rotterdam-busan-2021`
    """
    send(pairing, cmd.Resume, key=key, as_json=as_json)


def withdraw(
    pairing: PairingArgument,
    reason: ReasonOption,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw a pairing for good: it accepts no further commands.

    Example: `iurc withdraw sofia-sejong-2021 --reason "Sejong left the programme"`
    """
    send(pairing, lambda: cmd.Withdraw(reason=reason), key=key, as_json=as_json)


def waive(
    pairing: PairingArgument,
    stage: Annotated[
        Stage,
        typer.Argument(
            help="The current stage; one of: " + ", ".join(sorted(s.value for s in WAIVABLE)) + ".",
            show_default=False,
        ),
    ],
    *,
    reason: ReasonOption,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Waive the pairing's current stage with a reason, so it moves on without it.

    Only bilateral, study_visit, pilot and follow_up can be waived.

    Example: `iurc waive rotterdam-busan-2021 study_visit --reason "Travel restrictions"`
    """
    send(
        pairing,
        lambda: cmd.WaiveStage(stage=stage, reason=reason),
        key=key,
        as_json=as_json,
    )
