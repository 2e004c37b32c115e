"""The calendar invitation on its own: deterministic, UTC, both cities' clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from adapters.notify.invitation import invitation_uid, meeting_invitation
from tests.notify.conftest import FOCAL_POINTS, MEETING

STAMP = datetime(2027, 5, 2, 9, 30, tzinfo=UTC)


def invite(
    description: str = "Kick-off.", duration: timedelta = timedelta(hours=1), sequence: int = 0
) -> str:
    attachment = meeting_invitation(
        MEETING,
        uid=invitation_uid("rotterdam-busan-2026", MEETING.meeting_id),
        organizer_email="secretariat@iurc.example",
        attendees=FOCAL_POINTS,
        summary=MEETING.title,
        description=description,
        dtstamp=STAMP,
        duration=duration,
        sequence=sequence,
    )
    assert attachment.content_type == "text/calendar"
    return attachment.content


def test_the_same_input_gives_the_same_bytes() -> None:
    assert invite() == invite()


def test_times_are_utc_and_the_duration_is_honoured() -> None:
    [event] = Calendar.from_ical(invite(duration=timedelta(minutes=90))).walk("VEVENT")
    assert "DTSTART:20270601T080000Z" in invite()
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    assert event.decoded("DTSTAMP") == STAMP


def test_local_times_are_stated_once_even_when_the_caller_wrote_them() -> None:
    [event] = Calendar.from_ical(invite(f"Kick-off at {MEETING.local_times}.")).walk("VEVENT")
    assert str(event["DESCRIPTION"]).count("KST in Busan") == 1


def test_a_rescheduled_meeting_keeps_its_uid_with_a_higher_sequence() -> None:
    first, second = (Calendar.from_ical(invite(sequence=n)).walk("VEVENT")[0] for n in (0, 1))
    assert first["UID"] == second["UID"]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)


def test_a_naive_dtstamp_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        meeting_invitation(
            MEETING,
            uid="x@iurc",
            organizer_email="secretariat@iurc.example",
            attendees=(),
            summary="s",
            description="d",
            dtstamp=datetime(2027, 5, 2, 9, 30),  # noqa: DTZ001 - naive on purpose
        )
