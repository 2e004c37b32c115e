"""Whether a city profile names a country, languages and a time zone that exist.

Checked when profiles are imported, so that a made-up zone (`Mars/Olympus_Mons`) never
reaches a pairing: the domain copes with one stored before this check (it reads UTC), but
every message of that city would then say UTC. The lists come from the Unicode CLDR data
that Babel ships (ISO 3166-1 countries, ISO 639-1 languages) and the IANA database.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale

from domain.profiles import CityProfile
from domain.timezones import is_known_zone

NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
"""Two-letter codes CLDR lists among territories that are no country (unknown, the EU, the
eurozone, the UN, outlying Oceania, and two pseudo-regions)."""


@cache
def countries() -> frozenset[str]:
    codes = {str(code) for code in Locale("en").territories}
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha()) - NOT_COUNTRIES


@cache
def languages() -> frozenset[str]:
    return frozenset(code for code in map(str, Locale("en").languages) if len(code) == 2)


def profile_problems(profiles: Iterable[CityProfile]) -> list[str]:
    """Every place or language in `profiles` that does not exist, as `<slug>: what`."""
    problems = []
    for profile in profiles:
        city = profile.city
        if city.country not in countries():
            problems.append(f"{city.slug}: country {city.country!r} is no ISO 3166-1 code")
        if not is_known_zone(city.timezone):
            problems.append(
                f"{city.slug}: time zone {city.timezone!r} is not in the IANA database "
                "(e.g. Europe/Amsterdam, Asia/Seoul)"
            )
        odd = [code for code in city.languages if code not in languages()]
        odd += [p.language for p in profile.stakeholders if p.language not in languages()]
        for code in dict.fromkeys(odd):
            problems.append(f"{city.slug}: language {code!r} is no ISO 639-1 code")
    return problems
