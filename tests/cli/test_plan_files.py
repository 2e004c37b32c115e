"""Plan files with YAML anchors and aliases: a few are a convenience, billions are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.action_plan import ActionPlan
from iurc.cli.errors import UsageError
from iurc.cli.files import MAX_VALUES, load_model

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "examples" / "action_plan.yaml"


def test_a_plan_that_reuses_a_value_through_an_alias_is_read_as_written_out(
    tmp_path: Path,
) -> None:
    text = EXAMPLE.read_text()
    first, second = "    city: rotterdam\n    helix: government\n", "    city: rotterdam\n"
    assert first in text
    assert text.count(second) > 1
    anchored = text.replace(first, "    city: &home rotterdam\n    helix: government\n", 1)
    head, tail = anchored.split("&home rotterdam\n", 1)
    aliased = tmp_path / "plan.yaml"
    alias = "    city: *home\n"
    aliased.write_text(head + "&home rotterdam\n" + tail.replace(second, alias))
    assert aliased.read_text().count("*home") == text.count(second) - 1
    plan = load_model(aliased, ActionPlan)
    assert plan == load_model(EXAMPLE, ActionPlan)


def test_aliases_that_expand_past_the_bound_are_refused_at_once(tmp_path: Path) -> None:
    side = 400  # 400 x 400 = 160,000 values from two short lines
    row = ", ".join(["x"] * side)
    rows = ", ".join(["*row"] * side)
    path = tmp_path / "plan.yaml"
    path.write_text(f"title: plan\nrow: &row [{row}]\ngrid: [{rows}]\n")
    with pytest.raises(UsageError, match=f"more than {MAX_VALUES:,}"):
        load_model(path, ActionPlan)


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("title: &t {again: *t}\n")
    with pytest.raises(UsageError, match="refers to a value it is part of"):
        load_model(path, ActionPlan)
