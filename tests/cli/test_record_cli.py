"""Recording what happened, with the `iurc` commands only, on a real Temporal and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import typer.main

from domain import events as ev
from iurc.cli.app import app
from iurc.cli.errors import EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE
from tests.cli.conftest import CLOSED_PORT, EXAMPLES, Cli
from tests.temporal_support import eventually

PLAN = EXAMPLES / "action_plan.yaml"
PLAN_WITHOUT_CIVIL_SOCIETY = EXAMPLES / "action_plan_no_civil_society.yaml"


async def view(cli: Cli, *args: str) -> dict[str, Any]:
    """Run a recording or read command with --json and return the pairing it prints."""
    result = await cli.ok(*args, "--json")
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


async def refused(cli: Cli, *args: str) -> str:
    """Run a command the domain must refuse; return what it said on stderr."""
    result = await cli(*args)
    assert result.exit_code == EXIT_REFUSED, f"iurc {' '.join(args)}: {result.output}"
    assert "refused:" in result.stderr
    return " ".join(result.stderr.split())


async def test_one_pairing_through_every_stage(iurc: Cli) -> None:
    pairing = "rotterdam-busan-2090"
    started = await view(iurc, "start", "rotterdam", "busan", "--cycle", "2090")
    assert (started["pairing_id"], started["stage"]) == (pairing, "matching")

    assert (await view(iurc, "confirm", pairing, "rotterdam"))["stage"] == "matching"
    assert (await view(iurc, "confirm", pairing, "busan"))["stage"] == "kickoff"

    kickoff_at = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    await iurc.ok(
        "meeting", "schedule", pairing, "--id", "kickoff", "--kind", "kickoff",
        "--at", kickoff_at, "--title", "Kick-off",
    )  # fmt: skip
    held = await view(iurc, "meeting", "record", pairing, "--id", "kickoff", "--kind", "kickoff")
    assert held["stage"] == "bilateral"

    await iurc.ok("meeting", "record", pairing, "--id", "bilateral-1", "--kind", "bilateral")
    twice = await refused(
        iurc, "meeting", "record", pairing, "--id", "bilateral-1", "--kind", "bilateral"
    )
    assert "meeting bilateral-1 was already recorded as held" in twice
    await iurc.ok("meeting", "record", pairing, "--id", "cluster-1", "--kind", "cluster_event")
    second = await view(
        iurc, "meeting", "record", pairing, "--id", "bilateral-2", "--kind", "bilateral",
        "--summary", "Agreed on a shared mobility data platform",
    )  # fmt: skip
    assert second["stage"] == "study_visit"

    today = datetime.now(UTC).date().isoformat()
    visited = await view(
        iurc, "visit", pairing, "--id", "busan-visit", "--host", "busan",
        "--from", today, "--to", today, "--summary", "Port and transit tour",
    )  # fmt: skip
    assert visited["stage"] == "action_plan"

    incomplete = await refused(iurc, "plan", "submit", pairing, str(PLAN_WITHOUT_CIVIL_SOCIETY))
    assert "it names no civil society stakeholder" in incomplete
    assert (await view(iurc, "plan", "submit", pairing, str(PLAN)))["plan_status"] == "submitted"
    too_early = await refused(
        iurc, "pilot", "fund", pairing, "--title", "Mobility data pilot", "--amount-eur", "150000"
    )
    assert "pilot funding needs an approved action plan" in too_early
    changes = await view(
        iurc, "plan", "request-changes", pairing, "--reason", "Add a budget per project"
    )
    assert changes["plan_status"] == "changes_requested"
    await iurc.ok("plan", "submit", pairing, str(PLAN))
    assert (await view(iurc, "plan", "approve", pairing))["stage"] == "pilot"

    await iurc.ok(
        "pilot", "fund", pairing, "--title", "Mobility data pilot", "--amount-eur", "150000"
    )
    await iurc.ok("pilot", "milestone", pairing, "--id", "m1", "--description", "Hubs procured")
    completed = await view(iurc, "pilot", "complete", pairing, "--summary", "Hubs run daily")
    assert completed["stage"] == "follow_up"
    await iurc.ok("followup", pairing, "--id", "q1", "--summary", "Quarterly call")

    status = await view(iurc, "status", pairing)
    assert status["stage"] == "follow_up"
    assert all(item["done"] for item in status["checklist"] if item["stage"] != "follow_up")

    table = (await iurc.ok("status", pairing)).stdout
    assert "follow up" in table
    history = (await iurc.ok("history", pairing)).stdout
    assert "FollowUpLogged" in history
    assert "programme_officer:test-officer" in history, "the history names the principal"


async def test_pause_resume_waive_and_withdraw(iurc: Cli) -> None:
    pairing = "sofia-sejong-2091"
    await iurc.ok("start", "sofia", "sejong", "--cycle", "2091")
    paused = await view(iurc, "pause", pairing, "--reason", "Municipal elections")
    assert (paused["status"], paused["next_deadline"]) == ("paused", None)
    as_operator = {"IURC_OPERATOR": "anna", "IURC_OPERATOR_ROLE": "operator"}
    result = await iurc("resume", pairing, "--json", env=as_operator)
    resumed = json.loads(result.stdout)
    assert resumed["status"] == "active"
    due = datetime.fromisoformat(resumed["next_deadline"]["due_at"])
    assert resumed["next_deadline"]["kind"] == "reminder"
    assert due - datetime.fromisoformat(resumed["last_activity_at"]) == timedelta(days=10.5)

    for city in ("sofia", "sejong"):
        await iurc.ok("confirm", pairing, city)
    await iurc.ok("meeting", "record", pairing, "--id", "kickoff", "--kind", "kickoff")
    essential = await refused(iurc, "waive", pairing, "kickoff", "--reason", "No time")
    assert "essential to the programme" in essential
    waived = await view(iurc, "waive", pairing, "bilateral", "--reason", "Travel restrictions")
    assert waived["stage"] == "study_visit"

    not_hers = await iurc("withdraw", pairing, "--reason", "Sejong left", env=as_operator)
    assert not_hers.exit_code == EXIT_REFUSED
    assert (
        "only the programme officer or the head of the secretariat may; this command came "
        "from operator anna" in " ".join(not_hers.stderr.split())
    )
    withdrawn = await view(iurc, "withdraw", pairing, "--reason", "Sejong left the programme")
    assert (withdrawn["stage"], withdrawn["status"]) == ("withdrawn", "withdrawn")
    for command in (
        ("confirm", pairing, "sofia"),
        ("resume", pairing),
        ("followup", pairing, "--id", "late"),
    ):
        closed = await refused(iurc, *command)
        assert pairing in closed
        assert "withdrawn" in closed or "no longer running" in closed


async def test_the_same_key_records_once(iurc: Cli) -> None:
    pairing = "eindhoven-seoul-2092"
    await iurc.ok("start", "eindhoven", "seoul", "--cycle", "2092")
    first = await view(iurc, "confirm", pairing, "seoul", "--key", "seoul-confirmed")
    again = await view(iurc, "confirm", pairing, "seoul", "--key", "seoul-confirmed")
    assert again["version"] == first["version"]


async def test_policy_changes_the_next_deadline(iurc: Cli) -> None:
    pairing = "dublin-seoul-2093"
    await iurc.ok("start", "dublin", "seoul", "--cycle", "2093")
    for city in ("dublin", "seoul"):
        await iurc.ok("confirm", pairing, city)

    shown = json.loads((await iurc.ok("policy", pairing, "--json")).stdout)
    assert shown["reminder_fraction"] == 0.5
    assert "kickoff" in (await iurc.ok("policy", pairing)).stdout

    await iurc.ok("policy", pairing, "--idle", "kickoff=10", "--idle", "pilot=90")
    status = await view(iurc, "status", pairing)
    last_activity = datetime.fromisoformat(status["last_activity_at"])
    deadline = status["next_deadline"]
    assert deadline["kind"] == "reminder"
    assert datetime.fromisoformat(deadline["due_at"]) == last_activity + timedelta(days=5)

    await iurc.ok("policy", pairing, "--reminder-fraction", "0.2")
    policy = json.loads((await iurc.ok("policy", pairing, "--json")).stdout)
    assert policy["reminder_fraction"] == 0.2
    assert policy["idle_limits"]["kickoff"] == "P10D", "unspecified values keep the pairing's own"
    status = await view(iurc, "status", pairing)
    due = datetime.fromisoformat(status["next_deadline"]["due_at"])
    assert due == datetime.fromisoformat(status["last_activity_at"]) + timedelta(days=2)


async def test_an_unknown_pairing_is_refused(iurc: Cli) -> None:
    for command in (
        ("confirm", "rotterdm-busan-2090", "busan"),
        ("status", "rotterdm-busan-2090"),
        ("policy", "rotterdm-busan-2090", "--idle", "kickoff=10"),
    ):
        assert "unknown pairing" in await refused(iurc, *command)


async def test_unreachable_temporal_exits_3_and_names_the_address(cli: Cli) -> None:
    result = await cli("confirm", "rotterdam-busan-2090", "busan")
    assert result.exit_code == EXIT_UNREACHABLE, result.output
    assert f"Temporal is not reachable at {CLOSED_PORT}" in " ".join(result.stderr.split())
    assert "iurc up" in result.stderr


async def test_usage_errors_exit_2_before_anything_is_contacted(cli: Cli) -> None:
    """The CLI fixture points at a closed Temporal port: a 2 here proves nothing was tried."""
    pairing = "rotterdam-busan-2090"
    cases: list[tuple[tuple[str, ...], str]] = [
        (("meeting", "record", pairing, "--id", "k", "--kind", "lunch"), "lunch"),
        (("meeting", "record", pairing, "--id", "k", "--kind", "kickoff", "--at",
          "2031-05-04T10:00"), "has no time zone"),
        (("meeting", "schedule", pairing, "--id", "k", "--kind", "kickoff", "--at",
          "tomorrow"), "not an ISO 8601 datetime"),
        (("meeting", "record", pairing, "--id", "kick off", "--kind", "kickoff"),
          "'kick off' is not usable"),
        (("confirm", pairing, "busan", "--key", "no spaces please"), "is not usable here"),
        (("visit", pairing, "--id", "v", "--host", "busan", "--from", "2031-02-30",
          "--to", "2031-03-01"), "not a date"),
        (("plan", "submit", pairing, str(EXAMPLES / "missing.yaml")), "missing.yaml: no such file"),
        (("plan", "submit", pairing, str(EXAMPLES / "cities.yaml")), "cities: Extra inputs"),
        (("pilot", "fund", pairing, "--title", "T", "--amount-eur", "0"), "amount-eur"),
        (("pilot", "fund", pairing, "--title", "T", "--amount-eur", "200000000"),
          "amount_eur: Input should be less than or equal to 100000000"),
        (("waive", pairing, "lunch", "--reason", "r"), "lunch"),
        (("policy", pairing, "--idle", "kickoff"), "STAGE=DAYS"),
        (("policy", pairing, "--idle", "completed=3"), "STAGE=DAYS"),
        (("policy", pairing, "--idle", "kickoff=-1"), "STAGE=DAYS"),
        (("policy", pairing, "--reminder-fraction", "1"), "between 0 and 1"),
    ]  # fmt: skip
    for args, message in cases:
        result = await cli(*args)
        assert result.exit_code == EXIT_USAGE, f"iurc {' '.join(args)}: {result.output}"
        assert message in " ".join(result.output.split()), result.output


async def test_every_command_has_an_example_in_its_help(cli: Cli) -> None:
    def paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        found = [prefix] if prefix else []
        for name, sub in getattr(command, "commands", {}).items():
            found += paths(sub, (*prefix, name))
        return found

    commands = paths(typer.main.get_command(app))
    for expected in ("confirm", "policy", "waive", "cities", "match"):
        assert (expected,) in commands
    assert ("meeting", "schedule") in commands
    assert ("plan", "request-changes") in commands
    for path in commands:
        result = await cli(*path, "--help")
        assert result.exit_code == 0, result.output
        assert "Example:" in result.stdout, f"iurc {' '.join(path)} --help has no example"


async def test_only_starting_a_pairing_needs_postgresql(iurc: Cli) -> None:
    """Reading a pairing and recording on it talk to Temporal alone: a database that is down
    stops `iurc start` (which reads the city catalogue) and nothing else."""
    pairing = "dublin-seoul-2091"
    await iurc.ok("start", "dublin", "seoul", "--cycle", "2091")
    no_database = {"IURC_DATABASE_URL": f"postgresql://{CLOSED_PORT}/nowhere"}
    at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    for args in (
        ("status", pairing),
        ("confirm", pairing, "dublin"),
        ("policy", pairing),
        ("policy", pairing, "--idle", "kickoff=40"),
        ("meeting", "schedule", pairing, "--id", "k1", "--kind", "kickoff", "--at", at),
        ("pause", pairing, "--reason", "Elections"),
    ):
        result = await iurc(*args, env=no_database)
        assert result.exit_code == 0, f"iurc {' '.join(args)}: {result.output}"
    refused = await iurc("start", "sofia", "sejong", "--cycle", "2091", env=no_database)
    assert refused.exit_code == EXIT_UNREACHABLE
    assert "PostgreSQL is not reachable" in refused.stderr


async def test_text_stored_with_control_characters_prints_harmlessly(
    iurc: Cli, pg_pool: asyncpg.Pool
) -> None:
    """A pause reason holding ESC ]0;...BEL ESC [2J retitled and cleared the reader's terminal."""
    pairing = "dublin-seoul-2092"
    await iurc.ok("start", "dublin", "seoul", "--cycle", "2092")
    refused = await iurc("pause", pairing, "--reason", "elections \x1b]0;owned\x07\x1b[2J")
    assert refused.exit_code == EXIT_USAGE
    assert "control character U+001B" in refused.output
    assert "\x1b" not in refused.output
    await eventually(
        lambda: pg_pool.fetchval("SELECT count(*) FROM events WHERE pairing_id = $1", pairing),
        lambda count: count == 1,
    )
    stored_before_the_rule = ev.PairingPaused(
        reason="elections \x1b]0;owned\x07\x1b[2J", occurred_at=datetime.now(UTC), actor="x"
    )
    await pg_pool.execute(
        "INSERT INTO events (pairing_id, sequence, type, schema_version, payload, occurred_at) "
        "VALUES ($1, 2, $2, 1, $3, $4)",
        pairing,
        stored_before_the_rule.type,
        stored_before_the_rule.model_dump(mode="json"),
        stored_before_the_rule.occurred_at,
    )
    history = (await iurc.ok("history", pairing)).stdout
    assert "\x1b" not in history
    assert "\x07" not in history
    assert "\\x1b]0;owned" in history


async def test_a_huge_argument_is_echoed_short(iurc: Cli) -> None:
    huge = "x" * 100_000
    for args in (
        ("meeting", "record", "dublin-seoul-2092", "--id", huge + " ", "--kind", "kickoff"),
        ("start", huge, "busan"),
        ("status", huge),
    ):
        result = await iurc(*args)
        assert result.exit_code != 0
        assert len(result.output) < 2_000, f"iurc {args[0]} echoed {len(result.output)} characters"
