"""Matching suggestions: which EU and partner cities would make a good pairing, and at what cost.

Ranked by shared topics, then shared thematic clusters; the frictions (no common working
language, few office hours in common) are shown, not hidden, because the secretariat plans
interpretation and meeting times around them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.cities import City
from domain.timezones import office_hours_overlap
from domain.topics import Cluster, Topic


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
