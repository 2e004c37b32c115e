"""Matching suggestions rank by shared topics and show the frictions."""

from __future__ import annotations

from datetime import date

from domain.catalog import SEED_CATALOG
from domain.matching import suggest_pairs
from domain.timezones import office_hours_overlap


def test_seed_pairs_rank_by_shared_topics_and_pair_eu_with_partner_cities() -> None:
    suggestions = suggest_pairs(SEED_CATALOG.values(), on=date(2026, 6, 1))
    assert all(SEED_CATALOG[s.eu_city].is_eu for s in suggestions)
    assert not any(SEED_CATALOG[s.partner_city].is_eu for s in suggestions)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert (suggestions[0].eu_city, suggestions[0].partner_city) == ("tampere", "gwangju")


def test_no_common_language_means_interpretation() -> None:
    by_pair = {
        (s.eu_city, s.partner_city): s
        for s in suggest_pairs(SEED_CATALOG.values(), on=date(2026, 6, 1))
    }
    assert by_pair[("sofia", "sejong")].needs_interpretation
    assert not by_pair[("rotterdam", "busan")].needs_interpretation


def test_office_hours_overlap_follows_daylight_saving() -> None:
    rotterdam, busan = SEED_CATALOG["rotterdam"], SEED_CATALOG["busan"]
    # 09:00-18:00 CEST is 16:00-01:00 KST in summer: two hours in common (16:00-18:00 KST).
    assert office_hours_overlap(rotterdam, busan, date(2026, 6, 1)) == 2.0
    # In winter (CET, UTC+1) the gap widens by an hour.
    assert office_hours_overlap(rotterdam, busan, date(2026, 1, 15)) == 1.0
