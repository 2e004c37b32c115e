"""Notifications reach people over real channels: an SMTP server on loopback receives them.

On the time-skipping server, with the real delivery workflow and activities: the meeting
invitation with its .ics, the interpretation request, the escalation chain, a reminder held
over a public holiday, and the one window where a message can go out twice.
"""

from __future__ import annotations

import email
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from zoneinfo import ZoneInfo

import asyncpg
import icalendar
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from adapters.calendar import holiday_name
from adapters.notify.channel import LogChannel
from adapters.notify.email import EmailChannel, SmtpSettings
from adapters.notify.router import Notifier
from adapters.postgres.outbox import begin_attempt
from contracts.delivery import notification_workflow_id
from domain import commands as cmd
from domain.catalog import SEED_PROFILES
from domain.policy import StalenessPolicy
from domain.stages import Stage
from iurc.client import PairingClient
from iurc.journey import journey
from iurc.wiring import build_worker
from tests.notify.peers import Inbox, free_port
from tests.principals import OFFICER
from tests.temporal_support import TEST_CONTACTS, ensure_seed_catalogue, eventually

EVERY_AUDIENCE = dict.fromkeys(
    ("focal_points", "programme_officer", "head_of_secretariat", "secretariat"), "email"
)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    received, port = Inbox(), free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield received, port
    finally:
        controller.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def mailing(
    env: WorkflowEnvironment, pg_pool: asyncpg.Pool, inbox: tuple[Inbox, int]
) -> AsyncIterator[PairingClient]:
    """A worker whose every audience is routed to e-mail through the loopback SMTP server."""
    await pg_pool.execute("TRUNCATE events, pairings, escalations, notifications, deliveries")
    smtp = SmtpSettings(
        host="127.0.0.1", port=inbox[1], starttls=False, sender_address="iurc@citynet.example.org"
    )
    notifier = Notifier([LogChannel(), EmailChannel(smtp)], EVERY_AUDIENCE)
    queue = f"delivery-{uuid.uuid4()}"
    await ensure_seed_catalogue(pg_pool)
    async with build_worker(env.client, pg_pool, queue, notifier=notifier, contacts=TEST_CONTACTS):
        yield PairingClient(env.client, task_queue=queue, catalog=SEED_PROFILES)


def messages(inbox: Inbox) -> list[Message]:
    return [email.message_from_bytes(item.content) for item in inbox.received]


async def drive(pairings: PairingClient, eu: str, partner: str, at: datetime, until: str) -> str:
    view = await pairings.start(eu, partner, cycle=2027, now=at)
    for key, command in journey(eu, partner, at):
        await pairings.execute(view.pairing_id, command, principal=OFFICER, command_id=key)
        if key == until:
            return view.pairing_id
    raise AssertionError(until)


async def test_a_scheduled_meeting_sends_an_invitation_in_both_local_times(
    env: WorkflowEnvironment, mailing: PairingClient, inbox: tuple[Inbox, int]
) -> None:
    now = await env.get_current_time()
    await drive(mailing, "rotterdam", "busan", now, "schedule-kickoff")
    received = await eventually(lambda: _async(messages(inbox[0])), bool)
    [invitation] = received
    assert sorted(inbox[0].received[0].rcpt_tos) == [
        "government.1@busan.example.org",
        "government.1@rotterdam.example.org",
    ]
    local = f"{(now + timedelta(days=7)).astimezone(ZoneInfo('Asia/Seoul')):%H:%M} KST in Busan"
    assert local in invitation["Subject"]
    [ics] = [part for part in invitation.walk() if part.get_content_type() == "text/calendar"]
    raw = ics.get_payload(decode=True)
    assert isinstance(raw, bytes)
    calendar = icalendar.Calendar.from_ical(raw.decode())
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == (now + timedelta(days=7)).replace(microsecond=0)
    assert local in str(event["description"])


async def test_no_common_language_asks_the_secretariat_for_interpretation(
    env: WorkflowEnvironment, mailing: PairingClient, inbox: tuple[Inbox, int]
) -> None:
    await drive(mailing, "sofia", "sejong", await env.get_current_time(), "schedule-kickoff")
    received = await eventually(lambda: _async(messages(inbox[0])), lambda m: len(m) == 2)
    subjects = {message["Subject"].split(":")[0]: message for message in received}
    request = subjects["[IURC] Interpretation needed"]
    assert request["To"].endswith("<iurc@citynet.example.org>")
    assert "share no working language (bg, ko)" in request.get_payload()


async def test_escalations_go_up_the_chain(
    env: WorkflowEnvironment, mailing: PairingClient, inbox: tuple[Inbox, int]
) -> None:
    await drive(mailing, "dublin", "seoul", await env.get_current_time(), "focal-partner")
    await env.sleep(timedelta(days=61))
    received = await eventually(lambda: _async(messages(inbox[0])), lambda m: len(m) == 4)
    by_recipient = {
        tuple(sorted(item.rcpt_tos)): message["Subject"]
        for item, message in zip(inbox[0].received, received, strict=True)
    }
    # The reminder goes to each city's focal point on its own (each country has its holidays).
    assert by_recipient[("government.1@dublin.example.org",)].startswith(
        "[IURC] dublin-seoul-2027: no activity for"
    )
    assert by_recipient[("government.1@seoul.example.org",)].startswith(
        "[IURC] dublin-seoul-2027: no activity for"
    )
    assert by_recipient[("officer@citynet.example.org",)].startswith("[IURC] Escalation 1")
    assert by_recipient[("head@citynet.example.org",)].startswith("[IURC] Escalation 2")


async def _async(value: list[Message]) -> list[Message]:
    return value


def next_korean_only_holiday(after: date) -> date:
    """A weekday that is a public holiday in Korea and not in Ireland."""
    day = after
    while holiday_name("KR", day) is None or holiday_name("IE", day) or day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def test_a_reminder_due_on_a_public_holiday_waits_for_the_next_working_day(
    env: WorkflowEnvironment,
    mailing: PairingClient,
    inbox: tuple[Inbox, int],
    pg_pool: asyncpg.Pool,
) -> None:
    now = await env.get_current_time()
    seoul = ZoneInfo("Asia/Seoul")
    holiday = next_korean_only_holiday(now.astimezone(seoul).date() + timedelta(days=3))
    noon = datetime.combine(holiday, time(12), tzinfo=seoul)
    pairing = await drive(mailing, "dublin", "seoul", now, "focal-partner")
    quiet_since = (await mailing.view(pairing)).last_activity_at
    limit = (noon - quiet_since) * 2  # the reminder comes at half the idle limit: at noon
    limits = {**StalenessPolicy().idle_limits, Stage.KICKOFF: limit}
    await mailing.execute(
        pairing, cmd.ChangePolicy(policy=StalenessPolicy(idle_limits=limits)), principal=OFFICER
    )
    await env.sleep(noon + timedelta(hours=1) - await env.get_current_time())
    received = await eventually(lambda: _async(messages(inbox[0])), bool, within=3)
    assert [m["To"] for m in received] == [received[0]["To"]]
    assert received[0]["To"].count("@") == 1, "only the Irish focal point on a Korean holiday"
    assert "dublin.example.org" in received[0]["To"]
    working = holiday + timedelta(days=1)
    while holiday_name("KR", working) is not None or working.weekday() >= 5:
        working += timedelta(days=1)
    await env.sleep(
        datetime.combine(working, time(9, 5), tzinfo=seoul) - await env.get_current_time()
    )
    received = await eventually(lambda: _async(messages(inbox[0])), lambda m: len(m) == 2)
    assert "seoul.example.org" in received[1]["To"]
    reminder = await pg_pool.fetchval(
        "SELECT notification_id FROM notifications WHERE pairing_id = $1 AND kind = 'reminder'",
        pairing,
    )
    history = await env.client.get_workflow_handle(
        notification_workflow_id(reminder)
    ).fetch_history()
    [timer] = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    [summary] = await env.client.data_converter.decode([timer.user_metadata.summary], [str])
    assert summary == f"held for {holiday_name('KR', holiday)} in KR"
    fires_at = (
        timer.event_time.ToDatetime(UTC)
        + timer.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
    )
    assert abs(fires_at - datetime.combine(working, time(9), tzinfo=seoul)) < timedelta(seconds=1)


FAIL_RECORDING_ONCE = """
CREATE SEQUENCE IF NOT EXISTS injected_failures;
CREATE OR REPLACE FUNCTION fail_first_recording() RETURNS trigger AS $$
BEGIN
    -- nextval is not rolled back with the failing transaction: this fires exactly once.
    IF NEW.status = 'sent' AND nextval('injected_failures') = 1 THEN
        RAISE EXCEPTION 'injected: the worker died after sending, before recording it';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER fail_first_recording BEFORE UPDATE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION fail_first_recording();
"""
REMOVE_INJECTION = """
DROP TRIGGER IF EXISTS fail_first_recording ON deliveries;
DROP FUNCTION IF EXISTS fail_first_recording();
DROP SEQUENCE IF EXISTS injected_failures;
"""


async def test_the_one_window_a_crash_after_sending_sends_again_with_the_same_message_id(
    env: WorkflowEnvironment,
    mailing: PairingClient,
    inbox: tuple[Inbox, int],
    pg_pool: asyncpg.Pool,
) -> None:
    """The activity sends, then fails before its `sent` mark commits (here the database
    refuses the mark once, which is what a worker killed at that instant leaves behind). The
    retry cannot know the message went out and sends it again: SMTP has no idempotency. The
    copy carries the same Message-ID, so mail systems and receivers can drop it. Any other
    retry (before sending, or after recording) sends nothing twice: see the next test."""
    await pg_pool.execute(FAIL_RECORDING_ONCE)
    try:
        await drive(mailing, "rotterdam", "busan", await env.get_current_time(), "schedule-kickoff")
        await eventually(lambda: _async(messages(inbox[0])), bool)
        await env.sleep(timedelta(minutes=5))  # the retry's backoff
        received = await eventually(lambda: _async(messages(inbox[0])), lambda m: len(m) == 2)
    finally:
        await pg_pool.execute(REMOVE_INJECTION)
    assert received[0]["Message-ID"] == received[1]["Message-ID"]
    row = await pg_pool.fetchrow("SELECT status, attempts FROM deliveries")
    assert row is not None
    assert (row["status"], row["attempts"]) == ("sent", 2)


async def test_a_message_recorded_as_sent_is_never_sent_again(
    env: WorkflowEnvironment,
    mailing: PairingClient,
    inbox: tuple[Inbox, int],
    pg_pool: asyncpg.Pool,
) -> None:
    await drive(mailing, "rotterdam", "busan", await env.get_current_time(), "schedule-kickoff")
    await eventually(lambda: _async(messages(inbox[0])), bool)
    status = await eventually(
        lambda: pg_pool.fetchval("SELECT status FROM notifications"), lambda s: s == "sent"
    )
    assert status == "sent"
    # A retried delivery (a redelivered activity, a replayed workflow) finds the mark and stops.
    [batch_message] = await pg_pool.fetch("SELECT message_id, notification_id FROM deliveries")
    attempts = await begin_attempt(
        pg_pool, batch_message["message_id"], batch_message["notification_id"]
    )
    assert attempts is None
    await env.sleep(timedelta(hours=1))
    assert len(messages(inbox[0])) == 1
