"""The e-mail channel against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from adapters.notify.channel import DeliveryError
from adapters.notify.email import EmailChannel, SmtpSettings, message_id_header
from domain.notifications import Recipient
from tests.notify.conftest import FOCAL_POINTS, MEETING, scheduled_meeting
from tests.notify.peers import SMTP_PASSWORD, SMTP_USER, Inbox, free_port

SENDER = "secretariat@iurc.example"


def settings(port: int, **changes: Any) -> SmtpSettings:
    base: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "sender_address": SENDER,
        "timeout": 5.0,
    }
    return SmtpSettings.model_validate(base | changes)


def secure(port: int, certificate: tuple[Path, Path], **changes: Any) -> SmtpSettings:
    secured: dict[str, Any] = {
        "starttls": True,
        "username": SMTP_USER,
        "password": SMTP_PASSWORD,
        "ca_file": certificate[0],
    }
    return settings(port, **(secured | changes))


def parsed(inbox: Inbox, index: int = 0) -> EmailMessage:
    mail = email.message_from_bytes(inbox.received[index].content, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


def assert_private(error: DeliveryError) -> None:
    text = str(error)
    for person in FOCAL_POINTS:
        assert str(person.email) not in text
        assert person.name not in text
    assert "@" not in text.replace("@iurc", "")


async def test_the_relay_receives_the_message_with_its_headers(
    plain_smtp: tuple[Inbox, int],
) -> None:
    inbox, port = plain_smtp
    message = scheduled_meeting()

    await EmailChannel(settings(port)).send(message)

    [received] = inbox.received
    assert sorted(received.rcpt_tos) == sorted(str(p.email) for p in FOCAL_POINTS)
    mail = parsed(inbox)
    assert mail["Subject"] == message.subject
    assert mail["Message-ID"] == message_id_header(message.message_id)
    assert mail["X-IURC-Notification-Id"] == message.notification_id
    assert [a.addr_spec for a in mail["To"].addresses] == [str(p.email) for p in FOCAL_POINTS]
    assert [a.display_name for a in mail["To"].addresses] == [p.name for p in FOCAL_POINTS]
    assert mail["From"].addresses[0].addr_spec == SENDER
    body = mail.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == message.body


async def test_the_invitation_is_a_valid_calendar_request_in_both_cities_times(
    plain_smtp: tuple[Inbox, int],
) -> None:
    inbox, port = plain_smtp
    await EmailChannel(settings(port)).send(scheduled_meeting())

    [part] = [
        p for p in parsed(inbox).iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invitation.ics"
    calendar = Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    assert event["UID"] == "rotterdam-busan-2026.kickoff@iurc"
    assert "10:00 CEST in Rotterdam" in event["DESCRIPTION"]
    assert "17:00 KST in Busan" in event["DESCRIPTION"]
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [f"mailto:{p.email}" for p in FOCAL_POINTS]
    assert [a.params["CN"] for a in attendees] == [p.name for p in FOCAL_POINTS]
    assert str(event["ORGANIZER"]) == "mailto:secretariat@iurc.example"
    assert MEETING.local_times in str(event["X-IURC-LOCAL-TIMES"])


async def test_a_korean_message_arrives_intact(plain_smtp: tuple[Inbox, int]) -> None:
    inbox, port = plain_smtp
    korean = Recipient(name="김민준", email="minjun.kim@busan.example", language="ko")
    message = scheduled_meeting().model_copy(
        update={
            "language": "ko",
            "recipients": (korean,),
            "subject": "[IURC] 킥오프 회의: 17:00 KST in Busan",
            "body": "로테르담과 부산의 회의가 예정되어 있습니다.",
        }
    )

    await EmailChannel(settings(port)).send(message)

    mail = parsed(inbox)
    assert mail["Subject"] == message.subject
    assert mail["To"].addresses[0].display_name == "김민준"
    assert mail["Content-Language"] == "ko"
    body = mail.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == message.body


async def test_every_attempt_carries_the_same_message_id(plain_smtp: tuple[Inbox, int]) -> None:
    inbox, port = plain_smtp
    channel = EmailChannel(settings(port))
    await channel.send(scheduled_meeting())
    await channel.send(scheduled_meeting())

    first, second = parsed(inbox, 0)["Message-ID"], parsed(inbox, 1)["Message-ID"]
    assert first == second == "<rotterdam-busan-2026=3A7=3Ameeting_scheduled=3Aen@iurc>"


async def test_a_line_break_in_a_title_does_not_break_the_headers(
    plain_smtp: tuple[Inbox, int],
) -> None:
    inbox, port = plain_smtp
    message = scheduled_meeting().model_copy(update={"subject": "[IURC] Kick-off\nBcc: x"})

    await EmailChannel(settings(port)).send(message)

    mail = parsed(inbox)
    assert mail["Subject"] == "[IURC] Kick-off Bcc: x"
    assert mail["Bcc"] is None


def test_message_ids_stay_distinct_after_escaping() -> None:
    assert message_id_header("a:b") != message_id_header("a=3Ab")
    assert message_id_header("plain-id_1") == "<plain-id_1@iurc>"


async def test_starttls_and_login_deliver(
    secure_smtp: tuple[Inbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = secure_smtp
    await EmailChannel(secure(port, certificate)).send(scheduled_meeting())

    [received] = inbox.received
    assert received.over_tls
    assert received.authenticated


async def test_implicit_tls_delivers(
    implicit_tls_smtp: tuple[Inbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = implicit_tls_smtp
    tls = {"starttls": False, "use_tls": True, "username": None, "password": None}
    channel = EmailChannel(secure(port, certificate, **tls))
    await channel.send(scheduled_meeting())

    assert inbox.received[0].over_tls


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"password": "wrong"}, id="wrong password: 535"),
        pytest.param({"username": None, "password": None}, id="no credentials: 530"),
        pytest.param({"starttls": False}, id="no STARTTLS where required: 530"),
        pytest.param({"ca_file": None}, id="certificate not trusted"),
    ],
)
async def test_settings_the_relay_refuses_are_not_retried(
    secure_smtp: tuple[Inbox, int], certificate: tuple[Path, Path], changes: dict[str, Any]
) -> None:
    inbox, port = secure_smtp
    with pytest.raises(DeliveryError) as caught:
        await EmailChannel(secure(port, certificate, **changes)).send(scheduled_meeting())

    assert not caught.value.retryable
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert_private(caught.value)
    assert not inbox.received


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("550 5.1.1 <{}>: no such mailbox", False), ("450 4.2.0 <{}>: mailbox busy", True)],
)
async def test_a_refused_recipient_fails_without_naming_them(
    plain_smtp: tuple[Inbox, int], reply: str, retryable: bool
) -> None:
    inbox, port = plain_smtp
    address = str(FOCAL_POINTS[1].email)
    inbox.refuse[address] = reply.format(address)

    with pytest.raises(DeliveryError) as caught:
        await EmailChannel(settings(port)).send(scheduled_meeting())

    assert caught.value.retryable is retryable
    assert "refused 1 of 2 recipients" in str(caught.value)
    assert_private(caught.value)


async def test_a_closed_port_is_retryable() -> None:
    with pytest.raises(DeliveryError) as caught:
        await EmailChannel(settings(free_port())).send(scheduled_meeting())

    assert caught.value.retryable
    assert_private(caught.value)


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word, like a relay that hangs."""

    async def stay_silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(stay_silent, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def test_a_relay_that_never_answers_times_out_retryably(silent_server: int) -> None:
    with pytest.raises(DeliveryError) as caught:
        await EmailChannel(settings(silent_server, timeout=0.3)).send(scheduled_meeting())

    assert caught.value.retryable
    assert "timed out" in str(caught.value)


def test_settings_refuse_two_kinds_of_tls_and_half_credentials() -> None:
    with pytest.raises(ValueError, match="not both"):
        settings(25, starttls=True, use_tls=True)
    with pytest.raises(ValueError, match="or neither"):
        settings(25, username="only-a-name")
