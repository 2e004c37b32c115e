"""No value a pairing holds can make its workflow task fail.

A city whose profile was stored before profiles were checked names a time zone that does
not exist. It used to fail every workflow task of its pairing once a meeting was scheduled
(the invitation's local times); now its times read in UTC, and nothing stops.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.catalog import SEED_CATALOG
from domain.meetings import MeetingKind
from domain.profiles import CityProfile
from iurc.client import PairingClient
from tests.principals import OFFICER
from tests.temporal_support import eventually, history_event_types

OLYMPUS = SEED_CATALOG["rotterdam"].model_copy(
    update={"slug": "olympus", "name": "Olympus", "timezone": "Mars/Olympus_Mons"}
)


async def test_a_stored_zone_that_does_not_exist_stops_nothing(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool
) -> None:
    profile = CityProfile(city=OLYMPUS)
    await pg_pool.execute(  # as an import before the check stored it
        "INSERT INTO cities (slug, profile) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE "
        "SET profile = EXCLUDED.profile",
        OLYMPUS.slug,
        profile.model_dump(mode="json"),
    )
    try:
        await schedule_with(env, pairings, pg_pool, profile)
    finally:  # the catalogue is the session's: other tests list it
        await pg_pool.execute("DELETE FROM cities WHERE slug = $1", OLYMPUS.slug)


async def schedule_with(
    env: WorkflowEnvironment, pairings: PairingClient, pg_pool: asyncpg.Pool, profile: CityProfile
) -> None:
    catalogued = PairingClient(
        env.client,
        task_queue=pairings.task_queue,
        catalog={"olympus": profile, "busan": CityProfile(city=SEED_CATALOG["busan"])},
    )
    now = await env.get_current_time()
    view = await catalogued.start("olympus", "busan", cycle=2031, now=now)
    for city in ("olympus", "busan"):
        await catalogued.execute(
            view.pairing_id, cmd.ConfirmParticipation(city=city), principal=OFFICER
        )
    meeting = cmd.ScheduleMeeting(
        meeting_id="kickoff", meeting_kind=MeetingKind.KICKOFF, scheduled_for=now + timedelta(7)
    )
    await catalogued.signal(view.pairing_id, meeting, principal=OFFICER, command_id="signalled")
    state = await eventually(
        lambda: catalogued.state(view.pairing_id), lambda s: "kickoff" in s.meetings
    )
    assert "kickoff" in state.meetings
    rows = await eventually(
        lambda: pg_pool.fetch(
            "SELECT body FROM notifications WHERE pairing_id = $1 AND kind = 'meeting_scheduled'",
            view.pairing_id,
        ),
        bool,
    )
    assert "UTC in Olympus" in rows[0]["body"]
    assert "EVENT_TYPE_WORKFLOW_TASK_FAILED" not in await history_event_types(
        env.client, view.pairing_id
    )
