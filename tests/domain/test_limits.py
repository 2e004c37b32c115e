"""At the caps: a pairing's state stays bounded, and what it carries fits Temporal's 2 MB."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.pairing import Carried
from domain import commands as cmd
from domain import events as ev
from domain.action_plan import ActionPlan, Milestone
from domain.errors import InvalidCommandError
from domain.evolve import evolve
from domain.limits import (
    CONTINUE_AS_NEW_BUDGET,
    KEY_WINDOW,
    MAX_FOLLOW_UPS,
    MAX_MEETINGS,
    MAX_PILOT_MILESTONES,
    MAX_STAKEHOLDERS,
    MAX_STUDY_VISITS,
    refuse_beyond_caps,
)
from domain.meetings import Meeting, MeetingKind
from domain.recording import RecordedEvent, carried_events
from domain.stages import Stage
from domain.stakeholders import Helix, Stakeholder
from domain.state import PairingState, Pilot
from tests.domain.gwt import T0, a_pairing

TEMPORAL_PAYLOAD_LIMIT = 2 * 1024 * 1024


def person(number: int, *, long: bool = False) -> Stakeholder:
    return Stakeholder(
        name=("N" * 200) if long else f"Person {number}",
        email=f"{'x' * 60 if long else 'p'}{number}@busan.example.org",
        city="busan",
        helix=Helix.ACADEMIA,
        role=("R" * 120) if long else "member",
    )


def full(state: PairingState) -> PairingState:
    """`state` with every capped collection at its cap, every text at its longest."""
    at = datetime(2030, 1, 1, tzinfo=UTC)
    meetings = {
        f"m{n:03d}" + "x" * 90: Meeting(
            meeting_id=f"m{n:03d}" + "x" * 90, kind=MeetingKind.BILATERAL, title="T" * 200,
            scheduled_for=at, held_at=at,
        )
        for n in range(MAX_MEETINGS)
    }  # fmt: skip
    plan = ActionPlan(
        title="P" * 300,
        stakeholders=tuple(person(n, long=True) for n in range(100)),
        projects=tuple("J" * 1000 for _ in range(50)),
        decision_making="D" * 2000,
        roadmap=tuple(Milestone(title="M" * 300, due_on=date(2031, 1, 1)) for _ in range(100)),
    )
    keys = {f"{'k' * 90}{n:06d}": f"record_meeting:{'f' * 32}" for n in range(KEY_WINDOW)}
    return state.model_copy(
        update={
            "stakeholders": {f"busan-{n}": person(n, long=True) for n in range(MAX_STAKEHOLDERS)},
            "meetings": meetings,
            "study_visits": tuple(f"v{n}" + "x" * 95 for n in range(MAX_STUDY_VISITS)),
            "follow_ups": tuple(f"f{n}" + "x" * 95 for n in range(MAX_FOLLOW_UPS)),
            "pilot": Pilot(
                title="t" * 300,
                amount_eur=1,
                funder="f" * 200,
                funded_at=at,
                milestone_ids=tuple(f"ms{n}" + "x" * 95 for n in range(MAX_PILOT_MILESTONES)),
            ),
            "plan": plan,
            "pause_reason": "r" * 2000,
            "command_ids": frozenset(keys),
            "command_fingerprints": keys,
        }
    )


def test_a_pairing_full_to_every_cap_still_continues_as_new_under_2_mb() -> None:
    state = full(a_pairing().state)
    size = len(state.model_dump_json())
    assert size < CONTINUE_AS_NEW_BUDGET * 0.6, f"a full state is {size} bytes"
    rejection = ev.CommandRejected(
        command_kind="pause", reason="r" * 4000, occurred_at=T0, rejected_command_id="k" * 100
    )
    thousands = [RecordedEvent(sequence=n, event=rejection) for n in range(2, 3000)]
    carried = Carried(state=state, events=carried_events(thousands, state))
    assert 0 < len(carried.events) < len(thousands), "the newest events, as many as fit"
    assert len(carried.model_dump_json()) < TEMPORAL_PAYLOAD_LIMIT


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (cmd.AddStakeholder(stakeholder=person(999)), f"at most {MAX_STAKEHOLDERS} people"),
        (
            cmd.RecordMeeting(meeting_id="new", meeting_kind=MeetingKind.BILATERAL, held_at=T0),
            f"at most {MAX_MEETINGS} meetings",
        ),
        (
            cmd.CompleteStudyVisit(
                visit_id="new", host_city="busan", started_on=T0.date(), ended_on=T0.date()
            ),
            f"at most {MAX_STUDY_VISITS} study visits",
        ),
        (cmd.LogFollowUp(follow_up_id="new", held_at=T0), f"at most {MAX_FOLLOW_UPS} follow-ups"),
        (
            cmd.ReportPilotMilestone(milestone_id="new", description="d", reached_on=T0.date()),
            f"at most {MAX_PILOT_MILESTONES} milestones",
        ),
    ],
)
def test_a_command_beyond_a_cap_is_refused_with_the_cap(command: cmd.Command, what: str) -> None:
    with pytest.raises(InvalidCommandError, match=what):
        refuse_beyond_caps(command, full(a_pairing().state))


def test_a_meeting_already_known_is_not_counted_again_at_the_cap() -> None:
    state = full(a_pairing().state)
    known = next(iter(state.meetings))
    refuse_beyond_caps(
        cmd.RecordMeeting(meeting_id=known, meeting_kind=MeetingKind.BILATERAL, held_at=T0), state
    )


def test_the_window_keeps_the_latest_keys_and_counts_the_ones_it_forgot() -> None:
    state = a_pairing().state
    for number in range(KEY_WINDOW + 3):
        event = ev.StageWaived(
            stage=Stage.BILATERAL,
            reason="r",
            occurred_at=T0 + timedelta(seconds=number),
            command_id=f"k{number}",
            command_fingerprint=f"waive_stage:{number}",
        )
        state = evolve(state, event)
    assert state.keys_forgotten == 3
    assert len(state.command_fingerprints) == KEY_WINDOW
    assert "k0" not in state.command_ids
    assert "k2" not in state.command_ids
    assert f"k{KEY_WINDOW + 2}" in state.command_ids
    assert next(iter(state.command_fingerprints)) == "k3"
