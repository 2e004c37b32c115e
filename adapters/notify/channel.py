"""What every channel offers the notifier, the error it raises, and the development channel.

Recipients' names and addresses are personal data: they go to the mail server or webhook
receiver and nowhere else. Errors and log lines name the message, the channel and the peer,
never a person, so they can be kept and searched like any other log.
"""

from __future__ import annotations

from typing import Protocol

import structlog

from domain.messages import OutgoingMessage


class DeliveryError(Exception):
    """A message could not be delivered; `retryable` says whether a later attempt may succeed.

    Retryable: the peer was unreachable, slow or said "try later". Not retryable: the peer
    refused for good (a permanent SMTP reply, a 4xx from a webhook), which needs a person.
    """

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Channel(Protocol):
    """A way out for messages, referred to by `name` in the routing settings."""

    name: str

    async def send(self, message: OutgoingMessage) -> None:
        """Deliver `message` to all its recipients, or raise `DeliveryError`."""
        ...


class LogChannel:
    """Development and demo channel: one log line per message, no recipient details.

    The line carries what an operator needs to see that a message would have gone out
    (ids, kind, language, how many recipients, subject); subjects name pairings and
    meetings, not people.
    """

    def __init__(self, *, name: str = "log") -> None:
        self.name = name
        # One logger per channel rather than per module: a test's capture_logs then sees the
        # lines even when structlog was configured to cache loggers earlier in the process.
        self._log = structlog.get_logger(__name__)

    async def send(self, message: OutgoingMessage) -> None:
        self._log.info(
            "notification logged",
            channel=self.name,
            message_id=message.message_id,
            notification_id=message.notification_id,
            kind=message.kind.value,
            language=message.language,
            recipients=len(message.recipients),
            subject=message.subject,
        )
