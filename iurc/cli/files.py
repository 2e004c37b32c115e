"""Reading the files people hand to the CLI (city profiles, action plans) into domain models.

Every way a file can be wrong (missing, unreadable, not YAML or JSON, not the model) becomes
one UsageError that names the file and the problem, so the secretariat fixes the file
instead of reading a traceback (exit code 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from domain.text import forbidden_at, forbidden_problem
from iurc.cli.errors import UsageError

M = TypeVar("M", bound=BaseModel)

MAX_VALUES = 100_000
"""Values a file may hold once YAML aliases are resolved; a real plan or profile has hundreds.

An alias (`*name`) repeats the whole value its anchor (`&name`) marks without repeating its
text, so a dozen lines can stand for a billion values ("billion laughs"): checking and
validating those would hang the CLI. Aliases within this bound are fine."""


def load_model(path: Path, model: type[M]) -> M:
    """Parse `path` (JSON if it ends in .json, YAML otherwise) into `model`."""
    document = _parse(path, _read(path))
    found = forbidden_at(document)
    if found is not None:  # JSON may escape one; stored, it could never be shown safely
        raise UsageError(f"{path}: {forbidden_problem(_location(found[0]) + ':', found[1])}")
    try:
        return model.model_validate(document)
    except ValidationError as invalid:
        raise UsageError(f"{path}: {describe(invalid)}") from None


def describe(invalid: ValidationError) -> str:
    """Each problem as `where: what`, one a line, with list positions counted from 1."""
    problems = [
        f"{_location(error['loc'])}: {error['msg']}" for error in invalid.errors(include_url=False)
    ]
    if len(problems) == 1:
        return problems[0]
    return "".join(f"\n  - {problem}" for problem in problems)


def _location(loc: tuple[int | str, ...]) -> str:
    """`stakeholders > #2 > email`: where a problem is, with list positions counted from 1."""
    parts = [f"#{part + 1}" if isinstance(part, int) else part for part in loc]
    return " > ".join(parts) or "the file"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as unreadable:
        raise UsageError(f"{path}: cannot be read ({unreadable})") from None


def _parse(path: Path, text: str) -> Any:
    try:
        return _parse_text(path, text)
    except RecursionError:  # `[[[[...` thousands deep: both parsers recurse once per level
        raise UsageError(f"{path}: nested too deeply to be read") from None


def _parse_text(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}: not valid JSON: {error}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: not valid YAML: {_yaml_problem(error)}") from None
    try:
        values = _values_in(document, {}, set())
    except _SelfReferenceError:
        raise UsageError(
            f"{path}: a YAML alias (*name) refers to a value it is part of; write it out"
        ) from None
    if values > MAX_VALUES:
        raise UsageError(
            f"{path}: YAML aliases (*name) expand it to {values:,} values, more than "
            f"{MAX_VALUES:,}; write the values out instead"
        )
    return document


class _SelfReferenceError(Exception):
    pass


def _values_in(value: Any, counted: dict[int, int], open_: set[int]) -> int:
    """How many values `value` holds with every alias expanded, without expanding any.

    An aliased mapping or list is one Python object reached many times: its count is
    remembered by identity, so this takes time in the size of the text, not of the expansion.
    """
    if not isinstance(value, dict | list):
        return 1
    identity = id(value)
    if identity in counted:
        return counted[identity]
    if identity in open_:
        raise _SelfReferenceError
    open_.add(identity)
    children = value.values() if isinstance(value, dict) else value
    total = 1 + sum(_values_in(child, counted, open_) for child in children)
    open_.discard(identity)
    counted[identity] = total
    return total


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's message on one line, with the line and column where it noticed the problem."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(error).split())
