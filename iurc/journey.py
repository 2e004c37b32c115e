"""A whole pairing life as commands: the demo drives pairings with it, and so do the tests.

Times are given relative to `at`, the moment the pairing was proposed, so the same script
runs under the domain's explicit clock, the time-skipping server, the dev server and the
demo. The people in it are fictional (example.org addresses).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import commands as cmd
from domain.action_plan import ActionPlan, Milestone
from domain.meetings import MeetingKind
from domain.stakeholders import Helix, Stakeholder


def stakeholder(city: str, helix: Helix, number: int = 1) -> Stakeholder:
    return Stakeholder(
        name=f"{helix.label.title()} Person {number}",
        email=f"{helix.value}.{number}@{city}.example.org",
        city=city,
        helix=helix,
        role="focal point" if helix is Helix.GOVERNMENT else "member",
        focal_point=helix is Helix.GOVERNMENT,
    )


def action_plan(eu: str, partner: str, *, helices: tuple[Helix, ...] = tuple(Helix)) -> ActionPlan:
    return ActionPlan(
        title=f"{eu.title()}-{partner.title()} urban cooperative action plan",
        stakeholders=tuple(stakeholder(city, helix) for helix in helices for city in (eu, partner)),
        projects=("Shared mobility data platform pilot",),
        decision_making="A joint steering committee of both city governments decides by consensus.",
        roadmap=(Milestone(title="Pilot procurement", due_on=date(2031, 6, 30)),),
    )


def journey(eu: str, partner: str, at: datetime) -> list[tuple[str, cmd.Command]]:
    """(idempotency key, command) pairs from matching to the follow-up stage."""
    day = at.date()
    return [
        ("confirm-eu", cmd.ConfirmParticipation(city=eu)),
        ("confirm-partner", cmd.ConfirmParticipation(city=partner)),
        ("focal-eu", cmd.AddStakeholder(stakeholder=stakeholder(eu, Helix.GOVERNMENT))),
        ("focal-partner", cmd.AddStakeholder(stakeholder=stakeholder(partner, Helix.GOVERNMENT))),
        (
            "schedule-kickoff",
            cmd.ScheduleMeeting(
                meeting_id="kickoff",
                meeting_kind=MeetingKind.KICKOFF,
                scheduled_for=at + timedelta(days=7),
                title="Kick-off",
            ),
        ),
        (
            "held-kickoff",
            cmd.RecordMeeting(meeting_id="kickoff", meeting_kind=MeetingKind.KICKOFF, held_at=at),
        ),
        (
            "held-bilateral-1",
            cmd.RecordMeeting(
                meeting_id="bilateral-1", meeting_kind=MeetingKind.BILATERAL, held_at=at
            ),
        ),
        (
            "held-cluster-1",
            cmd.RecordMeeting(
                meeting_id="cluster-1", meeting_kind=MeetingKind.CLUSTER_EVENT, held_at=at
            ),
        ),
        (
            "held-bilateral-2",
            cmd.RecordMeeting(
                meeting_id="bilateral-2", meeting_kind=MeetingKind.BILATERAL, held_at=at
            ),
        ),
        (
            "visit",
            cmd.CompleteStudyVisit(
                visit_id="visit-1", host_city=partner, started_on=day, ended_on=day
            ),
        ),
        ("plan-v1", cmd.SubmitActionPlan(plan=action_plan(eu, partner))),
        ("plan-changes", cmd.RequestActionPlanChanges(reason="Add a budget per project.")),
        (
            "plan-v2",
            cmd.SubmitActionPlan(
                plan=action_plan(eu, partner).model_copy(update={"title": "Revised plan"})
            ),
        ),
        ("plan-approved", cmd.ApproveActionPlan()),
        ("stakeholder", cmd.AddStakeholder(stakeholder=stakeholder(partner, Helix.BUSINESS, 2))),
        ("pilot-funded", cmd.FundPilot(title="Mobility data pilot", amount_eur=150_000)),
        (
            "pilot-m1",
            cmd.ReportPilotMilestone(
                milestone_id="m1", description="Data platform procured", reached_on=day
            ),
        ),
        ("pilot-done", cmd.CompletePilot(summary="Platform live in both cities.")),
        (
            "follow-up-1",
            cmd.LogFollowUp(follow_up_id="f1", held_at=at, summary="Quarterly call"),
        ),
    ]
