"""Matching suggestions: which EU and partner cities would make a good pairing, and at what cost.

Ranked by shared topics, then shared thematic clusters; the frictions (no common working
language, few office hours in common) are shown, not hidden, because the secretariat plans
interpretation and meeting times around them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain.cities import City
from domain.topics import Cluster, Topic

OFFICE_OPENS, OFFICE_CLOSES = time(9, 0), time(18, 0)


class Suggestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    eu_city: str
    partner_city: str
    shared_topics: tuple[Topic, ...]
    shared_clusters: tuple[Cluster, ...]
    common_languages: tuple[str, ...]
    office_hours_overlap: float
    """Hours per working day that both cities' offices (09:00-18:00 local) are open."""

    @property
    def needs_interpretation(self) -> bool:
        return not self.common_languages

    @property
    def score(self) -> float:
        return (
            len(self.shared_topics) * 3
            + len(self.shared_clusters)
            + (0.5 if self.common_languages else 0)
        )


def office_hours_overlap(first: City, second: City, on: date) -> float:
    """Hours that both offices are open on `on`; zero when their working days do not meet."""

    def window(city: City) -> tuple[datetime, datetime]:
        zone = ZoneInfo(city.timezone)
        opens = datetime.combine(on, OFFICE_OPENS, tzinfo=zone)
        return opens, datetime.combine(on, OFFICE_CLOSES, tzinfo=zone)

    (a_open, a_close), (b_open, b_close) = window(first), window(second)
    overlap = min(a_close, b_close) - max(a_open, b_open)
    return max(overlap, timedelta(0)).total_seconds() / 3600


def suggest_pairs(cities: Iterable[City], on: date) -> list[Suggestion]:
    """Every EU x partner pair that shares at least one cluster, best first."""
    pool = list(cities)
    suggestions = []
    for eu in (c for c in pool if c.is_eu):
        for partner in (c for c in pool if not c.is_eu):
            clusters = {t.cluster for t in eu.interests} & {t.cluster for t in partner.interests}
            if not clusters:
                continue
            suggestions.append(
                Suggestion(
                    eu_city=eu.slug,
                    partner_city=partner.slug,
                    shared_topics=tuple(sorted(eu.interests & partner.interests)),
                    shared_clusters=tuple(sorted(clusters)),
                    common_languages=tuple(sorted(set(eu.languages) & set(partner.languages))),
                    office_hours_overlap=office_hours_overlap(eu, partner, on),
                )
            )
    return sorted(suggestions, key=lambda s: (-s.score, s.eu_city, s.partner_city))
