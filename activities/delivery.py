"""Delivery activities: plan a notification's messages, send each once, record what happened.

Recipients of the secretariat's audiences come from settings (the escalation chain: level 1
to the programme officer, level 2 to the head of the secretariat); focal points come with the
notification. Nothing here logs a name or an address.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from datetime import UTC, datetime

import asyncpg
import structlog
from pydantic import BaseModel, ConfigDict
from temporalio import activity
from temporalio.exceptions import ApplicationError

from adapters.calendar import next_working_moment
from adapters.notify.channel import DeliveryError
from adapters.notify.invitation import invitation_uid, meeting_invitation
from adapters.notify.router import Notifier
from adapters.postgres import outbox
from contracts.delivery import (
    GIVE_UP_DELIVERY,
    PLAN_DELIVERY,
    SEND_MESSAGE,
    Batch,
    DeliveryPlan,
    GiveUp,
    SendRequest,
    Sent,
)
from domain.messages import Attachment, OutgoingMessage, language_for, render
from domain.notifications import Audience, Notification, NotificationKind, Recipient

log = structlog.get_logger()

HOLIDAY_AWARE = frozenset({NotificationKind.REMINDER, NotificationKind.FOLLOW_UP_DUE})

RECORD_PATIENCE = 60.0
"""Seconds to keep trying to record a sent message; the send activity's timeout is 2 min."""
DATABASE_AWAY = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.InterfaceError,
)
"""Failures of reaching PostgreSQL (not of the SQL itself), which time may cure."""


class SecretariatContacts(BaseModel):
    """Who stands for each of the secretariat's audiences (from settings)."""

    model_config = ConfigDict(frozen=True)

    programme_officer: Recipient | None = None
    head_of_secretariat: Recipient | None = None
    secretariat: Recipient | None = None
    organizer_email: str = "iurc@citynet.example.org"

    def for_audience(self, audience: Audience) -> tuple[Recipient, ...]:
        chosen = {
            Audience.PROGRAMME_OFFICER: self.programme_officer or self.secretariat,
            Audience.HEAD_OF_SECRETARIAT: self.head_of_secretariat or self.secretariat,
            Audience.SECRETARIAT: self.secretariat or self.programme_officer,
        }.get(audience)
        return (chosen,) if chosen else ()


class DeliveryActivities:
    def __init__(
        self, pool: asyncpg.Pool, notifier: Notifier, contacts: SecretariatContacts
    ) -> None:
        self._pool = pool
        self._notifier = notifier
        self._contacts = contacts

    @activity.defn(name=PLAN_DELIVERY)
    async def plan_delivery(self, notification: Notification) -> DeliveryPlan:
        groups = self._recipients(notification)
        notes = "; ".join(note for _, _, note in groups if note) or None
        if not any(people for _, people, _ in groups):
            reason = f"no recipient is configured for {notification.audience.value}"
            await outbox.mark_undeliverable(self._pool, notification.notification_id, reason)
            log.warning(
                "notification undeliverable",
                notification_id=notification.notification_id,
                reason=reason,
            )
            return DeliveryPlan(batches=(), note=reason)
        now = datetime.now(UTC)
        batches = []
        for audience, recipients, _ in groups:
            batches += self._batches(notification, audience, recipients, now)
        return DeliveryPlan(batches=tuple(batches), note=notes)

    def _batches(
        self,
        notification: Notification,
        audience: Audience,
        recipients: tuple[Recipient, ...],
        now: datetime,
    ) -> list[Batch]:
        """One message per language and (for reminders) per country's calendar."""
        by_place: dict[tuple[str, str | None, str], list[Recipient]] = defaultdict(list)
        for person in recipients:
            language = language_for(person.language, notification.kind)
            where = (
                (person.country, person.timezone)
                if notification.kind in HOLIDAY_AWARE
                else (None, "UTC")
            )
            by_place[(language, *where)].append(person)
        batches = []
        for (language, country, timezone), people in sorted(by_place.items(), key=str):
            deliver_at, holiday = next_working_moment(notification.created_at, country, timezone)
            message = self._message(notification, language, country, tuple(people), now)
            if audience is not notification.audience and notification.recipients:
                # the secretariat standing in for one city, beside the other's focal points
                message = message.model_copy(
                    update={"message_id": f"{message.message_id}:{audience.value}"}
                )
            held = f"{holiday} in {country}" if holiday else None
            batches.append(
                Batch(
                    audience=audience.value, message=message, deliver_at=deliver_at, held_for=held
                )
            )
        return batches

    @activity.defn(name=SEND_MESSAGE)
    async def send_message(self, request: SendRequest) -> Sent:
        message = request.message
        bound = log.bind(
            message_id=message.message_id, kind=message.kind.value, attempt=activity.info().attempt
        )
        attempts = await outbox.begin_attempt(
            self._pool, message.message_id, message.notification_id
        )
        if attempts is None:
            bound.info("message already sent")
            return Sent(message_id=message.message_id, outcome="already_sent")
        try:
            channel = await self._notifier.deliver(request.audience, message)
        except DeliveryError as failure:
            await outbox.mark_failed(
                self._pool,
                message.message_id,
                message.notification_id,
                str(failure),
                final=not failure.retryable,
            )
            bound.warning("delivery failed", error=str(failure), retryable=failure.retryable)
            raise ApplicationError(
                str(failure), type="DeliveryFailed", non_retryable=not failure.retryable
            ) from failure
        await self._record_sent(message, channel)
        bound.info("message sent", channel=channel)
        return Sent(message_id=message.message_id, outcome="sent", channel=channel)

    @activity.defn(name=GIVE_UP_DELIVERY)
    async def give_up_delivery(self, given_up: GiveUp) -> None:
        await outbox.mark_failed(
            self._pool, given_up.message_id, given_up.notification_id, given_up.error, final=True
        )
        log.error("delivery given up", message_id=given_up.message_id, error=given_up.error)

    async def _record_sent(self, message: OutgoingMessage, channel: str) -> None:
        """The message is out: a database that is briefly away must not fail this attempt, or
        the retry would send it a second time. Only a crash of the worker itself is left."""
        deadline = time.monotonic() + RECORD_PATIENCE
        pause = 0.5
        while True:
            try:
                await outbox.mark_sent(
                    self._pool, message.message_id, message.notification_id, channel
                )
                return
            except DATABASE_AWAY:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _recipients(
        self, notification: Notification
    ) -> list[tuple[Audience, tuple[Recipient, ...], str | None]]:
        """Who hears it: (audience, people, why) per group. A city with no focal point is
        stood in for by the secretariat, so that its silence is not silent."""
        if notification.audience is not Audience.FOCAL_POINTS:
            people = self._contacts.for_audience(notification.audience)
            return [(notification.audience, people, None)]
        groups: list[tuple[Audience, tuple[Recipient, ...], str | None]] = []
        if notification.recipients:
            groups.append((Audience.FOCAL_POINTS, notification.recipients, None))
        missing = notification.without_focal_point if notification.recipients else ()
        if not notification.recipients or missing:
            why = (
                f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no focal "
                "point on record"
                if missing
                else "the pairing has no focal point on record"
            )
            groups.append(
                (Audience.SECRETARIAT, self._contacts.for_audience(Audience.SECRETARIAT), why)
            )
        return groups

    def _message(
        self,
        notification: Notification,
        language: str,
        country: str | None,
        people: tuple[Recipient, ...],
        now: datetime,
    ) -> OutgoingMessage:
        subject, body = render(notification.kind, notification.facts, language)
        attachments: tuple[Attachment, ...] = ()
        meeting = notification.facts.meeting
        if meeting is not None and notification.kind is NotificationKind.MEETING_SCHEDULED:
            uid = invitation_uid(notification.pairing_id, meeting.meeting_id)
            attachments = (
                meeting_invitation(
                    meeting,
                    uid=uid,
                    organizer_email=self._contacts.organizer_email,
                    attendees=people,
                    summary=subject,
                    description=body,
                    dtstamp=now,
                ),
            )
        return OutgoingMessage(
            message_id=f"{notification.notification_id}:{language}:{country or 'all'}",
            notification_id=notification.notification_id,
            pairing_id=notification.pairing_id,
            kind=notification.kind,
            language=language,
            recipients=people,
            subject=subject,
            body=body,
            attachments=attachments,
        )
