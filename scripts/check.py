"""The single source of the project's checks: lint, types, architecture, then the test tiers.

`make test` and `.ci/run` call this without options, so a developer and CI run exactly the
same steps: ruff, mypy, the import contracts, the dependency audit of requirements.lock
(scripts/audit.py: fails on a known vulnerability, skips with its reason where no advisory data
can be had), a check that the tiers together select every test exactly once, then the tiers one
after another (fast, integration, e2e; tests/tiers.py), each with its test count and time. The
first failing step stops the run with its exit code.

    scripts/check.py                   everything, as CI runs it
    scripts/check.py --tier fast       one tier alone, without lint (`make test-fast`)

Other arguments go to every pytest run (for example `scripts/check.py -k staleness`).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.tiers import FAST, TIER_ENV, TIERS  # noqa: E402 - needs ROOT on the path first

DESCRIPTIONS = {
    "fast": "pure unit tests; the time-skipping server with in-memory activities",
    "integration": "real PostgreSQL and/or the Temporal dev server",
    "e2e": "whole stacks in subprocesses: make run, iurc up, bench, faults, reliability",
}
NO_TESTS_COLLECTED = 5
"""pytest's exit code when a selection is empty (a -k that matches nothing in a tier)."""
OUTCOMES = re.compile(r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|deselected)\b")
SUMMARY_TIME = re.compile(r" in \d+(\.\d+)?s\b")


@dataclass(frozen=True)
class Outcome:
    name: str
    returncode: int
    seconds: float
    counts: Mapping[str, int]

    @property
    def tests(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "deselected")

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items() if kind != "deselected")
        return f"{self.tests} tests ({parts or 'none run'})"


def lint_steps() -> list[tuple[str, list[str]]]:
    return [
        ("ruff", [str(BIN / "ruff"), "check", "."]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy --strict", [str(BIN / "mypy"), "."]),
        ("import contracts", [str(BIN / "lint-imports")]),
        ("dependency audit", [str(BIN / "python"), str(ROOT / "scripts" / "audit.py")]),
    ]


def tier_command(tier: str, pytest_args: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """The pytest command and environment that run `tier`."""
    env = {key: value for key, value in os.environ.items() if key != TIER_ENV}
    if tier == FAST:
        env[TIER_ENV] = FAST  # every server fixture now fails the test that asks for one
    return [str(BIN / "python"), "-m", "pytest", "-m", tier, *pytest_args], env


def run_step(name: str, command: list[str], env: Mapping[str, str] | None = None) -> Outcome:
    """Run `command` from the repository root, echoing its output, and time it."""
    print(f"==> {name}", flush=True)
    started = time.monotonic()
    counts: dict[str, int] = {}
    with subprocess.Popen(  # noqa: S603 - fixed argv of our own tools
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            found = OUTCOMES.findall(line)
            if found and SUMMARY_TIME.search(line):  # pytest's last line: "3 passed in 1.2s"
                counts = {}
                for number, kind in found:
                    key = "error" if kind == "errors" else kind
                    counts[key] = counts.get(key, 0) + int(number)
    return Outcome(name, process.returncode, time.monotonic() - started, counts)


def collected(command: list[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - fixed argv of our own tools
        [*command, "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def node_ids(process: subprocess.Popen[str]) -> list[str]:
    output, _ = process.communicate()
    if process.returncode not in (0, NO_TESTS_COLLECTED):
        print(output)
        raise SystemExit(f"==> collecting failed (exit {process.returncode})")
    return [line for line in output.splitlines() if "::" in line]


def check_tiers(pytest_args: Sequence[str]) -> int:
    """Every collected test is selected by exactly one tier's own command."""
    print("==> tiers select every test exactly once", flush=True)
    started = time.monotonic()
    env = {key: value for key, value in os.environ.items() if key != TIER_ENV}
    everything = collected([str(BIN / "python"), "-m", "pytest", *pytest_args], env)
    per_tier = {tier: collected(*tier_command(tier, pytest_args)) for tier in TIERS}
    all_ids = node_ids(everything)
    selected = {tier: node_ids(process) for tier, process in per_tier.items()}
    seen: dict[str, list[str]] = {node: [] for node in all_ids}
    for tier, ids in selected.items():
        for node in ids:
            seen.setdefault(node, []).append(tier)
    wrong = {node: tiers for node, tiers in seen.items() if len(tiers) != 1}
    for node, tiers in sorted(wrong.items()):
        print(f"    {node}: selected by {', '.join(tiers) or 'no tier'}")
    counts = ", ".join(f"{tier} {len(ids)}" for tier, ids in selected.items())
    elapsed = time.monotonic() - started
    if wrong:
        print(f"==> tiers failed: {len(wrong)} tests not in exactly one tier ({elapsed:.1f}s)")
        return 1
    print(f"==> tiers passed: {len(all_ids)} tests = {counts} ({elapsed:.1f}s)", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Lint, types, contracts, then the test tiers; other options go to pytest."
    )
    parser.add_argument("--tier", action="append", choices=TIERS, help="run only this tier")
    options, pytest_args = parser.parse_known_args()
    started = time.monotonic()
    if not options.tier:
        for name, command in lint_steps():
            outcome = run_step(name, command)
            if outcome.returncode != 0:
                print(f"==> {name} failed (exit {outcome.returncode}) after {outcome.seconds:.1f}s")
                return outcome.returncode
            print(f"==> {name} passed in {outcome.seconds:.1f}s", flush=True)
        if (failed := check_tiers(pytest_args)) != 0:
            return failed
    ran: list[Outcome] = []
    for tier in options.tier or TIERS:
        command, env = tier_command(tier, pytest_args)
        outcome = replace(run_step(f"tier {tier}: {DESCRIPTIONS[tier]}", command, env), name=tier)
        ran.append(outcome)
        if outcome.returncode not in (0, NO_TESTS_COLLECTED):
            print(
                f"==> tier {tier} failed (exit {outcome.returncode}) after {outcome.seconds:.1f}s: "
                f"{outcome.summary}"
            )
            return outcome.returncode
        print(f"==> tier {tier} passed in {outcome.seconds:.1f}s: {outcome.summary}", flush=True)
    print("==> tiers")
    for outcome in ran:
        print(f"    {outcome.name:<12} {outcome.seconds:7.1f}s  {outcome.summary}")
    tests, seconds = sum(o.tests for o in ran), sum(o.seconds for o in ran)
    print(f"    {'total':<12} {seconds:7.1f}s  {tests} tests", flush=True)
    print(f"==> all steps passed in {time.monotonic() - started:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
