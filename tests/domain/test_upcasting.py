"""Stored events of older schema versions are upgraded before they are parsed."""

from __future__ import annotations

from typing import Any

from domain.events import PairingPaused
from domain.upcasting import parse_stored_event, upcast


def test_upcasters_chain_and_set_the_version() -> None:
    def rename(old: str, new: str) -> Any:
        def step(payload: dict[str, Any]) -> dict[str, Any]:
            renamed = {key: value for key, value in payload.items() if key != old}
            return {**renamed, new: payload[old]}

        return step

    v1_to_v2, v2_to_v3 = rename("note", "why"), rename("why", "reason")

    stored = {"type": "PairingPaused", "schema_version": 1, "note": "Elections"}
    upgraded = upcast(stored, {("PairingPaused", 1): v1_to_v2, ("PairingPaused", 2): v2_to_v3})
    assert upgraded == {"type": "PairingPaused", "schema_version": 3, "reason": "Elections"}


def test_current_events_parse_without_upcasters() -> None:
    event = PairingPaused(reason="Elections", occurred_at="2026-01-01T00:00:00Z")  # type: ignore[arg-type]  # pydantic parses the ISO string
    assert parse_stored_event(event.model_dump(mode="json")) == event
