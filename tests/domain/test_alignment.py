"""Bringing a pairing's people in line with a changed profile: what is added, removed, refocused."""

from __future__ import annotations

from datetime import UTC, datetime

from domain import commands as cmd
from domain.alignment import commands_to_align
from domain.catalog import SEED_CATALOG
from domain.decider import propose_pairing
from domain.evolve import initial_state
from domain.profiles import CityProfile
from domain.stakeholders import Helix, Stakeholder
from domain.state import PairingState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(name: str, city: str, *, focal: bool = False, role: str = "member") -> Stakeholder:
    return Stakeholder(
        name=name,
        email=f"{name.lower()}@{city}.example.org",
        city=city,
        helix=Helix.GOVERNMENT,
        role=role,
        focal_point=focal,
    )


def pairing(*people: Stakeholder) -> PairingState:
    proposed = propose_pairing(
        SEED_CATALOG, eu_city="rotterdam", partner_city="busan", cycle=2021, now=T0,
        stakeholders=people,
    )  # fmt: skip
    return initial_state(proposed)


def busan(*people: Stakeholder) -> CityProfile:
    return CityProfile(city=SEED_CATALOG["busan"], stakeholders=people)


def test_a_pairing_in_line_with_its_profile_needs_nothing() -> None:
    minji = person("minji", "busan", focal=True)
    assert commands_to_align(pairing(minji), busan(minji)) == []


def test_someone_gone_from_the_profile_is_removed_and_someone_new_added() -> None:
    state = pairing(person("minji", "busan", focal=True), person("anna", "rotterdam"))
    jiwoo = person("jiwoo", "busan", focal=True)
    assert commands_to_align(state, busan(jiwoo)) == [
        cmd.RemoveStakeholder(ref="busan-1"),
        cmd.AddStakeholder(stakeholder=jiwoo),
    ]


def test_a_new_focal_point_changes_focus_and_other_details_replace_the_record() -> None:
    state = pairing(person("minji", "busan"), person("bo", "busan"))
    profile = busan(person("minji", "busan", focal=True), person("bo", "busan", role="chair"))
    assert commands_to_align(state, profile) == [
        cmd.ChangeFocalPoint(ref="busan-1", focal_point=True),
        cmd.RemoveStakeholder(ref="busan-2"),
        cmd.AddStakeholder(stakeholder=person("bo", "busan", role="chair")),
    ]


def test_the_other_citys_people_and_other_pairings_are_left_alone() -> None:
    state = pairing(person("anna", "rotterdam"))
    assert commands_to_align(state, busan()) == []
    sofia = CityProfile(city=SEED_CATALOG["sofia"], stakeholders=(person("ivan", "sofia"),))
    assert commands_to_align(state, sofia) == []
