"""Commands: what people and services ask a pairing to record. Imperative names.

Each command is a pydantic model with a `kind` discriminator, so a command arriving as JSON
(an update, a signal, a CLI file) parses into exactly one of them or is refused with the
field that is wrong. Who sent a command and its idempotency key travel beside it, in the
envelope the workflow receives.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.action_plan import ActionPlan
from domain.cities import Slug
from domain.meetings import MeetingKind
from domain.policy import StalenessPolicy, check_follow_up_period, check_idle_limits
from domain.principals import Principal
from domain.stages import Stage
from domain.stakeholders import Stakeholder
from domain.text import forbidden_at, forbidden_problem

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
KEY_RULE = "letters, digits and . _ : - only, at most 100, starting with a letter or digit"
"""Ids and idempotency keys, in the words every refusal of one uses."""
Key = Annotated[str, Field(pattern=KEY_PATTERN)]


def is_key(text: str) -> bool:
    """Whether `text` is usable as an id or idempotency key."""
    return re.fullmatch(KEY_PATTERN, text) is not None


Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Text = Annotated[str, Field(max_length=4000)]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConfirmParticipation(_Command):
    kind: Literal["confirm_participation"] = "confirm_participation"
    city: Slug


class ScheduleMeeting(_Command):
    kind: Literal["schedule_meeting"] = "schedule_meeting"
    meeting_id: Key
    meeting_kind: MeetingKind
    scheduled_for: AwareDatetime
    title: Text = ""


class RecordMeeting(_Command):
    kind: Literal["record_meeting"] = "record_meeting"
    meeting_id: Key
    meeting_kind: MeetingKind
    held_at: AwareDatetime
    summary: Text = ""


class CompleteStudyVisit(_Command):
    kind: Literal["complete_study_visit"] = "complete_study_visit"
    visit_id: Key
    host_city: Slug
    started_on: date
    ended_on: date
    summary: Text = ""


class SubmitActionPlan(_Command):
    kind: Literal["submit_action_plan"] = "submit_action_plan"
    plan: ActionPlan


class RequestActionPlanChanges(_Command):
    kind: Literal["request_action_plan_changes"] = "request_action_plan_changes"
    reason: Reason


class ApproveActionPlan(_Command):
    kind: Literal["approve_action_plan"] = "approve_action_plan"


class FundPilot(_Command):
    kind: Literal["fund_pilot"] = "fund_pilot"
    title: Annotated[str, Field(min_length=1, max_length=300)]
    amount_eur: Annotated[int, Field(gt=0, le=100_000_000)]
    funder: Annotated[str, Field(min_length=1, max_length=200)] = "IURC"


class ReportPilotMilestone(_Command):
    kind: Literal["report_pilot_milestone"] = "report_pilot_milestone"
    milestone_id: Key
    description: Annotated[str, Field(min_length=1, max_length=2000)]
    reached_on: date


class CompletePilot(_Command):
    kind: Literal["complete_pilot"] = "complete_pilot"
    summary: Text = ""


class LogFollowUp(_Command):
    kind: Literal["log_follow_up"] = "log_follow_up"
    follow_up_id: Key
    held_at: AwareDatetime
    summary: Text = ""


class AddStakeholder(_Command):
    kind: Literal["add_stakeholder"] = "add_stakeholder"
    stakeholder: Stakeholder


StakeholderRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,40}-[0-9]{1,6}$")]
"""How a pairing names one of its stakeholders, `<city>-<n>`: no personal data in it."""


class RemoveStakeholder(_Command):
    """Take a person off the pairing; their name and address are then forgotten by it."""

    kind: Literal["remove_stakeholder"] = "remove_stakeholder"
    ref: StakeholderRef


class ChangeFocalPoint(_Command):
    """Make a stakeholder a focal point (who receives the reminders), or stop them being one."""

    kind: Literal["change_focal_point"] = "change_focal_point"
    ref: StakeholderRef
    focal_point: bool


class Pause(_Command):
    kind: Literal["pause"] = "pause"
    reason: Reason


class Resume(_Command):
    kind: Literal["resume"] = "resume"


class WaiveStage(_Command):
    kind: Literal["waive_stage"] = "waive_stage"
    stage: Stage
    reason: Reason


class Withdraw(_Command):
    kind: Literal["withdraw"] = "withdraw"
    reason: Reason


class ChangePolicy(_Command):
    """Change parts of a pairing's staleness policy; every part not given stays as it is.

    The merge happens in the decider, against the policy the pairing has when the command is
    recorded, so two changes of different parts sent at once both take effect. `policy`, a
    whole replacement, is how commands were recorded before changes were partial: it still
    reads, and excludes the other fields.
    """

    kind: Literal["change_policy"] = "change_policy"
    idle_limits: dict[Stage, timedelta] = Field(default_factory=dict)
    reminder_fraction: Annotated[float, Field(gt=0, lt=1)] | None = None
    follow_up_period: timedelta | None = None
    policy: StalenessPolicy | None = None

    @field_validator("idle_limits")
    @classmethod
    def _usable_limits(cls, limits: dict[Stage, timedelta]) -> dict[Stage, timedelta]:
        return check_idle_limits(limits)

    @field_validator("follow_up_period")
    @classmethod
    def _usable_period(cls, period: timedelta | None) -> timedelta | None:
        return None if period is None else check_follow_up_period(period)

    @model_validator(mode="after")
    def _changes_something(self) -> ChangePolicy:
        parts = bool(self.idle_limits) or any(
            value is not None for value in (self.reminder_fraction, self.follow_up_period)
        )
        if self.policy is not None and parts:
            raise ValueError("give either a whole `policy` or the parts to change, not both")
        if self.policy is None and not parts:
            raise ValueError(
                "nothing to change: give idle_limits, reminder_fraction or follow_up_period"
            )
        return self


Command = Annotated[
    ConfirmParticipation
    | ScheduleMeeting
    | RecordMeeting
    | CompleteStudyVisit
    | SubmitActionPlan
    | RequestActionPlanChanges
    | ApproveActionPlan
    | FundPilot
    | ReportPilotMilestone
    | CompletePilot
    | LogFollowUp
    | AddStakeholder
    | RemoveStakeholder
    | ChangeFocalPoint
    | Pause
    | Resume
    | WaiveStage
    | Withdraw
    | ChangePolicy,
    Field(discriminator="kind"),
]
"""Everything a person or service may send; what time alone makes due is `decide_deadlines`."""

ACTOR_PATTERN = r"^[^\s].{0,199}$"


class CommandRequest(BaseModel):
    """A command and who sent it: the argument of the workflow's update, whose id is the key.

    `principal` is who sent it, as the door it came through established; `on_behalf_of` the
    city whose step the secretariat records for it. `actor`, a typed name, is how requests
    were made before principals: the workflow reads it from old histories and refuses it in
    anything new.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Annotated[str, Field(pattern=ACTOR_PATTERN)] | None = None
    principal: Principal | None = Field(default=None, validate_default=True)
    on_behalf_of: Slug | None = None
    command: Command

    @field_validator("actor", "command")
    @classmethod
    def _storable_text(cls, value: str | BaseModel, info: ValidationInfo) -> str | BaseModel:
        """Refuse U+0000 (PostgreSQL cannot store it: the record would never land) and control
        characters (they would take over the terminal of whoever reads the history)."""
        plain = value.model_dump() if isinstance(value, BaseModel) else value
        found = forbidden_at(plain)
        if found is not None:
            where = ".".join(str(part) for part in (info.field_name or "value", *found[0]))
            raise ValueError(forbidden_problem(where, found[1]))
        return value

    @field_validator("principal")
    @classmethod
    def _one_sender(cls, principal: Principal | None, info: ValidationInfo) -> Principal | None:
        actor = info.data.get("actor")
        if principal is None and actor is None:
            raise ValueError("who sends the command is missing: give its principal")
        if principal is not None and actor is not None:
            raise ValueError("give the principal only: a typed actor is no longer accepted")
        return principal

    @property
    def sender(self) -> Principal:
        """The principal, or the legacy actor of a request recorded before principals."""
        return self.principal or Principal.legacy(self.actor or "")


class CommandEnvelope(CommandRequest):
    """A command with its idempotency key inside: the fire-and-forget signal form."""

    command_id: Key
