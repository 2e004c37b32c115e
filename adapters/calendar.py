"""Public holidays: a reminder that would arrive on one waits for the next working day.

The holiday tables come from python-holidays. They change between releases, so this runs
in an activity, whose result is recorded in history, and never in workflow code.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from domain.timezones import zone_of

WORKDAY_STARTS = time(9, 0)


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=[year, year + 1])


def holiday_name(country: str, day: date) -> str | None:
    """The public holiday on `day` in `country`, or None (also for an unknown country code)."""
    try:
        calendar = _calendar(country, day.year)
    except NotImplementedError:
        return None
    name = calendar.get(day)
    return str(name) if name else None


def next_working_moment(
    moment: datetime, country: str | None, timezone: str
) -> tuple[datetime, str | None]:
    """`moment` itself, or 09:00 local on the next working day if it falls on a public holiday
    in `country`; with the holiday's name, for the timer's summary."""
    if country is None:
        return moment, None
    zone = zone_of(timezone)
    day = moment.astimezone(zone).date()
    holiday = holiday_name(country, day)
    if holiday is None:
        return moment, None
    while holiday_name(country, day) is not None or day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, WORKDAY_STARTS, tzinfo=zone), holiday
