"""Bad input at scale through the `iurc` CLI: refused (1), invalid (2), or recorded once (0).

Hypothesis generates argument lists for the recording commands (bad dates and ids, unknown
pairings and cities, huge text, odd unicode, absurd policies, missing and unknown options)
and runs them in process with CliRunner against the real dev server, a worker and
PostgreSQL, as `tests/cli` does. Whatever it types, `iurc`

- exits 1 with `refused:` and the domain's message, or 2 with `invalid input:` or a usage
  message, or 0 having recorded the command exactly once (the same line again records
  nothing more);
- never raises (no traceback), and never exits 3 while Temporal and PostgreSQL are up;
- leaves every workflow without a failed workflow task.

The real console script is run too, for what only a process shows: argv bytes that are not
UTF-8.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from domain import commands as cmd
from domain.ids import workflow_id
from iurc.cli.app import app
from iurc.journey import journey
from tests.reliability import strategies as gen
from tests.reliability.bad_input_fixtures import (
    JOURNEY_STEPS,
    BadInputStack,
    Started,
    assert_all_histories_clean,
    assert_history_clean,
    bad_input_stack,
    start_at_stage,
    stored_rows,
    tally,
    trace,
)
from tests.temporal_support import TEST_CODEC_KEYS

pytestmark = pytest.mark.reliability

PAIRINGS_TAG = "k"
"""This module's pairings have an EU city named like `rotterdam-k17`: no other test's."""
IURC = Path(sys.executable).parent / "iurc"
ODD_PAIRINGS = (
    "rotterdam-busan-1999",
    "nope",
    "",
    "x" * 5000,
    "Rotterdam-Busan-2080",
    "rotterdam-busan-2080\x00",
    "rotterdam-busan-2080\udcff",
    "\u202erotterdam-busan-2080",
)
"""Pairings no one started, or that no pairing id can be."""


@dataclass
class Cli:
    """`iurc` in process, in a worker thread (it runs its own event loop), with a fixed env."""

    env: dict[str, str]
    runner: CliRunner

    async def __call__(self, argv: Sequence[str]) -> Result:
        return await asyncio.to_thread(self.runner.invoke, app, list(argv), env=self.env)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(database_url: str) -> AsyncIterator[BadInputStack]:
    async with bad_input_stack(database_url, PAIRINGS_TAG) as running:
        yield running


@pytest.fixture(scope="module")
def cli_env(
    stack: BadInputStack, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """What an operator would set; IURC_DATA_DIR is empty, so no running `iurc up` is found."""
    return {
        "IURC_DATABASE_URL": database_url,
        "IURC_TEMPORAL_ADDRESS": stack.env.client.service_client.config.target_host,
        "IURC_TASK_QUEUE": stack.task_queue,
        "IURC_DATA_DIR": str(tmp_path_factory.mktemp("iurc")),
        "IURC_CODEC_KEYS": TEST_CODEC_KEYS,
        "COLUMNS": "250",
    }


@pytest.fixture(scope="module")
def iurc(cli_env: dict[str, str]) -> Cli:
    return Cli(env=cli_env, runner=CliRunner())


@pytest_asyncio.fixture(loop_scope="session")
async def clean_histories(stack: BadInputStack) -> AsyncIterator[None]:
    """After each test: every run it started is healthy, with no failed workflow task."""
    since = datetime.now(UTC) - timedelta(seconds=1)
    yield
    await assert_all_histories_clean(stack.client, since)


def assert_clean_exit(result: Result, argv: Sequence[str]) -> None:
    """Exit 0, 1 with `refused:` and a reason, or 2 with `invalid input:` or usage; no crash."""
    shown = f"iurc {' '.join(argv)!r:.300} -> {result.exit_code}: {result.output!r:.500}"
    trace(shown)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{shown}\nraised {result.exception!r}"
    )
    assert "Traceback" not in result.output, shown
    assert result.exit_code in (0, 1, 2), shown  # never 3: both servers are up
    if result.exit_code == 1:
        assert "refused: " in result.output, shown
        reason = result.output.split("refused: ", 1)[1].strip()
        assert reason, shown
    if result.exit_code == 2:
        # Ours say `invalid input:`; Click's say `Usage:` and/or frame the message as an Error.
        usage = ("invalid input: ", "Usage: ", "─ Error ─")
        assert any(marker in result.output for marker in usage), shown
        if "invalid input: " in result.output:
            assert result.output.split("invalid input: ", 1)[1].strip(), shown


def key_of(argv: Sequence[str]) -> str | None:
    """The --key the argument list gives, if it gives exactly one."""
    keys = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--key"]
    return keys[0] if len(keys) == 1 else None


async def key_sequences(stack: BadInputStack, started: Started, key: str) -> list[int]:
    rows = await stored_rows(stack.pool, started.pairing_id)
    return [row["sequence"] for row in rows if row["command_id"] == key]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the stack is shared on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
async def test_generated_command_lines_exit_cleanly_and_record_once(
    stack: BadInputStack, iurc: Cli, clean_histories: None, data: st.DataObject, tmp_path: Path
) -> None:
    steps = data.draw(st.sampled_from(range(JOURNEY_STEPS + 1)), label="journey steps taken")
    started = await start_at_stage(stack, steps, withdrawn=False)
    scene = gen.Scene(eu=started.eu, partner=started.partner, now=datetime.now(UTC))
    target = gen.weighted((4, st.just(started.pairing_id)), (1, st.sampled_from(ODD_PAIRINGS)))
    generated = st.tuples(gen.cli_invocations(scene), target)
    on_track = st.tuples(st.just(next_journey_line(started, steps, tmp_path)), st.just(None))
    keys = st.text(gen.KEY_ALPHABET, min_size=1, max_size=8).map(lambda tail: f"j-{tail}")
    journey_line = st.tuples(on_track, keys).map(
        lambda t: ([*t[0][0], "--key", t[1]], started.pairing_id)
    )
    lines = st.lists(gen.weighted((4, generated), (1, journey_line)), min_size=1, max_size=3)
    for words, pairing in data.draw(lines, label="command lines"):
        argv = [pairing if word == "{pairing}" else word for word in words]
        if "{plan-file}" in argv:
            suffix, content = data.draw(gen.plan_documents(scene), label="plan file")
            path = tmp_path / f"plan-{len(list(tmp_path.iterdir()))}{suffix}"
            path.write_bytes(content)
            argv = [str(path) if word == "{plan-file}" else word for word in argv]
        key = key_of(argv)
        before = await key_sequences(stack, started, key) if key else []
        result = await iurc(argv)
        assert_clean_exit(result, argv)
        tally(f"{argv[0]}: exit {result.exit_code}")
        if pairing != started.pairing_id or key is None:
            continue
        recorded = await key_sequences(stack, started, key)
        if result.exit_code != 0 or before:
            assert recorded == before, f"{key} recorded {recorded}, had {before}"
            continue
        if not recorded:  # `iurc policy` without a change shows the policy, records nothing
            assert argv[0] == "policy", f"exit 0, nothing recorded under {key}"
            continue
        assert recorded == list(range(recorded[0], recorded[0] + len(recorded))), recorded
        again = await iurc(argv)
        assert_clean_exit(again, argv)
        assert again.exit_code == 0, again.output
        assert await key_sequences(stack, started, key) == recorded
    await assert_history_clean(stack.client, workflow_id(started.pairing_id))


def next_journey_line(started: Started, steps: int, files: Path) -> list[str]:
    """The journey's next command as a person would type it: most often accepted."""
    upcoming = journey(started.eu, started.partner, started.proposed_at)[steps:]
    command = next((c for _, c in upcoming if not isinstance(c, cmd.AddStakeholder)), None)
    words: list[str] = ["pause", "--reason", "Nothing left to record"]
    match command:
        case cmd.ConfirmParticipation(city=city):
            words = ["confirm", city]
        case cmd.ScheduleMeeting(meeting_id=meeting, meeting_kind=kind, scheduled_for=when):
            words = ["meeting", "schedule", "--id", meeting, "--kind", kind]
            words += ["--at", when.isoformat()]
        case cmd.RecordMeeting(meeting_id=meeting, meeting_kind=kind, held_at=when):
            words = ["meeting", "record", "--id", meeting, "--kind", kind, "--at", when.isoformat()]
        case cmd.CompleteStudyVisit(visit_id=visit, host_city=host, started_on=on, ended_on=to):
            words = ["visit", "--id", visit, "--host", host, "--from", f"{on}", "--to", f"{to}"]
        case cmd.SubmitActionPlan(plan=plan):
            path = files / f"journey-plan-{steps}.json"
            path.write_text(plan.model_dump_json())
            words = ["plan", "submit", str(path)]
        case cmd.RequestActionPlanChanges(reason=reason):
            words = ["plan", "request-changes", "--reason", reason]
        case cmd.ApproveActionPlan():
            words = ["plan", "approve"]
        case cmd.FundPilot(title=title, amount_eur=amount):
            words = ["pilot", "fund", "--title", title, "--amount-eur", str(amount)]
        case cmd.ReportPilotMilestone(milestone_id=milestone, description=text, reached_on=day):
            words = ["pilot", "milestone", "--id", milestone, "--description", text]
            words += ["--on", f"{day}"]
        case cmd.CompletePilot():
            words = ["pilot", "complete"]
        case cmd.LogFollowUp(follow_up_id=follow_up):
            words = ["followup", "--id", follow_up]
    # The pairing goes after the command's one or two words (`plan submit PAIRING FILE`).
    split = 2 if words[0] in {"meeting", "plan", "pilot"} else 1
    return [*words[:split], started.pairing_id, *words[split:]]


async def test_the_same_line_twice_records_once_and_a_reused_key_is_refused(
    stack: BadInputStack, iurc: Cli, clean_histories: None
) -> None:
    """`--at` defaults to now, so a retried line carries a later time: still the same command."""
    started = await start_at_stage(stack, 6, withdrawn=False)  # kick-off held
    line = ["meeting", "record", started.pairing_id, "--id", "b-1", "--kind", "bilateral"]
    first = await iurc([*line, "--key", "zoom-1"])
    again = await iurc([*line, "--key", "zoom-1"])
    assert (first.exit_code, again.exit_code) == (0, 0), again.output
    assert len(await key_sequences(stack, started, "zoom-1")) == 1
    other = ["meeting", "record", started.pairing_id, "--id", "b-2", "--kind", "bilateral"]
    reused = await iurc([*other, "--key", "zoom-1"])
    assert reused.exit_code == 1
    assert "refused: cannot record meeting: idempotency key 'zoom-1' already recorded" in " ".join(
        reused.output.split()
    )
    assert len(await key_sequences(stack, started, "zoom-1")) == 1


async def test_overflowing_policy_numbers_are_usage_errors(
    stack: BadInputStack, iurc: Cli, clean_histories: None
) -> None:
    """`--idle kickoff=1e12` and `--follow-up-days inf` raised OverflowError: a traceback."""
    started = await start_at_stage(stack, 0, withdrawn=False)
    for option in (["--idle", "kickoff=1e12"], ["--idle", "kickoff=inf"]):
        result = await iurc(["policy", started.pairing_id, *option])
        assert_clean_exit(result, option)
        assert result.exit_code == 2
        assert "positive, finite number of days" in result.output
    for days in ("1e12", "inf"):
        result = await iurc(["policy", started.pairing_id, "--follow-up-days", days])
        assert_clean_exit(result, [days])
        assert result.exit_code == 2
    result = await iurc(["policy", started.pairing_id, "--idle", "kickoff=5000"])
    assert result.exit_code == 2
    assert "invalid input: idle_limits: Value error, idle limits must be at most 3653 days" in (
        result.output
    )


async def test_the_console_script_refuses_argv_that_is_not_utf8(
    stack: BadInputStack, cli_env: dict[str, str], clean_histories: None
) -> None:
    """Python decodes such bytes to lone surrogates; `iurc` must say no, not crash printing."""
    started = await start_at_stage(stack, 0, withdrawn=False)
    lines: list[list[bytes]] = [
        [b"pause", started.pairing_id.encode(), b"--reason", b"elections \xff\xfe"],
        [b"pause", b"rotterdam-\xffbusan-2080", b"--reason", b"elections"],
        [b"meeting", b"record", started.pairing_id.encode(), b"--id", b"k", b"--kind", b"\xff"],
    ]
    for line in lines:
        process = await asyncio.create_subprocess_exec(
            IURC,
            *line,
            env={**os.environ, **cli_env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        output = (out + err).decode("utf-8", "replace")
        shown = f"iurc {line!r}: {process.returncode}: {output}"
        assert "Traceback" not in output, shown
        assert process.returncode in (1, 2), shown
        assert "refused: " in output or "invalid input: " in output or "Usage: " in output, shown
    assert len(await stored_rows(stack.pool, started.pairing_id)) == started.version


async def test_plan_files_that_are_no_plan_are_invalid_input(
    stack: BadInputStack, iurc: Cli, clean_histories: None, tmp_path: Path
) -> None:
    """A file nested thousands deep raised RecursionError in the parser: a traceback."""
    started = await start_at_stage(stack, 10, withdrawn=False)  # the plan is due
    for number, (suffix, content) in enumerate(gen.PLAN_JUNK):
        path = tmp_path / f"junk-{number}{suffix}"
        path.write_bytes(content)
        argv = ["plan", "submit", started.pairing_id, str(path), "--key", f"junk-{number}"]
        result = await iurc(argv)
        assert_clean_exit(result, argv)
        assert result.exit_code == 2, result.output
        assert "invalid input: " in result.output
    deep = ["plan", "submit", started.pairing_id, str(tmp_path / "junk-5.yaml")]
    assert "nested too deeply to be read" in (await iurc(deep)).output
    # Aliases expanding to 9**9 values hung the CLI; a list holding itself was a traceback.
    laughs = ["plan", "submit", started.pairing_id, str(tmp_path / "junk-10.yaml")]
    refusal = " ".join((await iurc(laughs)).output.split())
    assert "YAML aliases (*name) expand it to 490,329,055 values, more than 100,000" in refusal
    itself = ["plan", "submit", started.pairing_id, str(tmp_path / "junk-11.yaml")]
    assert "refers to a value it is part of" in " ".join((await iurc(itself)).output.split())
    assert len(await stored_rows(stack.pool, started.pairing_id)) == started.version


async def test_a_meeting_beyond_the_calendar_in_local_time_is_refused_not_a_crash(
    stack: BadInputStack, iurc: Cli, clean_histories: None
) -> None:
    """Year 1 at +14:00 is year 0 in UTC: the office-hours warning raised OverflowError."""
    started = await start_at_stage(stack, 2, withdrawn=False)  # both confirmed: kick-off next
    for moment in ("0001-01-01T00:00+14:00", "9999-12-31T23:59-23:59"):
        argv = ["meeting", "schedule", started.pairing_id, "--id", "kickoff", "--kind", "kickoff"]
        result = await iurc([*argv, "--at", moment, "--key", "edge"])
        assert_clean_exit(result, argv)
        assert result.exit_code == 1
        assert "refused: cannot schedule the kick-off meeting: " in result.output


async def test_a_city_profile_with_nul_is_invalid_input(
    iurc: Cli, clean_histories: None, tmp_path: Path
) -> None:
    """PostgreSQL refused the escaped NUL in jsonb: an asyncpg error and a traceback."""
    profile = {
        "cities": [
            {
                "slug": "nulville",
                "name": "Nul\u0000ville",
                "country": "NL",
                "is_eu": True,
                "languages": ["nl"],
                "timezone": "Europe/Amsterdam",
            }
        ]
    }
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(profile))
    result = await iurc(["cities", "import", str(path)])
    assert_clean_exit(result, ["cities", "import"])
    assert result.exit_code == 2
    assert "cities > #1 > name: contains the NUL character (U+0000)" in " ".join(
        result.output.split()
    )
