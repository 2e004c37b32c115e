"""After `iurc cities import`: which open pairings' people differ from the new profiles.

A pairing keeps the people it started with; when a profile changes, the secretariat sees
each open pairing that differs and what would bring it in line, and chooses whether to send
those commands (`--apply`, or yes at the prompt). Each is a recorded command like any other.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import typer
from rich.console import RenderableType
from rich.table import Table

from adapters.postgres.read_model import list_pairings
from domain import commands as cmd
from domain.alignment import commands_to_align
from domain.profiles import CityProfile
from domain.view import Status
from iurc.cli.render import plain
from iurc.cli.services import Services

OPEN = frozenset({Status.ACTIVE, Status.PAUSED})


@dataclass(frozen=True)
class Drift:
    """One open pairing whose people of one city differ from the city's profile."""

    pairing_id: str
    city: str
    commands: tuple[cmd.Command, ...]

    def describe(self) -> list[str]:
        return [describe(command) for command in self.commands]


def describe(command: cmd.Command) -> str:
    match command:
        case cmd.AddStakeholder(stakeholder=person):
            return (
                f"add {person.name} ({person.role}{', focal point' if person.focal_point else ''})"
            )
        case cmd.RemoveStakeholder(ref=ref):
            return f"remove {ref}"
        case cmd.ChangeFocalPoint(ref=ref, focal_point=on):
            return f"make {ref} a focal point" if on else f"{ref} is no longer a focal point"
        case _:
            return command.kind


async def drifts(services: Services, profiles: Sequence[CityProfile]) -> list[Drift]:
    """Every open pairing of the imported cities whose people differ from the profiles."""
    pool = await services.pool()
    found = []
    for profile in profiles:
        for row in await list_pairings(pool, city=profile.city.slug):
            if row.status not in OPEN:
                continue
            state = await (await services.pairings()).state(row.pairing_id)
            commands = commands_to_align(state, profile)
            if commands:
                found.append(Drift(row.pairing_id, profile.city.slug, tuple(commands)))
    return found


def drift_table(found: Sequence[Drift]) -> RenderableType:
    table = Table(title=f"{len(found)} open pairings differ from the imported profiles")
    for column in ("pairing", "city", "to bring it in line"):
        table.add_column(column)
    for drift in found:
        table.add_row(drift.pairing_id, drift.city, plain("\n".join(drift.describe())))
    return table


def should_apply(apply: bool | None) -> bool:
    """`--apply`/`--no-apply` if given; else ask, when someone is there to answer."""
    if apply is not None:
        return apply
    if not sys.stdin.isatty():
        return False
    return typer.confirm("Bring them in line with the profiles now?", default=False)


async def align(services: Services, found: Sequence[Drift]) -> int:
    """Send every drift's commands as this installation's operator; how many were sent."""
    client = await services.pairings()
    sent = 0
    for drift in found:
        for command in drift.commands:
            await client.execute(
                drift.pairing_id,
                command,
                principal=services.principal(),
                command_id=f"profile-{uuid.uuid4().hex[:16]}",
            )
            sent += 1
    return sent
