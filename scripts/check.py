"""The single source of the project's checks: lint, types, architecture, then tests.

`make test` and `.ci/run` call this, so a developer and CI run exactly the same steps.
Extra arguments go to pytest (for example `scripts/check.py -k staleness`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _steps(pytest_args: list[str]) -> list[tuple[str, list[str]]]:
    return [
        ("ruff", [str(BIN / "ruff"), "check", "."]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy --strict", [str(BIN / "mypy"), "."]),
        ("import contracts", [str(BIN / "lint-imports")]),
        ("pytest", [str(BIN / "python"), "-m", "pytest", *pytest_args]),
    ]


def main() -> int:
    for name, command in _steps(sys.argv[1:]):
        started = time.monotonic()
        print(f"==> {name}", flush=True)
        result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - fixed argv of our own tools
        elapsed = time.monotonic() - started
        if result.returncode != 0:
            print(f"==> {name} failed (exit {result.returncode}) after {elapsed:.1f}s", flush=True)
            return result.returncode
        print(f"==> {name} passed in {elapsed:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
