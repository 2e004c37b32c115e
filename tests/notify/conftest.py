"""Fixtures for the notification channels: messages, and the loopback peers they go to."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from adapters.notify.invitation import invitation_uid, meeting_invitation
from domain.meetings import MeetingKind
from domain.messages import OutgoingMessage
from domain.notifications import MeetingFacts, NotificationKind, Recipient
from tests.notify.peers import Inbox, WebhookReceiver, authenticator, free_port
from tests.notify.peers import self_signed_certificate as make_certificate

PAIRING = "rotterdam-busan-2026"
MEETING = MeetingFacts(
    meeting_id="kickoff",
    kind=MeetingKind.KICKOFF,
    title="Kick-off Rotterdam - Busan",
    starts_at=datetime(2027, 6, 1, 8, 0, tzinfo=UTC),
    local_times="10:00 CEST in Rotterdam, 17:00 KST in Busan",
    eu_timezone="Europe/Amsterdam",
    partner_timezone="Asia/Seoul",
)
FOCAL_POINTS = (
    Recipient(name="Anna de Vries", email="anna.devries@rotterdam.example", country="NL"),
    Recipient(name="Kim Min-jun", email="minjun.kim@busan.example", country="KR"),
)


def scheduled_meeting(message_id: str = f"{PAIRING}:7:meeting_scheduled:en") -> OutgoingMessage:
    """The invitation to a kick-off, as the delivery activity would build it."""
    invitation = meeting_invitation(
        MEETING,
        uid=invitation_uid(PAIRING, MEETING.meeting_id),
        organizer_email="secretariat@iurc.example",
        attendees=FOCAL_POINTS,
        summary=MEETING.title,
        description="A kickoff of Rotterdam and Busan.",
        dtstamp=datetime(2027, 5, 2, 9, 30, tzinfo=UTC),
    )
    return OutgoingMessage(
        message_id=message_id,
        notification_id=f"{PAIRING}:7:meeting_scheduled",
        pairing_id=PAIRING,
        kind=NotificationKind.MEETING_SCHEDULED,
        language="en",
        recipients=FOCAL_POINTS,
        subject=f"[IURC] {MEETING.title}: {MEETING.local_times}",
        body=f"A kickoff of Rotterdam and Busan is scheduled for {MEETING.local_times}.",
        attachments=(invitation,),
    )


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def _server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@contextmanager
def _running(controller: Controller) -> Iterator[Controller]:
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def plain_smtp() -> Iterator[tuple[Inbox, int]]:
    """A relay with neither TLS nor authentication, as on a development machine."""
    inbox, port = Inbox(), free_port()
    with _running(Controller(inbox, hostname="127.0.0.1", port=port)):
        yield inbox, port


@pytest.fixture
def secure_smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    """A submission relay: STARTTLS required, then AUTH required before any mail."""
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_tls(certificate),
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=authenticator,
    )
    with _running(controller):
        yield inbox, port


@pytest.fixture
def implicit_tls_smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    """A relay that speaks TLS from the first byte (port 465 style).

    Without AUTH: aiosmtpd counts only STARTTLS as TLS and would offer AUTH in the clear.
    """
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ssl_context=_server_tls(certificate),
    )
    with _running(controller):
        yield inbox, port


@pytest.fixture
def webhook() -> Iterator[tuple[WebhookReceiver, str]]:
    receiver = WebhookReceiver()
    server, url = receiver.serve()
    try:
        yield receiver, url
    finally:
        server.shutdown()
        server.server_close()
