"""The notifier's routing, and the log channel that development routes everything to."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from adapters.notify.channel import LogChannel
from adapters.notify.router import Notifier
from domain.messages import OutgoingMessage
from tests.notify.conftest import FOCAL_POINTS, scheduled_meeting


class Recorder:
    """A channel that keeps what it is given: the router test is about routing, not sending."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


async def test_the_log_line_names_the_message_but_no_person() -> None:
    message = scheduled_meeting()
    with capture_logs() as logs:
        await LogChannel().send(message)

    [line] = logs
    assert line["message_id"] == message.message_id
    assert line["notification_id"] == message.notification_id
    assert (line["kind"], line["language"], line["recipients"]) == ("meeting_scheduled", "en", 2)
    assert line["subject"] == message.subject
    text = repr(line)
    assert "@" not in text
    for person in FOCAL_POINTS:
        assert person.name not in text
        assert person.name.split()[-1] not in text


async def test_messages_go_to_the_channel_of_their_audience() -> None:
    email, webhook, log = Recorder("email"), Recorder("webhook"), Recorder("log")
    notifier = Notifier(
        [email, webhook, log],
        {"focal_points": "email", "head_of_secretariat": "webhook"},
    )
    message = scheduled_meeting()

    assert await notifier.deliver("focal_points", message) == "email"
    assert await notifier.deliver("head_of_secretariat", message) == "webhook"
    assert await notifier.deliver("secretariat", message) == "log"
    assert (len(email.sent), len(webhook.sent), len(log.sent)) == (1, 1, 1)


def test_a_route_to_a_channel_that_is_not_configured_is_refused() -> None:
    with pytest.raises(ValueError, match=r"focal_points -> 'sms': no channel named 'sms'"):
        Notifier([LogChannel()], {"focal_points": "sms"})
    with pytest.raises(ValueError, match=r"\(default\) -> 'log'"):
        Notifier([Recorder("email")], {"focal_points": "email"})


def test_a_route_for_an_audience_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audience 'focal_point'"):
        Notifier([LogChannel()], {"focal_point": "log"})


def test_two_channels_with_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="two notification channels are named 'log'"):
        Notifier([LogChannel(), Recorder("log")], {})
