"""Which events someone must hear about, who they are, and the facts the message states.

A notification's id comes from the event's sequence number, so writing it twice (a retried
activity) finds the row already there and nobody is told twice. The wording lives in
`domain.messages`, per language; the facts it states are in `domain.message_facts`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain import events as ev
from domain.ids import notification_id
from domain.message_facts import (
    Audience,
    Facts,
    MeetingFacts,
    NotificationKind,
    Recipient,
)
from domain.messages import render
from domain.policy import Staleness
from domain.progress import checklist
from domain.stages import Stage
from domain.state import PairingState
from domain.timezones import local_times

__all__ = [
    "Audience",
    "Facts",
    "MeetingFacts",
    "Notification",
    "NotificationKind",
    "Recipient",
    "notifications_for",
]


class Notification(BaseModel):
    """One message to one audience, with the focal points it goes to when they are the audience.

    Names and e-mail addresses of focal points are personal data: they travel in Temporal
    payloads (encrypted by the payload codec) and in the outbox table, never in logs.
    """

    model_config = ConfigDict(frozen=True)

    notification_id: str
    pairing_id: str
    sequence: int
    created_at: datetime
    """When the event happened: the moment a reminder would arrive, for the holiday check."""
    kind: NotificationKind
    audience: Audience
    facts: Facts
    recipients: tuple[Recipient, ...] = ()
    without_focal_point: tuple[str, ...] = ()
    """Cities of the pairing that have no focal point: for a message to the focal points, the
    secretariat gets a copy for each, so that no city's silence goes unnoticed."""
    subject: str
    body: str


def notifications_for(state: PairingState, sequence: int, event: ev.Event) -> list[Notification]:
    """The messages `event` (at `sequence`, judged against the state before it) calls for."""
    facts = _facts(state, event)
    made = []
    for kind, audience in _kinds(state, event):
        subject, body = render(kind, facts, "en")
        made.append(
            Notification(
                notification_id=notification_id(state.pairing_id, sequence, kind.value),
                pairing_id=state.pairing_id,
                sequence=sequence,
                created_at=event.occurred_at,
                kind=kind,
                audience=audience,
                facts=facts,
                recipients=_focal_points(state) if audience is Audience.FOCAL_POINTS else (),
                without_focal_point=(
                    _without_focal_point(state) if audience is Audience.FOCAL_POINTS else ()
                ),
                subject=subject,
                body=body,
            )
        )
    return made


def _kinds(  # noqa: PLR0911 - one case per event that calls for a message
    state: PairingState, event: ev.Event
) -> list[tuple[NotificationKind, Audience]]:
    K, A = NotificationKind, Audience  # noqa: N806 - a table reads better with short names
    match event:
        case ev.ReminderIssued(stage=Stage.FOLLOW_UP):
            return [(K.FOLLOW_UP_DUE, A.FOCAL_POINTS)]
        case ev.ReminderIssued():
            return [(K.REMINDER, A.FOCAL_POINTS)]
        case ev.Escalated(level=1):
            return [(K.ESCALATION_1, A.PROGRAMME_OFFICER)]
        case ev.Escalated():
            return [(K.ESCALATION_2, A.HEAD_OF_SECRETARIAT)]
        case ev.BackOnTrack(previous=previous) if previous.is_stale:
            return [(K.BACK_ON_TRACK, A.SECRETARIAT)]
        case ev.MeetingScheduled():
            common = set(state.eu_city.languages) & set(state.partner_city.languages)
            needs = [] if common else [(K.INTERPRETATION_NEEDED, A.SECRETARIAT)]
            return [(K.MEETING_SCHEDULED, A.FOCAL_POINTS), *needs]
        case ev.ActionPlanChangesRequested():
            return [(K.PLAN_CHANGES_REQUESTED, A.FOCAL_POINTS)]
        case ev.ActionPlanApproved():
            return [(K.PLAN_APPROVED, A.FOCAL_POINTS)]
        case ev.PilotFunded():
            return [(K.PILOT_FUNDED, A.FOCAL_POINTS)]
        case _:
            return []


def _facts(state: PairingState, event: ev.Event) -> Facts:
    stage = state.stage
    expected = next((i.label for i in checklist(state) if i.stage is stage), "")
    # BackOnTrack comes after the activity that ended the silence, whose event has already
    # moved the clock: it carries how long the silence lasted.
    idle = (
        event.idle_days
        if isinstance(event, ev.BackOnTrack)
        else (event.occurred_at - state.last_activity_at).days
    )
    facts = Facts(
        pairing_id=state.pairing_id,
        eu_city=state.eu_city.name,
        partner_city=state.partner_city.name,
        stage=stage,
        idle_days=idle,
        expected_next=expected,
        languages=", ".join(
            sorted(set(state.eu_city.languages) | set(state.partner_city.languages))
        ),
    )
    match event:
        case ev.ReminderIssued() | ev.Escalated() if not stage.is_closed:
            # What the message warns of: the next step of the chain, if nothing is recorded.
            after = Staleness(min(int(state.staleness) + 2, int(Staleness.ESCALATED_2)))
            due_by = state.policy.due_at(stage, after, state.last_activity_at)
            return facts.model_copy(update={"due_by": due_by})
        case ev.MeetingScheduled():
            meeting = MeetingFacts(
                meeting_id=event.meeting_id,
                kind=event.meeting_kind,
                title=event.title or event.meeting_kind.label,
                starts_at=event.scheduled_for,
                local_times=local_times(event.scheduled_for, (state.eu_city, state.partner_city)),
                eu_timezone=state.eu_city.timezone,
                partner_timezone=state.partner_city.timezone,
            )
            return facts.model_copy(update={"meeting": meeting})
        case ev.ActionPlanChangesRequested(reason=reason):
            return facts.model_copy(update={"reason": reason})
        case ev.PilotFunded(amount_eur=amount):
            return facts.model_copy(update={"amount_eur": amount})
        case _:
            return facts


def _focal_points(state: PairingState) -> tuple[Recipient, ...]:
    cities = {city.slug: city for city in (state.eu_city, state.partner_city)}
    return tuple(
        Recipient(
            name=person.name,
            email=person.email,
            language=person.language,
            country=cities[person.city].country,
            timezone=cities[person.city].timezone,
        )
        for city in (state.eu_city.slug, state.partner_city.slug)
        for person in state.focal_points(city)
    )


def _without_focal_point(state: PairingState) -> tuple[str, ...]:
    """The pairing's cities that have nobody to remind: the secretariat hears for them."""
    cities = (state.eu_city.slug, state.partner_city.slug)
    return tuple(city for city in cities if not state.focal_points(city))


def parked_notification(
    state: PairingState, sequence: int, reason: str, now: datetime
) -> Notification:
    """The secretariat's message that the pairing stopped: the event store refused `sequence`."""
    kind = NotificationKind.PAIRING_PARKED
    facts = Facts(
        pairing_id=state.pairing_id,
        eu_city=state.eu_city.name,
        partner_city=state.partner_city.name,
        stage=state.stage,
        reason=reason,
    )
    subject, body = render(kind, facts, "en")
    return Notification(
        notification_id=notification_id(state.pairing_id, sequence, kind.value),
        pairing_id=state.pairing_id,
        sequence=sequence,
        created_at=now,
        kind=kind,
        audience=Audience.SECRETARIAT,
        facts=facts,
        subject=subject,
        body=body,
    )
