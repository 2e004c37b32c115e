"""`iurc plan submit|request-changes|approve` and `iurc pilot fund|milestone|complete`.

The Urban Cooperative Action Plan arrives as a file (YAML or JSON) because it is a document
the two cities write together; the CLI only checks that it parses into an ActionPlan, and
the domain judges whether it is complete (all four helices, a project, a decision-making
mechanism, a dated roadmap). The pilot is funded only on an approved plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from domain import commands as cmd
from domain.action_plan import ActionPlan
from iurc.cli.files import load_model
from iurc.cli.output import JsonOption
from iurc.cli.pairings import PairingArgument
from iurc.cli.sending import ForCityOption, KeyOption, day_option, id_option, send, today


def register(app: typer.Typer) -> None:
    plan = typer.Typer(
        help=(
            "Submit the Urban Cooperative Action Plan, ask for changes, approve it.\n\n"
            "Example: `iurc plan submit rotterdam-busan-2021 examples/action_plan.yaml`"
        ),
        no_args_is_help=True,
    )
    plan.command("submit")(submit)
    plan.command("request-changes")(request_changes)
    plan.command("approve")(approve)
    app.add_typer(plan, name="plan")

    pilot = typer.Typer(
        help=(
            "Record the pilot project: its funding, its milestones, its completion.\n\n"
            'Example: `iurc pilot fund rotterdam-busan-2021 --title "Mobility data pilot" '
            "--amount-eur 150000`"
        ),
        no_args_is_help=True,
    )
    pilot.command("fund")(fund)
    pilot.command("milestone")(milestone)
    pilot.command("complete")(complete)
    app.add_typer(pilot, name="pilot")


def submit(
    pairing: PairingArgument,
    file: Annotated[
        Path,
        typer.Argument(
            help="The plan as YAML or JSON: title, stakeholders (with city and helix), "
            "projects, decision_making, roadmap (title and due_on).",
            show_default=False,
        ),
    ],
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit the action plan for review; an incomplete plan is refused with what it lacks.

    Example: `iurc plan submit rotterdam-busan-2021 examples/action_plan.yaml`
    """
    send(
        pairing,
        lambda: cmd.SubmitActionPlan(plan=load_model(file, ActionPlan)),
        for_city=for_city,
        key=key,
        as_json=as_json,
    )


def request_changes(
    pairing: PairingArgument,
    reason: Annotated[str, typer.Option("--reason", help="What the cities should change.")],
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send the submitted plan back to the cities with what to change; they submit it again.

    Example: `iurc plan request-changes rotterdam-busan-2021 --reason "Add a budget per project"`
    """
    send(
        pairing,
        lambda: cmd.RequestActionPlanChanges(reason=reason),
        key=key,
        as_json=as_json,
    )


def approve(
    pairing: PairingArgument,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve the submitted plan; the pairing moves to its pilot project.

    Example: `iurc plan approve rotterdam-busan-2021`
    """
    send(pairing, cmd.ApproveActionPlan, key=key, as_json=as_json)


def fund(
    pairing: PairingArgument,
    *,
    title: Annotated[str, typer.Option(help="The pilot project's title.")],
    amount_eur: Annotated[int, typer.Option(help="Funding in whole euros.", min=1)],
    funder: Annotated[str, typer.Option(help="Who funds it.")] = "IURC",
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the pilot project's funding; refused until the action plan is approved.

    Example: `iurc pilot fund rotterdam-busan-2021 --title "Mobility data pilot"
    --amount-eur 150000`
    """
    send(
        pairing,
        lambda: cmd.FundPilot(title=title, amount_eur=amount_eur, funder=funder),
        key=key,
        as_json=as_json,
    )


def milestone(
    pairing: PairingArgument,
    *,
    milestone_id: Annotated[str, id_option("An id of the milestone, e.g. m1.")],
    description: Annotated[str, typer.Option(help="What was reached.")],
    reached_on: Annotated[
        date | None, day_option("--on", "The day it was reached. Default: today (UTC).")
    ] = None,
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report a milestone the running pilot reached.

    Example: `iurc pilot milestone rotterdam-busan-2021 --id m1
    --description "Data platform procured"`
    """
    send(
        pairing,
        lambda: cmd.ReportPilotMilestone(
            milestone_id=milestone_id, description=description, reached_on=reached_on or today()
        ),
        for_city=for_city,
        key=key,
        as_json=as_json,
    )


def complete(
    pairing: PairingArgument,
    summary: Annotated[str, typer.Option(help="What the pilot achieved.")] = "",
    for_city: ForCityOption = None,
    key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the pilot project as completed; the pairing moves to follow-up.

    Example: `iurc pilot complete rotterdam-busan-2021 --summary "Platform live in both cities"`
    """
    send(
        pairing,
        lambda: cmd.CompletePilot(summary=summary),
        for_city=for_city,
        key=key,
        as_json=as_json,
    )
