"""Names and result models of the activities, shared by the workflows and the worker.

Kept free of any I/O library: workflows import this module, and the import contracts in
pyproject.toml forbid workflows from reaching asyncpg, even indirectly.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

RECORD_EVENTS = "record_events"
"""Append a `domain.recording.Recording` to the event store, project it and queue its messages."""


class RecordResult(BaseModel):
    """What an append changed; a retried append reports zero new rows."""

    model_config = ConfigDict(frozen=True)

    appended: int
    already_present: int
    notifications_queued: int
