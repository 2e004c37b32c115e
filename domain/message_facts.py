"""The facts a message states and who it goes to: the same in every language.

Kept apart from `domain.notifications` (which decides which events call for a message) and
`domain.messages` (the words), so that each can import these without importing the other.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, EmailStr

from domain.meetings import MeetingKind
from domain.stages import Stage


class Audience(StrEnum):
    FOCAL_POINTS = "focal_points"
    PROGRAMME_OFFICER = "programme_officer"
    HEAD_OF_SECRETARIAT = "head_of_secretariat"
    SECRETARIAT = "secretariat"


class NotificationKind(StrEnum):
    REMINDER = "reminder"
    FOLLOW_UP_DUE = "follow_up_due"
    ESCALATION_1 = "escalation_1"
    ESCALATION_2 = "escalation_2"
    BACK_ON_TRACK = "back_on_track"
    MEETING_SCHEDULED = "meeting_scheduled"
    INTERPRETATION_NEEDED = "interpretation_needed"
    PLAN_CHANGES_REQUESTED = "plan_changes_requested"
    PLAN_APPROVED = "plan_approved"
    PILOT_FUNDED = "pilot_funded"
    PAIRING_PARKED = "pairing_parked"
    """The event store refused an append: the pairing stopped taking commands until recovered."""


class MeetingFacts(BaseModel):
    model_config = ConfigDict(frozen=True)

    meeting_id: str
    kind: MeetingKind
    title: str
    starts_at: datetime
    local_times: str
    """"10:00 CEST in Rotterdam, 17:00 KST in Busan": both cities' clocks, for the message."""
    eu_timezone: str
    partner_timezone: str


class Facts(BaseModel):
    """What a message states, whatever its language."""

    model_config = ConfigDict(frozen=True)

    pairing_id: str
    eu_city: str
    partner_city: str
    stage: Stage
    idle_days: int | None = None
    expected_next: str = ""
    due_by: datetime | None = None
    reason: str = ""
    amount_eur: int | None = None
    meeting: MeetingFacts | None = None
    languages: str = ""


class Recipient(BaseModel):
    """Who a message goes to. Country and time zone decide when a reminder may arrive: one
    that would fall on a public holiday there waits for the next working day."""

    model_config = ConfigDict(frozen=True)

    name: str
    email: EmailStr
    language: str = "en"
    country: str | None = None
    timezone: str = "UTC"
