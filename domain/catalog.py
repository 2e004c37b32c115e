"""The cities of the seed presentation, with the interests it gives them: the demo's programme.

IURC pairs (2021 cycle): Dublin-Seoul, Rotterdam-Busan, Sofia-Sejong. Earlier IUC pairs:
Eindhoven-Seoul, Scottish Cities Alliance-Suwon, Barcelona-Busan, Tampere-Gwangju.
"""

from __future__ import annotations

from domain.cities import City
from domain.profiles import CityProfile
from domain.topics import Topic as T  # noqa: N817 - keeps the table of interests readable


def _city(  # noqa: PLR0917 - a row of the table below
    slug: str, name: str, country: str, is_eu: bool, languages: tuple[str, ...], tz: str,
    *interests: T,
) -> City:  # fmt: skip
    return City(
        slug=slug, name=name, country=country, is_eu=is_eu, languages=languages, timezone=tz,
        interests=frozenset(interests),
    )  # fmt: skip


SEED_CITIES: tuple[City, ...] = (
    _city("dublin", "Dublin", "IE", True, ("en", "ga"), "Europe/Dublin",
          T.AIR_QUALITY_NOISE, T.URBAN_HEAT_ISLAND, T.SUSTAINABLE_GREEN_MOBILITY),
    _city("rotterdam", "Rotterdam", "NL", True, ("nl", "en"), "Europe/Amsterdam",
          T.SUSTAINABLE_GREEN_MOBILITY, T.SMART_URBAN_MOBILITY),
    _city("sofia", "Sofia", "BG", True, ("bg",), "Europe/Sofia",
          T.CIRCULAR_ECONOMY, T.URBAN_ENVIRONMENT),
    _city("eindhoven", "Eindhoven", "NL", True, ("nl", "en"), "Europe/Amsterdam",
          T.PUBLIC_LIGHTING, T.INNOVATION_IOT, T.E_GOVERNANCE),
    _city("scottish-cities", "Scottish Cities Alliance", "GB", True, ("en",), "Europe/London",
          T.SMART_CITY, T.OPEN_DATA, T.CIRCULAR_ECONOMY, T.HYDROGEN_VEHICLES),
    _city("barcelona", "Barcelona", "ES", True, ("es", "ca"), "Europe/Madrid",
          T.SMART_CITY, T.PUBLIC_TRANSPORT_FARES, T.URBAN_REGENERATION),
    _city("tampere", "Tampere", "FI", True, ("fi", "sv"), "Europe/Helsinki",
          T.SMART_CITY, T.SMART_MANUFACTURING, T.ENERGY_EFFICIENCY, T.CIVIC_PARTICIPATION),
    _city("seoul", "Seoul", "KR", False, ("ko", "en"), "Asia/Seoul",
          T.SUSTAINABLE_GREEN_MOBILITY, T.AIR_QUALITY_NOISE, T.PUBLIC_LIGHTING,
          T.INNOVATION_IOT, T.E_GOVERNANCE),
    _city("busan", "Busan", "KR", False, ("ko", "en"), "Asia/Seoul",
          T.SMART_URBAN_MOBILITY, T.CARBON_NEUTRAL_CITY, T.SMART_CITY,
          T.PUBLIC_TRANSPORT_FARES, T.URBAN_REGENERATION),
    _city("sejong", "Sejong", "KR", False, ("ko",), "Asia/Seoul",
          T.SMART_CITY, T.SUSTAINABLE_GREEN_MOBILITY, T.CIRCULAR_ECONOMY),
    _city("suwon", "Suwon", "KR", False, ("ko",), "Asia/Seoul",
          T.SMART_CITY, T.OPEN_DATA, T.CIRCULAR_ECONOMY, T.HYDROGEN_VEHICLES),
    _city("gwangju", "Gwangju", "KR", False, ("ko",), "Asia/Seoul",
          T.SMART_CITY, T.SMART_MANUFACTURING, T.ENERGY_EFFICIENCY, T.CIVIC_PARTICIPATION),
)  # fmt: skip

SEED_CATALOG: dict[str, City] = {city.slug: city for city in SEED_CITIES}

SEED_PROFILES: dict[str, CityProfile] = {city.slug: CityProfile(city=city) for city in SEED_CITIES}
"""The seed's cities as profiles without people: the catalogue of a programme whose
stakeholders are not yet known (examples/cities.yaml adds fictional ones)."""
