"""Two cities, two clocks: local times for messages, and the office hours both keep.

The IANA database comes from the standard library's zoneinfo (and the tzdata package where
the system has none); it is data, not I/O that changes, so the domain may read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.cities import City

OFFICE_OPENS, OFFICE_CLOSES = time(9, 0), time(18, 0)


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone `name`, or UTC for a name the database does not know.

    Profiles are checked when imported, but a city stored before that check (or read from an
    old event) may name a zone that does not exist: a message or a meeting suggestion must
    then come out in UTC, not stop the pairing that holds it.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_times(moment: datetime, cities: Iterable[City]) -> str:
    """`10:00 CEST in Rotterdam, 17:00 KST in Busan`."""
    parts = []
    for city in cities:
        here = moment.astimezone(zone_of(city.timezone))
        parts.append(f"{here:%H:%M} {here.tzname()} in {city.name}")
    return ", ".join(parts)


def office_window(city: City, on: date) -> tuple[datetime, datetime]:
    zone = zone_of(city.timezone)
    return (
        datetime.combine(on, OFFICE_OPENS, tzinfo=zone),
        datetime.combine(on, OFFICE_CLOSES, tzinfo=zone),
    )


def shared_office_hours(first: City, second: City, on: date) -> tuple[datetime, datetime] | None:
    """The span of `on` (in the first city's calendar) when both offices are open, if any.

    The second city's office day may be the next or previous calendar day there, so the
    three days around `on` are tried.
    """
    a_open, a_close = office_window(first, on)
    for shift in (-1, 0, 1):
        b_open, b_close = office_window(second, on + timedelta(days=shift))
        start, end = max(a_open, b_open), min(a_close, b_close)
        if start < end:
            return start, end
    return None


def office_hours_overlap(first: City, second: City, on: date) -> float:
    """Hours per working day that both offices are open."""
    window = shared_office_hours(first, second, on)
    return 0.0 if window is None else (window[1] - window[0]).total_seconds() / 3600


def outside_office_hours(moment: datetime, cities: Iterable[City]) -> list[City]:
    """The cities whose office is closed at `moment` (weekends included)."""
    closed = []
    for city in cities:
        here = moment.astimezone(zone_of(city.timezone))
        opens, closes = office_window(city, here.date())
        if here.weekday() >= 5 or not opens <= here < closes:
            closed.append(city)
    return closed
