"""A meeting invitation (RFC 5545, METHOD:REQUEST) that calendars of both cities accept.

The event is stored in UTC, which every calendar shows in its owner's zone; the description
also spells out both cities' clocks ("10:00 CEST in Rotterdam, 17:00 KST in Busan"), so a
reader in either city, or a forwarded copy, has both without converting. The UID comes from
the pairing and meeting ids: sending the invitation again (a retried activity) or sending an
update with a higher `sequence` changes the same calendar entry instead of adding one.
Nothing here reads the clock: DTSTAMP comes in, so the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

from domain.messages import Attachment
from domain.notifications import MeetingFacts, Recipient

PRODID = "-//IURC//City pairing notifications//EN"
CONTENT_TYPE = "text/calendar"


def invitation_uid(pairing_id: str, meeting_id: str) -> str:
    """The stable UID of a meeting's calendar entry."""
    return f"{pairing_id}.{meeting_id}@iurc"


def meeting_invitation(
    meeting: MeetingFacts,
    *,
    uid: str,
    organizer_email: str,
    attendees: Sequence[Recipient],
    summary: str,
    description: str,
    dtstamp: datetime,
    duration: timedelta = timedelta(hours=1),
    organizer_name: str = "IURC Secretariat",
    sequence: int = 0,
) -> Attachment:
    """The `.ics` attachment inviting `attendees` to `meeting`, organised by the secretariat.

    `description` gets both cities' local times appended unless it already states them.
    """
    if meeting.starts_at.tzinfo is None or dtstamp.tzinfo is None:
        raise ValueError("meeting start and DTSTAMP must be timezone-aware")
    starts = meeting.starts_at.astimezone(UTC)
    if meeting.local_times not in description:
        description = f"{description}\n\n{meeting.local_times}".strip()

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", dtstamp.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("dtstart", starts)
    event.add("dtend", starts + duration)
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("x-iurc-local-times", meeting.local_times)
    event.add("organizer", _address(organizer_email, organizer_name, organizer=True))
    for person in attendees:
        event.add("attendee", _address(str(person.email), person.name, organizer=False))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    calendar.add_component(event)
    return Attachment(
        filename="invitation.ics",
        content_type=CONTENT_TYPE,
        content=calendar.to_ical().decode(),
    )


def _address(email: str, name: str, *, organizer: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    if not organizer:
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address
