"""The permission table, cell by cell: who may send which command to which pairing.

The expectations are written out here, not computed from `domain.permissions`, so that a
change to the table that nobody meant fails a test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import commands as cmd
from domain.action_plan import ActionPlan, Milestone
from domain.catalog import SEED_CATALOG
from domain.decider import decide, propose_pairing
from domain.errors import PermissionDeniedError
from domain.evolve import initial_state
from domain.meetings import MeetingKind
from domain.permissions import PERMISSIONS, authorize
from domain.principals import Principal, Role, Scope
from domain.stages import Stage
from domain.stakeholders import Helix, Stakeholder
from domain.state import PairingState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUSAN_PERSON = Stakeholder(
    name="Ji-woo", email="jiwoo@busan.example.org", city="busan", helix=Helix.GOVERNMENT
)

PRINCIPALS = {
    "operator": Principal(role=Role.OPERATOR, name="kim"),
    "officer": Principal(role=Role.PROGRAMME_OFFICER, name="lee"),
    "head": Principal(role=Role.HEAD_OF_SECRETARIAT, name="park"),
    "fp-eu": Principal(role=Role.FOCAL_POINT, name="anna", city="rotterdam"),
    "fp-partner": Principal(role=Role.FOCAL_POINT, name="minji", city="busan"),
    "fp-stranger": Principal(role=Role.FOCAL_POINT, name="ivan", city="sofia"),
    "svc-partner": Principal(role=Role.SERVICE, name="zoom", city="busan", scopes=frozenset(Scope)),
    "svc-unscoped": Principal(role=Role.SERVICE, name="cal", city="busan"),
    "svc-stranger": Principal(role=Role.SERVICE, name="crm", city="sofia", scopes=frozenset(Scope)),
    "svc-pairing": Principal(
        role=Role.SERVICE,
        name="events",
        pairings=frozenset({"rotterdam-busan-2021"}),
        scopes=frozenset(Scope),
    ),
}
SECRETARIAT = {"operator", "officer", "head"}
DECIDERS = {"officer", "head"}
JOINT_STEP = SECRETARIAT | {"fp-eu", "fp-partner", "svc-partner", "svc-pairing"}
"""A step both cities take together: either city, its services, a service named for it."""
BUSAN_STEP_NO_SERVICE = SECRETARIAT | {"fp-partner"}

COMMANDS: dict[str, tuple[cmd.Command, set[str]]] = {
    "confirm_participation": (
        cmd.ConfirmParticipation(city="busan"),
        SECRETARIAT | {"fp-partner", "svc-partner"},
    ),
    "schedule_meeting": (
        cmd.ScheduleMeeting(
            meeting_id="m1", meeting_kind=MeetingKind.BILATERAL, scheduled_for=T0 + timedelta(3)
        ),
        JOINT_STEP,
    ),
    "record_meeting": (
        cmd.RecordMeeting(meeting_id="m1", meeting_kind=MeetingKind.BILATERAL, held_at=T0),
        JOINT_STEP,
    ),
    "complete_study_visit": (
        cmd.CompleteStudyVisit(
            visit_id="v1", host_city="busan", started_on=T0.date(), ended_on=T0.date()
        ),
        JOINT_STEP,
    ),
    "submit_action_plan": (
        cmd.SubmitActionPlan(
            plan=ActionPlan(
                title="Plan",
                projects=("Pilot",),
                decision_making="A joint committee.",
                roadmap=(Milestone(title="Start", due_on=date(2027, 1, 1)),),
            )
        ),
        JOINT_STEP,
    ),
    "report_pilot_milestone": (
        cmd.ReportPilotMilestone(milestone_id="p1", description="Done", reached_on=T0.date()),
        JOINT_STEP,
    ),
    "complete_pilot": (cmd.CompletePilot(), JOINT_STEP),
    "log_follow_up": (cmd.LogFollowUp(follow_up_id="f1", held_at=T0), JOINT_STEP),
    "add_stakeholder": (cmd.AddStakeholder(stakeholder=BUSAN_PERSON), BUSAN_STEP_NO_SERVICE),
    "remove_stakeholder": (cmd.RemoveStakeholder(ref="busan-1"), BUSAN_STEP_NO_SERVICE),
    "change_focal_point": (
        cmd.ChangeFocalPoint(ref="busan-1", focal_point=True),
        BUSAN_STEP_NO_SERVICE,
    ),
    "pause": (cmd.Pause(reason="Elections"), SECRETARIAT),
    "resume": (cmd.Resume(), SECRETARIAT),
    "request_action_plan_changes": (cmd.RequestActionPlanChanges(reason="More"), DECIDERS),
    "approve_action_plan": (cmd.ApproveActionPlan(), DECIDERS),
    "fund_pilot": (cmd.FundPilot(title="Pilot", amount_eur=1000), DECIDERS),
    "waive_stage": (cmd.WaiveStage(stage=Stage.STUDY_VISIT, reason="Travel"), DECIDERS),
    "withdraw": (cmd.Withdraw(reason="Left"), DECIDERS),
    "change_policy": (cmd.ChangePolicy(reminder_fraction=0.3), DECIDERS),
}


def pairing() -> PairingState:
    proposed = propose_pairing(
        SEED_CATALOG,
        eu_city="rotterdam",
        partner_city="busan",
        cycle=2021,
        now=T0,
        stakeholders=[BUSAN_PERSON],
    )
    return initial_state(proposed)


def test_the_table_names_every_command_a_person_or_service_may_send() -> None:
    kinds = {member.model_fields["kind"].default for member in cmd.Command.__args__[0].__args__}
    assert set(PERMISSIONS) == kinds == set(COMMANDS)


CELLS = [
    (kind, who, who in allowed) for kind, (_, allowed) in COMMANDS.items() for who in PRINCIPALS
]


@pytest.mark.parametrize(("kind", "who", "allowed"), CELLS, ids=[f"{k}-{w}" for k, w, _ in CELLS])
def test_each_cell_of_the_table(kind: str, who: str, allowed: bool) -> None:
    command = COMMANDS[kind][0]
    principal = PRINCIPALS[who]
    if allowed:
        authorize(principal, command, pairing(), None)
        return
    with pytest.raises(PermissionDeniedError) as denied:
        authorize(principal, command, pairing(), None)
    assert f"cannot {kind.replace('_', ' ')}" in denied.value.message
    assert any(says in denied.value.message for says in ("only", "acts", "needs the scope"))


def test_a_refusal_says_who_may_send_it_and_who_sent_it() -> None:
    with pytest.raises(PermissionDeniedError) as denied:
        authorize(PRINCIPALS["operator"], cmd.ApproveActionPlan(), pairing(), None)
    assert denied.value.message == (
        "cannot approve action plan: only the programme officer or the head of the "
        "secretariat may; this command came from operator kim"
    )


def test_a_city_never_acts_for_the_other_city() -> None:
    with pytest.raises(PermissionDeniedError, match="acts only for rotterdam"):
        authorize(PRINCIPALS["fp-eu"], cmd.ConfirmParticipation(city="busan"), pairing(), None)
    with pytest.raises(PermissionDeniedError, match="acts only for busan"):
        authorize(PRINCIPALS["svc-partner"], COMMANDS["record_meeting"][0], pairing(), "rotterdam")


def test_a_service_outside_the_pairing_touches_nothing_of_it() -> None:
    with pytest.raises(PermissionDeniedError, match="is not sofia's"):
        authorize(PRINCIPALS["svc-stranger"], COMMANDS["record_meeting"][0], pairing(), None)


@pytest.mark.parametrize(
    ("who", "command", "on_behalf_of", "acted_for"),
    [
        ("operator", COMMANDS["record_meeting"][0], "busan", "busan"),
        ("operator", COMMANDS["record_meeting"][0], None, None),
        ("officer", cmd.ConfirmParticipation(city="rotterdam"), None, "rotterdam"),
        ("fp-partner", COMMANDS["record_meeting"][0], None, "busan"),
        ("svc-pairing", COMMANDS["record_meeting"][0], None, None),
    ],
)
def test_the_city_a_command_was_sent_for(
    who: str, command: cmd.Command, on_behalf_of: str | None, acted_for: str | None
) -> None:
    assert authorize(PRINCIPALS[who], command, pairing(), on_behalf_of) == acted_for


@pytest.mark.parametrize(
    ("who", "command", "on_behalf_of", "message"),
    [
        ("operator", COMMANDS["record_meeting"][0], "sofia", "on behalf of rotterdam or busan"),
        ("operator", cmd.ConfirmParticipation(city="busan"), "rotterdam", "on behalf of busan"),
        ("officer", cmd.ApproveActionPlan(), "busan", "the secretariat's own decision"),
    ],
)
def test_on_behalf_of_only_a_city_whose_step_it_is(
    who: str, command: cmd.Command, on_behalf_of: str, message: str
) -> None:
    with pytest.raises(PermissionDeniedError, match=message):
        authorize(PRINCIPALS[who], command, pairing(), on_behalf_of)


def test_the_recorded_event_names_the_principal_and_the_city_it_acted_for() -> None:
    (confirmed,) = decide(
        pairing(),
        cmd.ConfirmParticipation(city="busan"),
        command_id="k",
        principal=PRINCIPALS["operator"],
        now=T0,
    )
    assert (confirmed.actor, confirmed.on_behalf_of) == ("operator:kim", "busan")


def test_a_command_recorded_before_principals_replays_as_it_was() -> None:
    legacy = Principal.legacy("cli:root")
    (approved,) = decide(
        pairing(), cmd.Pause(reason="Elections"), command_id="k", principal=legacy, now=T0
    )
    assert approved.actor == "cli:root"
