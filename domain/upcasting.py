"""Upgrading stored events of older schema versions before they are parsed.

An upcaster turns the JSON of version N of one event type into version N+1. They chain, so an
event stored at version 1 reads as version 3 once both steps exist. None is needed yet: every
event is at version 1. The first change to an event's fields adds one here, with a test that
parses a stored example of the old version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.events import EVENT_ADAPTER, Event

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

UPCASTERS: Mapping[tuple[str, int], Upcaster] = {}
"""(event type, version it upgrades from) -> the function that returns the next version."""


def upcast(
    payload: dict[str, Any], upcasters: Mapping[tuple[str, int], Upcaster]
) -> dict[str, Any]:
    """The payload raised to the newest version the upcasters know for its type."""
    current = dict(payload)
    while (
        step := upcasters.get((current["type"], int(current.get("schema_version", 1))))
    ) is not None:
        version = int(current.get("schema_version", 1))
        current = step(current)
        current["schema_version"] = version + 1
    return current


def parse_stored_event(
    payload: dict[str, Any], upcasters: Mapping[tuple[str, int], Upcaster] = UPCASTERS
) -> Event:
    """An event read back from storage, upgraded first if it was written by older code."""
    return EVENT_ADAPTER.validate_python(upcast(payload, upcasters))
