"""Bringing an open pairing's people in line with its cities' profiles, after an import.

A profile changes (a new focal point, someone who left); the pairings that started from it
keep the people they started with. These are the commands that would make a pairing's
people for one city those of the city's profile again; the secretariat decides whether to
send them. A person is known by their e-mail address; someone whose other details changed
is replaced (removed, then added again).
"""

from __future__ import annotations

from domain import commands as cmd
from domain.profiles import CityProfile
from domain.stakeholders import Stakeholder
from domain.state import PairingState


def commands_to_align(state: PairingState, profile: CityProfile) -> list[cmd.Command]:
    """The commands that make the pairing's people of `profile`'s city the profile's."""
    city = profile.city.slug
    if city not in state.cities:
        return []
    held = {p.email: (ref, p) for ref, p in state.stakeholders.items() if p.city == city}
    wanted = {person.email: person for person in profile.stakeholders}
    commands: list[cmd.Command] = []
    for address, (ref, person) in held.items():
        target = wanted.get(address)
        if target is None or _other_than_focus(person, target):
            commands.append(cmd.RemoveStakeholder(ref=ref))
        elif person.focal_point != target.focal_point:
            commands.append(cmd.ChangeFocalPoint(ref=ref, focal_point=target.focal_point))
    for address, person in wanted.items():
        known = held.get(address)
        if known is None or _other_than_focus(known[1], person):
            commands.append(cmd.AddStakeholder(stakeholder=person))
    return commands


def _other_than_focus(held: Stakeholder, wanted: Stakeholder) -> bool:
    """Whether two records of one person differ in more than being a focal point."""
    return held.model_copy(update={"focal_point": False}) != wanted.model_copy(
        update={"focal_point": False}
    )
