"""`iurc cities`, `iurc cities import` and `iurc match` against the real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.postgres.migrate import migrate
from domain.catalog import SEED_CATALOG
from iurc.cli.errors import EXIT_UNREACHABLE, EXIT_USAGE
from tests.cli.conftest import CLOSED_PORT, EXAMPLES, Cli

CITIES = EXAMPLES / "cities.yaml"


async def test_import_the_example_cities_then_list_them(cli: Cli) -> None:
    imported = await cli.ok("cities", "import", CITIES, "--json")
    counts = json.loads(imported.stdout)
    assert counts["added"] + counts["updated"] == len(SEED_CATALOG)

    again = await cli.ok("cities", "import", CITIES)
    assert f"0 added, {len(SEED_CATALOG)} updated" in again.stdout

    table = (await cli.ok("cities")).stdout
    assert "rotterdam" in table
    assert "Scottish Cities Alliance" in table
    assert "Europe/Amsterdam" in table
    assert "partner" in table
    assert "@" not in table, "the table must never show stakeholders' e-mail addresses"

    profiles = json.loads((await cli.ok("cities", "--json")).stdout)
    by_slug = {profile["city"]["slug"]: profile for profile in profiles}
    assert set(by_slug) == set(SEED_CATALOG)
    rotterdam = by_slug["rotterdam"]
    assert rotterdam["city"]["is_eu"] is True
    assert {person["helix"] for person in rotterdam["stakeholders"]} >= {"government", "academia"}


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "bad_topic.yaml",
            "cities:\n  - {slug: lyon, name: Lyon, country: FR, is_eu: true, languages: [fr],\n"
            "     timezone: Europe/Paris, interests: [good_food]}\n",
            "cities > #1 > city > interests",
        ),
        (
            "bad_email.json",
            json.dumps(
                {
                    "cities": [
                        {
                            "slug": "lyon",
                            "name": "Lyon",
                            "country": "FR",
                            "is_eu": True,
                            "languages": ["fr"],
                            "timezone": "Europe/Paris",
                            "stakeholders": [
                                {"name": "X", "email": "not-an-address", "helix": "business"}
                            ],
                        }
                    ]
                }
            ),
            "stakeholders > #1 > email",
        ),
        ("broken.yaml", "cities: [ {slug: lyon", "not valid YAML"),
        ("broken.json", '{"cities": [', "not valid JSON"),
        ("empty.yaml", "", "the file"),
    ],
)
async def test_an_invalid_profile_file_exits_2_naming_the_file_and_the_problem(
    cli: Cli, tmp_path: Path, name: str, text: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = await cli("cities", "import", path)
    assert result.exit_code == EXIT_USAGE, result.output
    assert str(path) in result.stderr
    assert problem in result.stderr


async def test_a_missing_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = await cli("cities", "import", tmp_path / "nowhere.yaml")
    assert result.exit_code == EXIT_USAGE
    assert "nowhere.yaml: no such file" in result.stderr


async def test_match_ranks_tampere_gwangju_first_and_shows_the_frictions(cli: Cli) -> None:
    await cli.ok("cities", "import", CITIES)

    suggestions = json.loads((await cli.ok("match", "--on", "2031-01-15", "--json")).stdout)
    assert (suggestions[0]["eu_city"], suggestions[0]["partner_city"]) == ("tampere", "gwangju")
    sofia_sejong = next(
        s for s in suggestions if (s["eu_city"], s["partner_city"]) == ("sofia", "sejong")
    )
    assert sofia_sejong["needs_interpretation"] is True
    assert sofia_sejong["common_languages"] == []

    table = (await cli.ok("match", "--on", "2031-01-15")).stdout
    sofia_row = next(line for line in table.splitlines() if "sofia" in line and "sejong" in line)
    assert "interpretation needed" in sofia_row
    assert table.index("tampere") < table.index("sofia")

    top_two = json.loads((await cli.ok("match", "--limit", "2", "--json")).stdout)
    assert len(top_two) == 2


async def test_an_empty_catalogue_says_how_to_import(cli: Cli, empty_database_url: str) -> None:
    await migrate(empty_database_url)
    for command in ("cities", "match"):
        result = await cli(command, env={"IURC_DATABASE_URL": empty_database_url})
        assert result.exit_code == 0, result.output
        assert "iurc cities import" in result.stderr


async def test_an_unreachable_database_exits_3_naming_postgresql(cli: Cli) -> None:
    env = {"IURC_DATABASE_URL": f"postgresql://postgres@{CLOSED_PORT}/iurc"}
    for command in ("pairings", "cities"):
        result = await cli(command, env=env)
        assert result.exit_code == EXIT_UNREACHABLE, result.output
        assert "PostgreSQL is not reachable at" in result.stderr
        assert CLOSED_PORT in result.stderr


async def test_a_bad_option_value_exits_2(cli: Cli) -> None:
    assert (await cli("match", "--on", "next tuesday")).exit_code == EXIT_USAGE
    assert (await cli("match", "--limit", "0")).exit_code == EXIT_USAGE


async def test_a_profile_naming_places_or_languages_that_do_not_exist_is_refused_whole(
    cli: Cli, tmp_path: Path
) -> None:
    """A made-up zone was imported, then broke `iurc match` and the pairing that held it."""
    path = tmp_path / "cities.yaml"
    path.write_text(
        "cities:\n"
        "  - slug: olympus\n    name: Olympus\n    country: XX\n    is_eu: true\n"
        "    languages: [xx]\n    timezone: Mars/Olympus_Mons\n"
        "  - slug: valletta\n    name: Valletta\n    country: MT\n    is_eu: true\n"
        "    languages: [mt, en]\n    timezone: Europe/Malta\n",
        encoding="utf-8",
    )
    refused = await cli("cities", "import", str(path))
    assert refused.exit_code == EXIT_USAGE
    said = " ".join(refused.output.split())
    assert "nothing imported" in said
    assert "olympus: country 'XX' is no ISO 3166-1 code" in said
    assert "olympus: time zone 'Mars/Olympus_Mons' is not in the IANA database" in said
    assert "olympus: language 'xx' is no ISO 639-1 code" in said
    assert "valletta" not in (await cli.ok("cities")).stdout
