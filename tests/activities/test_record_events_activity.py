"""The record_events activity run by the SDK's own activity runner against a real PostgreSQL."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from structlog.testing import capture_logs
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.event_store import EventStoreActivities
from adapters.postgres.read_model import get_pairing, list_notifications
from contracts.recording import RecordResult
from domain import commands as cmd
from domain.decider import decide_deadlines
from domain.evolve import initial_state
from domain.recording import Recording, first_recording, record
from domain.stakeholders import Helix, Stakeholder
from domain.state import PairingState
from tests.domain.gwt import decided, proposed

T0 = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
EMAIL = "ji-woo.kim@busan.example"


def proposed_as(pairing_id: str, at: datetime = T0) -> tuple[PairingState, Recording]:
    event = proposed(at=at).model_copy(update={"pairing_id": pairing_id})
    state = initial_state(event)
    return state, first_recording(state, event)


def with_stakeholder_then_stale(state: PairingState) -> Recording:
    """A stakeholder (personal data) joins, then the pairing goes quiet: three messages."""
    person = Stakeholder(name="Ji-woo Kim", email=EMAIL, city="busan", helix=Helix.GOVERNMENT)
    added = cmd.AddStakeholder(stakeholder=person)
    events = decided(state, added, key="add-kim", at=T0 + timedelta(days=1))
    after_adding, _ = record(state, events)
    events += decide_deadlines(after_adding, T0 + timedelta(days=60))
    return record(state, events)[1]


@pytest.fixture
def pairing_id(request: pytest.FixtureRequest) -> str:
    return f"{request.node.name}-{secrets.token_hex(4)}"


async def test_record_events_appends_once_and_logs_without_personal_data(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    activities, env = EventStoreActivities(pg_pool), ActivityEnvironment()
    state, first = proposed_as(pairing_id)
    stale = with_stakeholder_then_stale(state)

    with capture_logs() as logs:
        results = [
            await env.run(activities.record_events, recording)
            for recording in (first, stale, stale)
        ]

    assert results == [
        RecordResult(appended=1, already_present=0, notifications_queued=0),
        RecordResult(appended=4, already_present=0, notifications_queued=3),
        RecordResult(appended=0, already_present=4, notifications_queued=0),
    ]
    queued = [line for line in logs if line["event"] == "notification queued"]
    assert [(line["kind"], line["audience"]) for line in queued] == [
        ("reminder", "focal_points"),
        ("escalation_1", "programme_officer"),
        ("escalation_2", "head_of_secretariat"),
    ]
    assert all(line["pairing_id"] == pairing_id for line in queued)
    canonical = [line for line in logs if line["event"] == "events recorded"]
    assert [(c["first_sequence"], c["last_sequence"], c["appended"]) for c in canonical] == [
        (1, 1, 1),
        (2, 5, 4),
        (2, 5, 0),
    ]
    assert EMAIL not in repr(logs)
    assert "Ji-woo" not in repr(logs)
    row = await get_pairing(pg_pool, pairing_id)
    assert row is not None
    assert (row.version, row.stale, row.escalation_level) == (5, True, 2)
    notes = await list_notifications(pg_pool, pairing_id=pairing_id)
    assert [note.notification_id for note in notes] == [
        f"{pairing_id}:3:reminder",
        f"{pairing_id}:4:escalation_1",
        f"{pairing_id}:5:escalation_2",
    ]


async def test_a_conflicting_stream_fails_without_retry(
    pg_pool: asyncpg.Pool, pairing_id: str
) -> None:
    """A second writer for the pairing is a bug that retrying cannot fix."""
    activities, env = EventStoreActivities(pg_pool), ActivityEnvironment()
    await env.run(activities.record_events, proposed_as(pairing_id)[1])
    second_writer = proposed_as(pairing_id, at=T0 + timedelta(hours=1))[1]

    with capture_logs() as logs, pytest.raises(ApplicationError) as raised:
        await env.run(activities.record_events, second_writer)

    assert raised.value.type == "EventStreamConflict"
    assert raised.value.non_retryable
    assert f"pairing {pairing_id} already has PairingProposed at sequence 1" in str(raised.value)
    assert [(line["event"], line["log_level"]) for line in logs] == [
        ("event stream conflict", "error")
    ]
