"""The dependency audit: pip-audit over requirements.lock, the set the worker image installs.

A step of scripts/check.py (so of `make test` and CI). It fails on a known vulnerability in a
locked release, naming the advisory and the releases that fix it. It needs advisory data from
the network (PyPI's JSON API, else OSV); where neither answers for every package, or not in
time, it says so and skips instead of failing, so that an offline machine or an outage of an
advisory service never turns CI red, and a silent "nothing found" is never taken for a pass
(pip-audit reports packages it could not look up as skipped and exits 0).

    python scripts/audit.py            audit requirements.lock; exit 1 only on a vulnerability
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCK = ROOT / "requirements.lock"
SERVICES = ("pypi", "osv")
"""Advisory sources in the order tried: PyPI's (OSV data per release), then OSV itself."""
SOCKET_TIMEOUT_SECONDS = 10
SERVICE_TIMEOUT_SECONDS = 90
"""At most this long per service, so the whole step is bounded (about three minutes)."""
NO_ADVISORY_DATA = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|NameResolutionError|Max retries exceeded|"
    r"Temporary failure in name resolution|Name or service not known|Network is unreachable|"
    r"Connection refused|ServiceError|SSLError|timed out",
    re.IGNORECASE,
)
"""What pip-audit prints when it could not reach its advisory service at all."""

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    lines: tuple[str, ...]


def command(lock: Path, service: str, report: Path) -> list[str]:
    """pip-audit over the hashed lock as it is: no resolution, no virtualenv, JSON out."""
    return [
        str(BIN / "pip-audit"),
        "--requirement",
        str(lock),
        "--require-hashes",
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--output",
        str(report),
        "--progress-spinner",
        "off",
        "--timeout",
        str(SOCKET_TIMEOUT_SECONDS),
    ]


def judge(report: Mapping[str, Any] | None, output: str, service: str) -> Verdict:
    """The verdict on one pip-audit run: its JSON report (None if it wrote none) and output."""
    if report is None:
        last = output.strip().splitlines()[-1:] or ["no output"]
        if NO_ADVISORY_DATA.search(output):
            return Verdict("skipped", (f"{service}: no advisory data could be had: {last[0]}",))
        return Verdict("failed", (f"{service}: pip-audit failed: {last[0]}",))
    dependencies: Sequence[Mapping[str, Any]] = report.get("dependencies", [])
    vulnerable = [
        f"{dep['name']} {dep['version']}: {vuln['id']}"
        + (f" (fixed in {', '.join(vuln['fix_versions'])})" if vuln.get("fix_versions") else "")
        for dep in dependencies
        for vuln in dep.get("vulns", [])
    ]
    if vulnerable:
        return Verdict(
            "failed",
            (
                *vulnerable,
                "raise the lower bound in pyproject.toml past the vulnerable releases, then "
                "`make lock` (README.md, Production)",
            ),
        )
    unaudited = [dep for dep in dependencies if dep.get("skip_reason")]
    if unaudited or not dependencies:
        reason = unaudited[0]["skip_reason"] if unaudited else "the report lists no package"
        return Verdict(
            "skipped",
            (
                f"{service}: no advisory data for {len(unaudited)} of {len(dependencies)} "
                f"packages (e.g. {reason})",
            ),
        )
    return Verdict(
        "passed", (f"{service}: {len(dependencies)} locked packages, no known vulnerability",)
    )


def audit_with(lock: Path, service: str) -> Verdict:
    with tempfile.TemporaryDirectory() as scratch:
        report_path = Path(scratch) / "report.json"
        try:
            done = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
                command(lock, service, report_path),
                check=False,
                capture_output=True,
                text=True,
                timeout=SERVICE_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return Verdict("skipped", (f"{service}: no answer within {SERVICE_TIMEOUT_SECONDS} s",))
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        return judge(report, done.stdout + done.stderr, service)


def audit(lock: Path = LOCK, services: Sequence[str] = SERVICES) -> Verdict:
    """The first service that audits every locked package decides; a vulnerability fails at
    once; if none can, the audit is skipped with each service's reason."""
    if not lock.exists():
        return Verdict("failed", (f"{lock.name} is missing: `make lock` writes it",))
    reasons: list[str] = []
    for service in services:
        verdict = audit_with(lock, service)
        if verdict.outcome != "skipped":
            return verdict
        reasons.extend(verdict.lines)
    return Verdict("skipped", tuple(reasons))


def main() -> int:
    verdict = audit()
    for line in verdict.lines:
        print(f"    {line}")
    print(f"dependency audit {verdict.outcome}", flush=True)
    return 1 if verdict.outcome == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
