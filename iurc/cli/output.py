"""Printing results: Rich tables for people, JSON (`--json`) for scripts, never both."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, TypeAdapter
from rich.console import Console, RenderableType

T = TypeVar("T")

out = Console(highlight=False)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")
]


def emit(value: T, as_json: bool, render: Callable[[T], RenderableType]) -> None:
    """Print `value` as JSON or through `render`."""
    if as_json:
        typer.echo(to_json(value))
    else:
        out.print(render(value))


def to_json(value: Any) -> str:
    if isinstance(value, BaseModel):
        return value.model_dump_json(indent=2)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return json.dumps(
            [TypeAdapter(type(item)).dump_python(item, mode="json") for item in value], indent=2
        )
    return json.dumps(TypeAdapter(type(value)).dump_python(value, mode="json"), indent=2)
