"""The event store against a real PostgreSQL, fed with Recordings the domain really makes.

Every test uses a pairing id of its own, so tests share the session database without
truncating it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, get_args

import asyncpg
import pytest

from adapters.postgres.event_store import (
    EventStreamConflictError,
    append,
    load_events,
)
from adapters.postgres.read_model import (
    get_pairing,
    list_escalations,
    list_notifications,
    list_pairings,
)
from domain import commands as cmd
from domain.action_plan import ActionPlan, Milestone
from domain.decider import decide_deadlines, reject
from domain.events import Event
from domain.evolve import fold, initial_state
from domain.meetings import MeetingKind
from domain.policy import StalenessPolicy
from domain.recording import RecordedEvent, Recording, first_recording, forget_recorded, record
from domain.stages import Stage
from domain.stakeholders import Helix, Stakeholder
from domain.state import PairingState
from domain.view import view_of
from tests.domain.gwt import decided, proposed

T0 = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
TABLES = ("events", "pairings", "escalations", "notifications")
ALL_EVENT_TYPES = {cls.model_fields["type"].default for cls in get_args(get_args(Event)[0])}


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def person(name: str, city: str, helix: Helix) -> Stakeholder:
    email = f"{name.lower()}@{city}.example"
    return Stakeholder(name=name, email=email, city=city, helix=helix, focal_point=True)


@dataclass
class Story:
    """A pairing driven through the domain's decider, keeping every Recording it made."""

    state: PairingState
    recordings: list[Recording] = field(default_factory=list)

    @classmethod
    def propose(cls, pairing_id: str, at: datetime = T0) -> Story:
        first = proposed(at=at).model_copy(update={"pairing_id": pairing_id})
        state = initial_state(first)
        return cls(state, [first_recording(state, first)])

    def do(self, command: cmd.Command, at: datetime) -> Recording:
        key = f"{command.kind}-{len(self.recordings)}"
        return self._record(decided(self.state, command, key=key, at=at))

    def tick(self, at: datetime) -> Recording:
        return self._record(decide_deadlines(self.state, at))

    def reject(self, at: datetime) -> Recording:
        rejected = reject(self.state, "late-signal", "record_meeting", "meeting id missing", at)
        return self._record([rejected])

    def confirm_both(self, at: datetime) -> None:
        self.do(cmd.ConfirmParticipation(city="rotterdam"), at)
        self.do(cmd.ConfirmParticipation(city="busan"), at + timedelta(hours=1))

    def meet(self, meeting_id: str, kind: MeetingKind, at: datetime) -> Recording:
        return self.do(cmd.RecordMeeting(meeting_id=meeting_id, meeting_kind=kind, held_at=at), at)

    def _record(self, events: Sequence[Event]) -> Recording:
        self.state, recording = record(self.state, events)
        self.recordings.append(recording)
        return recording


def full_lifecycle(pairing_id: str) -> Story:
    """Matching to completed, stale once in bilateral and once in follow-up."""
    story = Story.propose(pairing_id)
    story.confirm_both(day(2))
    kickoff = cmd.ScheduleMeeting(
        meeting_id="k1", meeting_kind=MeetingKind.KICKOFF, scheduled_for=day(10)
    )
    story.do(kickoff, day(4))
    story.meet("k1", MeetingKind.KICKOFF, day(10))
    story.tick(day(101))  # reminder, escalation 1 and 2 in bilateral (idle limit 45 days)
    story.meet("c1", MeetingKind.CLUSTER_EVENT, day(105))  # back on track
    story.meet("b1", MeetingKind.BILATERAL, day(110))
    story.meet("b2", MeetingKind.BILATERAL, day(120))
    story.do(cmd.Pause(reason="municipal elections"), day(121))
    story.do(cmd.Resume(), day(130))
    story.do(
        cmd.ChangePolicy(policy=StalenessPolicy(follow_up_period=timedelta(days=365))), day(131)
    )
    story.do(
        cmd.AddStakeholder(stakeholder=person("Anna", "rotterdam", Helix.GOVERNMENT)), day(132)
    )
    story.do(cmd.AddStakeholder(stakeholder=person("Bo", "busan", Helix.BUSINESS)), day(132))
    story.do(cmd.ChangeFocalPoint(ref="busan-1", focal_point=False), day(133))
    story.do(cmd.RemoveStakeholder(ref="busan-1"), day(134))
    visit = cmd.CompleteStudyVisit(
        visit_id="v1", host_city="busan", started_on=date(2021, 7, 12), ended_on=date(2021, 7, 16)
    )
    story.do(visit, day(140))
    plan = ActionPlan(
        title="Smart mobility corridor",
        stakeholders=(
            person("Anna", "rotterdam", Helix.GOVERNMENT),
            person("Bram", "rotterdam", Helix.ACADEMIA),
            person("Jiho", "busan", Helix.BUSINESS),
            person("Minji", "busan", Helix.CIVIL_SOCIETY),
        ),
        projects=("Shared mobility data platform",),
        decision_making="A joint steering committee decides by consensus each quarter.",
        roadmap=(Milestone(title="Pilot launch", due_on=date(2022, 3, 1)),),
    )
    story.do(cmd.SubmitActionPlan(plan=plan), day(150))
    story.do(cmd.RequestActionPlanChanges(reason="name the data owner"), day(155))
    story.do(cmd.SubmitActionPlan(plan=plan), day(160))
    story.do(cmd.ApproveActionPlan(), day(165))
    story.do(cmd.FundPilot(title="Mobility data pilot", amount_eur=250_000), day(170))
    milestone = cmd.ReportPilotMilestone(
        milestone_id="m1", description="platform live", reached_on=date(2021, 9, 15)
    )
    story.do(milestone, day(200))
    story.do(cmd.CompletePilot(summary="done"), day(250))
    story.do(cmd.LogFollowUp(follow_up_id="f1", held_at=day(259)), day(260))
    story.reject(day(261))
    story.tick(day(250 + 366))  # stale again, then the follow-up period ends
    assert story.state.stage is Stage.COMPLETED
    return story


def withdrawn_while_escalated(pairing_id: str) -> Story:
    story = Story.propose(pairing_id)
    story.confirm_both(day(2))
    story.meet("k1", MeetingKind.KICKOFF, day(5))
    story.do(cmd.WaiveStage(stage=Stage.BILATERAL, reason="travel restrictions"), day(6))
    story.tick(day(100))  # study visit idle limit 90 days: reminder and escalation 1
    story.do(cmd.Withdraw(reason="the partner city left the programme"), day(101))
    return story


@pytest.fixture
def pairing_id(request: pytest.FixtureRequest) -> str:
    return f"{request.node.name}-{secrets.token_hex(4)}"


async def append_all(pool: asyncpg.Pool, recordings: Sequence[Recording]) -> None:
    for recording in recordings:
        await append(pool, recording)


def stream(story: Story) -> list[RecordedEvent]:
    """The story's events as the store keeps them: removed people forgotten."""
    recorded = [recorded for recording in story.recordings for recorded in recording.events]
    return forget_recorded(recorded, [f for r in story.recordings for f in r.forgotten])


async def snapshot(pool: asyncpg.Pool, pairing_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the pairing in every table, timestamps of writing included."""
    async with pool.acquire() as conn:
        return {
            table: [
                dict(row)
                for row in await conn.fetch(
                    f"SELECT * FROM {table} WHERE pairing_id = $1 ORDER BY 1, 2", pairing_id
                )
            ]
            for table in TABLES
        }


async def test_every_event_type_round_trips_through_the_store(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    completed = full_lifecycle(f"{pairing_id}-a")
    withdrawn = withdrawn_while_escalated(f"{pairing_id}-b")
    for story in (completed, withdrawn):
        await append_all(pg_pool, story.recordings)
        assert await load_events(pg_pool, story.state.pairing_id) == stream(story)
    types = {recorded.event.type for story in (completed, withdrawn) for recorded in stream(story)}
    assert types == ALL_EVENT_TYPES


async def test_the_read_model_row_is_the_fold_of_the_stored_events(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    story = full_lifecycle(pairing_id)
    for recording in story.recordings:
        await append(pg_pool, recording)
        loaded = await load_events(pg_pool, pairing_id)
        row = await get_pairing(pg_pool, pairing_id)
        assert row is not None
        assert row.view == view_of(fold(recorded.event for recorded in loaded))
        assert row.view == recording.view
        assert row.version == loaded[-1].sequence
        assert (row.stage, row.status, row.stale) == (
            row.view.stage,
            row.view.status,
            row.view.stale,
        )
        assert row.escalation_level == row.view.escalation_level
        deadline = row.view.next_deadline
        assert row.next_deadline_at == (deadline.due_at if deadline else None)
        assert row.next_deadline_kind == (deadline.kind if deadline else None)


async def test_appending_the_same_recording_again_changes_nothing(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    story = Story.propose(pairing_id)
    stale = story.tick(day(50))  # matching: reminder, escalation 1 and 2 with three messages
    await append_all(pg_pool, story.recordings)
    before = await snapshot(pg_pool, pairing_id)

    again = await append(pg_pool, stale)

    assert (again.appended, again.already_present, again.notifications_queued) == (0, 3, 0)
    assert await snapshot(pg_pool, pairing_id) == before


async def test_a_first_append_reports_what_it_wrote(pg_pool: asyncpg.Pool, pairing_id: str) -> None:
    story = Story.propose(pairing_id)
    stale = story.tick(day(50))
    proposed = await append(pg_pool, story.recordings[0])
    outcome = await append(pg_pool, stale)
    assert (proposed.appended, proposed.already_present, proposed.notifications_queued) == (1, 0, 0)
    assert (outcome.appended, outcome.already_present) == (3, 0)
    assert [note.kind for note in outcome.queued] == ["reminder", "escalation_1", "escalation_2"]


async def test_an_older_recording_never_moves_the_pairing_row_back(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    story = Story.propose(pairing_id)
    story.confirm_both(day(1))
    first, confirmed, advanced = story.recordings
    await append_all(pg_pool, [first, advanced])  # the middle one is late
    row_before = await get_pairing(pg_pool, pairing_id)

    late = await append(pg_pool, confirmed)
    retried = await append(pg_pool, first)

    assert (late.appended, retried.already_present) == (1, 1)
    assert await get_pairing(pg_pool, pairing_id) == row_before
    assert row_before is not None
    assert row_before.view == advanced.view
    assert await load_events(pg_pool, pairing_id) == stream(story)


async def test_a_second_proposal_of_the_same_pairing_is_a_conflict(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    """Two workflow runs for one pairing: the later one must fail, not pass as a retry."""
    await append(pg_pool, Story.propose(pairing_id).recordings[0])
    before = await snapshot(pg_pool, pairing_id)
    other = Story.propose(pairing_id, at=day(1)).recordings[0]

    with pytest.raises(EventStreamConflictError, match=f"pairing {pairing_id} already has") as err:
        await append(pg_pool, other)

    assert err.value.sequence == 1
    assert await snapshot(pg_pool, pairing_id) == before


async def test_a_conflict_after_new_events_leaves_nothing_half_written(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    """Writer A stored sequences 3-4; writer B's 2-3 conflict at 3, so its new 2 is undone."""
    writer_a = Story.propose(pairing_id)
    writer_b = Story(writer_a.state, [])
    writer_a.confirm_both(day(1))  # sequences 2, then 3-4 (confirmed, stage advanced)
    await append_all(pg_pool, [writer_a.recordings[0], writer_a.recordings[2]])
    before = await snapshot(pg_pool, pairing_id)
    branch = writer_b.tick(day(25))  # reminder at 2, escalation 1 at 3, with two messages

    with pytest.raises(EventStreamConflictError, match="at sequence 3"):
        await append(pg_pool, branch)

    assert await snapshot(pg_pool, pairing_id) == before
    assert [e.sequence for e in await load_events(pg_pool, pairing_id)] == [1, 3, 4]


async def test_a_retry_from_another_process_is_not_a_conflict(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    """Sets serialise in hash order, which differs between processes; events are compared."""
    proposed = Story.propose(pairing_id).recordings[0]
    await append(pg_pool, proposed)
    await pg_pool.execute(
        """
        UPDATE events SET payload = jsonb_set(payload, '{partner_city,interests}',
            (SELECT jsonb_agg(topic ORDER BY topic DESC)
             FROM jsonb_array_elements(payload -> 'partner_city' -> 'interests') AS topic))
        WHERE pairing_id = $1
        """,
        pairing_id,
    )
    outcome = await append(pg_pool, proposed)
    assert (outcome.appended, outcome.already_present) == (0, 1)


async def test_escalations_open_when_escalated_and_close_when_back_on_track(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    story = Story.propose(pairing_id)
    story.tick(day(50))  # reminder 2, escalation 1 at 3, escalation 2 at 4
    await append_all(pg_pool, story.recordings)
    opened = await list_escalations(pg_pool, open_only=True, pairing_id=pairing_id)
    assert [(e.level, e.opened_sequence, e.stage, e.idle_days) for e in opened] == [
        (1, 3, Stage.MATCHING, 50),
        (2, 4, Stage.MATCHING, 50),
    ]
    [row] = [
        row for row in await list_pairings(pg_pool, stale=True) if row.pairing_id == pairing_id
    ]
    assert (row.escalation_level, row.next_deadline_kind) == (2, None)

    back = story.meet("c1", MeetingKind.CLUSTER_EVENT, day(60))  # held 5, back on track 6
    outcome = await append(pg_pool, back)

    assert await list_escalations(pg_pool, open_only=True, pairing_id=pairing_id) == []
    closed = await list_escalations(pg_pool, pairing_id=pairing_id)
    assert {(e.closed_sequence, e.closed_at, e.closed_reason) for e in closed} == {
        (6, day(60), "back on track")
    }
    assert [note.kind for note in outcome.queued] == ["back_on_track"]
    notes = await list_notifications(pg_pool, pairing_id=pairing_id)
    assert [(n.sequence, n.kind, n.audience.value, n.status) for n in notes] == [
        (2, "reminder", "focal_points", "pending"),
        (3, "escalation_1", "programme_officer", "pending"),
        (4, "escalation_2", "head_of_secretariat", "pending"),
        (6, "back_on_track", "secretariat", "pending"),
    ]


async def test_withdrawal_and_completion_close_open_escalations(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    withdrawn = withdrawn_while_escalated(f"{pairing_id}-w")
    completed = full_lifecycle(f"{pairing_id}-c")
    for story in (withdrawn, completed):
        await append_all(pg_pool, story.recordings)
    reasons = {
        story.state.pairing_id: [
            (e.level, e.closed_reason)
            for e in await list_escalations(pg_pool, pairing_id=story.state.pairing_id)
        ]
        for story in (withdrawn, completed)
    }
    assert reasons == {
        withdrawn.state.pairing_id: [(1, "withdrawn")],
        completed.state.pairing_id: [
            (1, "back on track"),
            (2, "back on track"),
            (1, "completed"),
            (2, "completed"),
        ],
    }


async def test_a_pause_ends_the_staleness_and_closes_open_escalations(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    story = Story.propose(pairing_id)
    story.tick(day(30))  # reminder, escalation 1 in matching (idle limit 21 days)
    story.do(cmd.Pause(reason="municipal elections"), day(31))
    await append_all(pg_pool, story.recordings)
    escalations = await list_escalations(pg_pool, pairing_id=pairing_id)
    assert [(e.level, e.closed_reason) for e in escalations] == [(1, "paused")]
    row = await get_pairing(pg_pool, pairing_id)
    assert row is not None
    assert (row.stale, row.status) == (False, "paused")


async def test_an_escalation_stored_late_is_closed_by_what_was_stored_after_it(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    story = Story.propose(pairing_id)
    escalated = story.tick(day(30))  # reminder 2, escalation 1 at 3
    back = story.meet("c1", MeetingKind.CLUSTER_EVENT, day(31))  # held 4, back on track 5
    await append_all(pg_pool, [story.recordings[0], back, escalated])
    [escalation] = await list_escalations(pg_pool, pairing_id=pairing_id)
    assert (escalation.opened_sequence, escalation.closed_sequence) == (3, 5)
    assert escalation.closed_reason == "back on track"


async def test_pairings_are_listed_by_stage_staleness_and_city(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    quiet = Story.propose(f"{pairing_id}-quiet")
    quiet.tick(day(30))
    moving = Story.propose(f"{pairing_id}-moving")
    moving.confirm_both(day(1))
    for story in (quiet, moving):
        await append_all(pg_pool, story.recordings)

    def ours(rows: Sequence[Any]) -> set[str]:
        return {row.pairing_id for row in rows if row.pairing_id.startswith(pairing_id)}

    quiet_id, moving_id = quiet.state.pairing_id, moving.state.pairing_id
    assert ours(await list_pairings(pg_pool)) == {quiet_id, moving_id}
    assert ours(await list_pairings(pg_pool, stage=Stage.KICKOFF)) == {moving_id}
    assert ours(await list_pairings(pg_pool, stale=True)) == {quiet_id}
    assert ours(await list_pairings(pg_pool, stale=False, city="rotterdam")) == {moving_id}
    assert ours(await list_pairings(pg_pool, city="busan")) == {quiet_id, moving_id}
    assert ours(await list_pairings(pg_pool, city="seoul")) == set()
    assert await get_pairing(pg_pool, f"{pairing_id}-never") is None
