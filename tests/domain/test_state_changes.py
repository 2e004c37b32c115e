"""`evolve`'s rules return `StateChanges`: a wrong field name or type is a mypy error.

pydantic's `model_copy(update=...)` validates nothing, so these tests are what stands
between a misspelt field and a state change silently stored under the wrong name.
"""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import pytest

from domain.state import PairingState, StateChanges

ROOT = Path(__file__).resolve().parents[2]


def test_state_changes_name_every_field_of_the_state_with_its_type() -> None:
    declared = typing.get_type_hints(StateChanges)
    fields = {name: field.annotation for name, field in PairingState.model_fields.items()}
    assert declared == fields


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ('{"stge": Stage.KICKOFF}', 'Extra key "stge" for TypedDict "StateChanges"'),
        (
            '{"stage": "kickoff"}',
            'TypedDict item "stage" has type "Stage"',
        ),
    ],
    ids=["misspelt field", "wrong type"],
)
def test_mypy_refuses_a_state_change_that_names_no_field_or_has_the_wrong_type(
    tmp_path: Path, change: str, error: str
) -> None:
    snippet = tmp_path / "bad_rule.py"
    snippet.write_text(
        "from domain.stages import Stage\n"
        "from domain.state import StateChanges\n\n\n"
        f"def rule() -> StateChanges:\n    return {change}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", str(snippet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert error in checked.stdout
