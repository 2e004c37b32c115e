"""Is a proposed pairing what the city catalogue says? Checked before anything is recorded.

A client builds the PairingProposed event from the catalogue it read; the workflow checks it
against the catalogue again, so that a start built from a made-up city, a doctored profile or
people who are not in the cities' profiles records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.cities import check_pair
from domain.errors import DomainError
from domain.events import PairingProposed
from domain.ids import pairing_id
from domain.profiles import CityProfile
from domain.text import shown


def proposal_refusal(proposed: PairingProposed, catalogue: Mapping[str, CityProfile]) -> str | None:
    """Why the catalogue does not support `proposed`, or None when it does."""
    cities = (proposed.eu_city, proposed.partner_city)
    for city in cities:
        profile = catalogue.get(city.slug)
        if profile is None:
            return f"city {shown(city.slug)} is not in the city catalogue; import its profile first"
        if profile.city != city:
            return (
                f"the profile of {city.slug} differs from the city catalogue's (it changed "
                "while the pairing was started, or was made up); start the pairing again"
            )
    try:
        check_pair(*cities)
    except DomainError as refusal:
        return refusal.message
    expected = pairing_id(proposed.cycle, proposed.eu_city.slug, proposed.partner_city.slug)
    if proposed.pairing_id != expected:
        return f"pairing id {shown(proposed.pairing_id)} is not the id of this pair ({expected!r})"
    known = {person for city in cities for person in catalogue[city.slug].stakeholders}
    strangers = [person for person in proposed.stakeholders if person not in known]
    if strangers:
        return (
            f"{len(strangers)} of the proposed stakeholders are not in the profiles of "
            f"{cities[0].slug} and {cities[1].slug}; start the pairing again"
        )
    return None
