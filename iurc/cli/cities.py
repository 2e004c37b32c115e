"""The city catalogue: `iurc cities`, `iurc cities import FILE`, and `iurc match`.

Pairings are started from the cities stored here, so importing profiles is the first thing
a new programme does. Stakeholders are personal data: the table counts them and never shows
their e-mail addresses; only `--json`, meant for scripts that move profiles, carries them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from adapters.postgres.cities import import_profiles, list_profiles
from domain.matching import Suggestion, suggest_pairs
from domain.profiles import CityProfile, ProfileFile
from iurc.cli import alignment
from iurc.cli.errors import UnreachableError, UsageError
from iurc.cli.files import load_model
from iurc.cli.output import JsonOption, emit, out
from iurc.cli.render import plain
from iurc.cli.sending import day_option, today
from iurc.cli.services import Services, errors, run
from iurc.geography import profile_problems

FEW_OFFICE_HOURS = 2.0
"""Below this many shared office hours a day, meetings need someone to come in early or late."""

EMPTY_HINT = (
    "The city catalogue is empty. Import city profiles first, e.g. "
    "`iurc cities import examples/cities.yaml`."
)


def register(app: typer.Typer) -> None:
    cities = typer.Typer()
    cities.callback(invoke_without_command=True)(list_cities)
    cities.command("import")(import_cities)
    app.add_typer(cities, name="cities")
    app.command("match")(match)


def list_cities(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the city profiles pairings can be started with, or import more (`cities import`).

    Example: `iurc cities` or `iurc cities --json`
    """
    if ctx.invoked_subcommand is not None:
        return

    async def command(services: Services) -> None:
        profiles = await list_profiles(await services.pool())
        if not profiles:
            _say_empty(as_json)
            return
        emit(profiles, as_json, _profile_table)

    run(command)


def import_cities(
    file: Annotated[
        Path,
        typer.Argument(
            help="Profiles as YAML or JSON: `cities:` with slug, name, country, is_eu, "
            "languages, timezone, interests and stakeholders.",
            show_default=False,
        ),
    ],
    apply: Annotated[
        bool | None,
        typer.Option(
            "--apply/--no-apply",
            help="Bring the open pairings whose people differ from the new profiles in line "
            "(recorded commands), or only list them. Default: ask when run in a terminal.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add city profiles or replace those with the same slug, all of the file or none of it.

    Open pairings keep the people they started with: those of the imported cities whose
    people now differ from the profiles are listed, with what would bring them in line.

    Example: `iurc cities import examples/cities.yaml`
    """

    async def command(services: Services) -> None:
        profiles = load_model(file, ProfileFile)
        problems = profile_problems(profiles.cities)
        if problems:
            listed = "".join(f"\n  - {problem}" for problem in problems[:20])
            more = f"\n  (and {len(problems) - 20} more)" if len(problems) > 20 else ""
            raise UsageError(f"{file}: nothing imported:{listed}{more}")
        added, updated = await import_profiles(await services.pool(), profiles.cities)
        try:
            found = await alignment.drifts(services, profiles.cities) if updated else []
        except UnreachableError as unreachable:  # the import itself is done
            errors.print(
                f"[yellow]note:[/] open pairings were not compared with the new profiles: "
                f"{escape(str(unreachable))}"
            )
            found = []
        applied = bool(found) and alignment.should_apply(None if as_json else apply)
        sent = await alignment.align(services, found) if applied else 0
        result = {
            "file": str(file),
            "added": added,
            "updated": updated,
            "differing": [
                {"pairing": d.pairing_id, "city": d.city, "changes": d.describe()} for d in found
            ],
            "commands_sent": sent,
        }
        if as_json:
            emit(result, as_json, lambda _: Text(""))
            return
        out.print(f"Imported {file}: {added} added, {updated} updated.")
        if found:
            out.print(alignment.drift_table(found))
            out.print(
                f"Sent {sent} commands: they are in line now."
                if applied
                else "Left as they are; `iurc cities import FILE --apply` brings them in line."
            )

    run(command)


def match(
    on: Annotated[
        date | None,
        day_option(
            "--on",
            "Day whose office hours are compared (daylight saving time). Default: today (UTC).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many suggestions.", min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Suggest EU x partner pairings from the catalogue, best first, with their frictions.

    Ranked by shared topics, then shared thematic clusters; a common working language adds a
    little. "interpretation needed" means the two cities share no language; office hours
    (09:00-18:00 local) that overlap less than 2 hours a day are highlighted.

    Example: `iurc match --limit 5` or `iurc match --on 2031-01-15 --json`
    """

    async def command(services: Services) -> None:
        catalog = await services.catalog()
        if not catalog:
            _say_empty(as_json)
            return
        suggestions = suggest_pairs(catalog.values(), on or today())[:limit]
        if as_json:
            typer.echo(_suggestions_json(suggestions))
        else:
            out.print(_suggestion_table(suggestions))

    run(command)


def _say_empty(as_json: bool) -> None:
    if as_json:
        typer.echo("[]")
    errors.print(EMPTY_HINT)


def _profile_table(profiles: Sequence[CityProfile]) -> RenderableType:
    table = Table(title=f"{len(profiles)} cities")
    for column in ("slug", "name", "country", "side", "languages", "time zone", "interests"):
        table.add_column(column)
    table.add_column("stakeholders", justify="right")
    for profile in profiles:
        city = profile.city
        table.add_row(
            city.slug,
            plain(city.name),  # people's text, not Rich markup
            city.country,
            "EU" if city.is_eu else "partner",
            ", ".join(city.languages),
            city.timezone,
            ", ".join(sorted(topic.value for topic in city.interests)),
            str(len(profile.stakeholders)),
        )
    return table


def _suggestion_table(suggestions: Sequence[Suggestion]) -> RenderableType:
    table = Table(title=f"{len(suggestions)} suggested pairings, best first")
    for column in ("EU city", "partner city", "shared topics", "shared clusters", "languages"):
        table.add_column(column)
    table.add_column("office hours", justify="right")
    table.add_column("score", justify="right")
    for suggestion in suggestions:
        hours = suggestion.office_hours_overlap
        table.add_row(
            suggestion.eu_city,
            suggestion.partner_city,
            ", ".join(topic.value for topic in suggestion.shared_topics) or "—",
            ", ".join(cluster.value.replace("_", " ") for cluster in suggestion.shared_clusters),
            (
                Text("interpretation needed", style="yellow")
                if suggestion.needs_interpretation
                else ", ".join(suggestion.common_languages)
            ),
            Text(f"{hours:g} h", style="bold red" if hours < FEW_OFFICE_HOURS else ""),
            f"{suggestion.score:g}",
        )
    return table


def _suggestions_json(suggestions: Sequence[Suggestion]) -> str:
    """The suggestions with their derived score and friction, which scripts sort and filter on."""
    rows = [
        suggestion.model_dump(mode="json")
        | {"score": suggestion.score, "needs_interpretation": suggestion.needs_interpretation}
        for suggestion in suggestions
    ]
    return json.dumps(rows, indent=2)
