"""`iurc policy`: read or change the staleness policy of a running pairing.

Only the values given are sent, and the pairing merges them into the policy it has when
the command is recorded: a pairing tuned earlier keeps its tuning, and two changes of
different parts made at the same time both take effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import RenderableType
from rich.table import Table

from domain import commands as cmd
from domain.policy import StalenessPolicy
from domain.stages import OPEN_STAGES, Stage
from domain.text import shown
from iurc.cli.output import JsonOption, emit
from iurc.cli.pairings import PairingArgument
from iurc.cli.sending import KeyOption, send
from iurc.cli.services import Services, run

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class IdleLimit:
    """One `--idle STAGE=DAYS`: how long `stage` may stay quiet before it is stale."""

    stage: Stage
    limit: timedelta


def parse_idle_limit(text: str) -> IdleLimit:
    stages = ", ".join(stage.value for stage in OPEN_STAGES)
    name, separator, days = text.partition("=")
    try:
        stage = Stage(name.strip())
        limit = _days_span(float(days))
    except ValueError:
        stage, limit = None, None
    if not separator or stage not in OPEN_STAGES or limit is None:
        raise typer.BadParameter(
            f"{shown(text)} is not STAGE=DAYS with a positive, finite number of days "
            f"(e.g. kickoff=30); stages: {stages}"
        )
    return IdleLimit(stage, limit)


def _days_span(days: float) -> timedelta | None:
    """`days` as a timedelta; None unless positive and finite (inf and 1e12 overflow one)."""
    if not days > 0:
        return None
    try:
        return timedelta(days=days)
    except OverflowError:
        return None


def _fraction(value: float | None) -> float | None:
    if value is not None and not 0 < value < 1:
        raise typer.BadParameter(f"{value:g} is not between 0 and 1 (exclusive)")
    return value


def _positive(value: float | None) -> float | None:
    if value is not None and _days_span(value) is None:
        raise typer.BadParameter(f"{value:g} is not a positive, finite number of days")
    return value


def register(app: typer.Typer) -> None:
    app.command("policy")(policy)


def policy(
    pairing: PairingArgument,
    *,
    idle: Annotated[
        list[IdleLimit] | None,
        typer.Option(
            "--idle",
            parser=parse_idle_limit,
            metavar="STAGE=DAYS",
            help="Idle limit of a stage in days (fractions allowed); repeat for more stages.",
            show_default=False,
        ),
    ] = None,
    reminder_fraction: Annotated[
        float | None,
        typer.Option(
            help="Remind at this fraction of the idle limit, between 0 and 1 (default: 0.5).",
            callback=_fraction,
            show_default=False,
        ),
    ] = None,
    follow_up_days: Annotated[
        float | None,
        typer.Option(
            help="Length of the follow-up period in days.", callback=_positive, show_default=False
        ),
    ] = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a pairing's staleness policy, or change parts of it; the rest stays as it is.

    Reminders come at the fraction of a stage's idle limit, escalations at 1x and 2x of it.
    The new policy applies at once: the next deadline is recomputed from the last activity.

    Example: `iurc policy rotterdam-busan-2021 --idle kickoff=45 --reminder-fraction 0.3`
    """
    if not idle and reminder_fraction is None and follow_up_days is None:
        _show(pairing, as_json)
        return

    send(
        pairing,
        lambda: cmd.ChangePolicy(
            idle_limits={item.stage: item.limit for item in idle or ()},
            reminder_fraction=reminder_fraction,
            follow_up_period=None if follow_up_days is None else timedelta(days=follow_up_days),
        ),
        key=key,
        as_json=as_json,
    )


def _show(pairing: str, as_json: bool) -> None:
    async def command(services: Services) -> None:
        state = await (await services.pairings()).state(pairing)
        emit(state.policy, as_json, _policy_table)

    run(command)


def _policy_table(current: StalenessPolicy) -> RenderableType:
    table = Table(
        title=(
            f"reminder at {current.reminder_fraction:g} of the idle limit; follow-up period "
            f"{_days(current.follow_up_period)} days"
        )
    )
    for column in ("stage", "idle limit (days)", "reminder", "escalation 1", "escalation 2"):
        table.add_column(column)
    for stage in OPEN_STAGES:
        limit = current.idle_limit(stage)
        table.add_row(
            stage.label,
            _days(limit),
            f"after {_days(limit * current.reminder_fraction)} d",
            f"after {_days(limit)} d",
            f"after {_days(limit * 2)} d",
        )
    return table


def _days(span: timedelta) -> str:
    return f"{span.total_seconds() / SECONDS_PER_DAY:g}"
