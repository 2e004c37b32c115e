"""Events: what happened to a pairing, in the past tense. They last for years.

Each event carries a stable `type` name and a `schema_version`. A stored event of an older
version is upgraded by the `dict -> dict` upcasters in `domain.upcasting` before it is parsed,
so an event written today still reads in ten years.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from domain.action_plan import ActionPlan
from domain.cities import City
from domain.meetings import MeetingKind
from domain.policy import Staleness, StalenessPolicy
from domain.stages import Stage
from domain.stakeholders import Helix, Stakeholder
from domain.topics import Topic


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = 1
    occurred_at: AwareDatetime
    command_id: str | None = Field(default=None, description="None when time, not a person, acted")
    command_fingerprint: str | None = Field(
        default=None,
        description="`<kind>:<digest>` of the command recorded under command_id; a key sent "
        "again must bring the same command (None in events recorded before it was kept)",
    )
    actor: str | None = Field(
        default=None, description="the principal's id (`operator:kim`); before principals, typed"
    )
    on_behalf_of: str | None = Field(
        default=None, description="the city a command was sent for, where it was a city's step"
    )

    @property
    def is_activity(self) -> bool:
        """Whether the cities did something: activity resets the staleness clock."""
        return False


class _Activity(_Event):
    @property
    def is_activity(self) -> bool:
        return True


class PairingProposed(_Event):
    type: Literal["PairingProposed"] = "PairingProposed"
    pairing_id: str
    eu_city: City
    partner_city: City
    cycle: int
    topics: tuple[Topic, ...]
    policy: StalenessPolicy
    stakeholders: tuple[Stakeholder, ...] = Field(
        default=(), description="both cities' people from their profiles (none before 2026-12)"
    )


class ParticipationConfirmed(_Activity):
    type: Literal["ParticipationConfirmed"] = "ParticipationConfirmed"
    city: str


class MeetingScheduled(_Activity):
    type: Literal["MeetingScheduled"] = "MeetingScheduled"
    meeting_id: str
    meeting_kind: MeetingKind
    scheduled_for: datetime
    title: str = ""


class MeetingHeld(_Activity):
    type: Literal["MeetingHeld"] = "MeetingHeld"
    meeting_id: str
    meeting_kind: MeetingKind
    held_at: datetime
    summary: str = ""


class StudyVisitCompleted(_Activity):
    type: Literal["StudyVisitCompleted"] = "StudyVisitCompleted"
    visit_id: str
    host_city: str
    started_on: date
    ended_on: date
    summary: str = ""


class ActionPlanSubmitted(_Activity):
    type: Literal["ActionPlanSubmitted"] = "ActionPlanSubmitted"
    plan: ActionPlan


class ActionPlanChangesRequested(_Activity):
    type: Literal["ActionPlanChangesRequested"] = "ActionPlanChangesRequested"
    reason: str


class ActionPlanApproved(_Activity):
    type: Literal["ActionPlanApproved"] = "ActionPlanApproved"


class PilotFunded(_Activity):
    type: Literal["PilotFunded"] = "PilotFunded"
    title: str
    amount_eur: int
    funder: str


class PilotMilestoneReported(_Activity):
    type: Literal["PilotMilestoneReported"] = "PilotMilestoneReported"
    milestone_id: str
    description: str
    reached_on: date


class PilotCompleted(_Activity):
    type: Literal["PilotCompleted"] = "PilotCompleted"
    summary: str = ""


class FollowUpLogged(_Activity):
    type: Literal["FollowUpLogged"] = "FollowUpLogged"
    follow_up_id: str
    held_at: datetime
    summary: str = ""


class StakeholderAdded(_Activity):
    type: Literal["StakeholderAdded"] = "StakeholderAdded"
    stakeholder: Stakeholder
    ref: str | None = Field(
        default=None, description="`<city>-<n>`; None in events recorded before refs existed"
    )


class StakeholderRemoved(_Event):
    """A person taken off the pairing: only what keeps the history readable, no name or address."""

    type: Literal["StakeholderRemoved"] = "StakeholderRemoved"
    ref: str
    city: str
    helix: Helix
    role: str


class FocalPointChanged(_Event):
    type: Literal["FocalPointChanged"] = "FocalPointChanged"
    ref: str
    city: str
    focal_point: bool


class PairingPaused(_Event):
    type: Literal["PairingPaused"] = "PairingPaused"
    reason: str


class PairingResumed(_Event):
    type: Literal["PairingResumed"] = "PairingResumed"


class StageWaived(_Activity):
    type: Literal["StageWaived"] = "StageWaived"
    stage: Stage
    reason: str


class PairingWithdrawn(_Event):
    type: Literal["PairingWithdrawn"] = "PairingWithdrawn"
    stage: Stage
    reason: str


class PolicyChanged(_Event):
    type: Literal["PolicyChanged"] = "PolicyChanged"
    policy: StalenessPolicy


class StageAdvanced(_Event):
    type: Literal["StageAdvanced"] = "StageAdvanced"
    from_stage: Stage
    to_stage: Stage


class ReminderIssued(_Event):
    type: Literal["ReminderIssued"] = "ReminderIssued"
    stage: Stage
    idle_days: int


class Escalated(_Event):
    type: Literal["Escalated"] = "Escalated"
    level: Literal[1, 2]
    stage: Stage
    idle_days: int


class BackOnTrack(_Event):
    type: Literal["BackOnTrack"] = "BackOnTrack"
    stage: Stage
    idle_days: int
    previous: Staleness


class FollowUpPeriodEnded(_Event):
    type: Literal["FollowUpPeriodEnded"] = "FollowUpPeriodEnded"
    follow_ups_logged: int


class CommandRejected(_Event):
    """A signal whose command was invalid: kept, so that nothing sent is silently lost."""

    type: Literal["CommandRejected"] = "CommandRejected"
    rejected_command_id: str | None = Field(
        default=None, description="kept apart from command_id: a rejection does not use up the key"
    )
    command_kind: str
    reason: str


Event = Annotated[
    PairingProposed
    | ParticipationConfirmed
    | MeetingScheduled
    | MeetingHeld
    | StudyVisitCompleted
    | ActionPlanSubmitted
    | ActionPlanChangesRequested
    | ActionPlanApproved
    | PilotFunded
    | PilotMilestoneReported
    | PilotCompleted
    | FollowUpLogged
    | StakeholderAdded
    | StakeholderRemoved
    | FocalPointChanged
    | PairingPaused
    | PairingResumed
    | StageWaived
    | PairingWithdrawn
    | PolicyChanged
    | StageAdvanced
    | ReminderIssued
    | Escalated
    | BackOnTrack
    | FollowUpPeriodEnded
    | CommandRejected,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_LIST_ADAPTER: TypeAdapter[list[Event]] = TypeAdapter(list[Event])
