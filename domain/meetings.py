"""Meetings between the two cities: the kick-off, bilateral meetings and thematic cluster events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.stages import Stage


class MeetingKind(StrEnum):
    KICKOFF = "kickoff"
    BILATERAL = "bilateral"
    CLUSTER_EVENT = "cluster_event"

    @property
    def label(self) -> str:
        return {
            MeetingKind.KICKOFF: "kick-off meeting",
            MeetingKind.BILATERAL: "bilateral meeting",
            MeetingKind.CLUSTER_EVENT: "thematic cluster event",
        }[self]

    @property
    def earliest_stage(self) -> Stage:
        """The first stage in which such a meeting can be recorded as held."""
        return {
            MeetingKind.KICKOFF: Stage.KICKOFF,
            MeetingKind.BILATERAL: Stage.BILATERAL,
            MeetingKind.CLUSTER_EVENT: Stage.MATCHING,
        }[self]


class Meeting(BaseModel):
    """A meeting as the pairing knows it: scheduled, held, or both."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    meeting_id: str
    kind: MeetingKind
    title: str = ""
    scheduled_for: datetime | None = None
    held_at: datetime | None = None
