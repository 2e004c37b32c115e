"""City profiles and the catalogue lookups that turn a typed slug into a city or a clear refusal."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.errors import InvalidPairingError, UnknownCityError
from domain.text import shown
from domain.topics import Topics

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,40}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]


class City(BaseModel):
    """A city's profile: who it is, how it talks, when it works and what it cares about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: Slug
    name: str = Field(min_length=1, max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    is_eu: bool = Field(description="on the EU side of the programme")
    languages: tuple[LanguageCode, ...] = Field(min_length=1, description="ISO 639-1")
    timezone: str = Field(min_length=3, description="IANA time zone, e.g. Asia/Seoul")
    interests: Topics = frozenset()

    @field_validator("timezone")
    @classmethod
    def _looks_like_iana(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z_]+(/[A-Za-z0-9_+-]+)+|UTC", value):
            raise ValueError(f"{shown(value)} is not an IANA time zone such as Europe/Rotterdam")
        return value


def find_city(catalog: Mapping[str, City], slug: str) -> City:
    """The city for `slug`, or an error that lists the closest known slugs."""
    city = catalog.get(slug)
    if city is not None:
        return city
    close = difflib.get_close_matches(slug, list(catalog), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    known = ", ".join(sorted(catalog)) or "none"
    raise UnknownCityError(f"unknown city {shown(slug)}{hint} (known cities: {known})")


def check_pair(eu_city: City, partner_city: City) -> None:
    """Refuse a pair the programme does not allow: an IURC pairing is one EU and one non-EU city."""
    if eu_city.slug == partner_city.slug:
        raise InvalidPairingError(f"cannot pair {eu_city.slug} with itself")
    if not eu_city.is_eu:
        raise InvalidPairingError(
            f"{eu_city.slug} is not an EU city; the first city of a pairing must be on the EU side"
        )
    if partner_city.is_eu:
        raise InvalidPairingError(
            f"{partner_city.slug} is an EU city; the partner city must be outside the EU"
        )
