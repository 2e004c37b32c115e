"""City profiles as the secretariat keeps them: the city and the people who speak for it.

A profile file (YAML or JSON) lists cities with their stakeholders. The stakeholder's city
is the profile's own, so the file does not repeat it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.cities import City
from domain.stakeholders import Stakeholder


class CityProfile(BaseModel):
    """A city and its stakeholders."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    city: City
    stakeholders: tuple[Stakeholder, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _flat_form(cls, data: Any) -> Any:
        """Accept the flat file form: city fields and `stakeholders` side by side."""
        if not isinstance(data, dict) or "city" in data:
            return data
        fields = {key: value for key, value in data.items() if key != "stakeholders"}
        people = [
            {"city": fields.get("slug"), **person} if isinstance(person, dict) else person
            for person in data.get("stakeholders", [])
        ]
        return {"city": fields, "stakeholders": people}

    @model_validator(mode="after")
    def _stakeholders_belong_here(self) -> CityProfile:
        strangers = [s.name for s in self.stakeholders if s.city != self.city.slug]
        if strangers:
            raise ValueError(
                f"stakeholders {', '.join(strangers)} are listed under {self.city.slug} "
                "but belong to another city"
            )
        return self


NEW_SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
"""A slug as a new profile may have it: hyphens only between letters and digits, never two
in a row or at the end, so that a pairing id reads one way only (`domain.ids`). Slugs stored
before this rule still read."""


class ProfileFile(BaseModel):
    """The whole file: `cities: [...]`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cities: tuple[CityProfile, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _slugs_read_one_way(self) -> ProfileFile:
        odd = [p.city.slug for p in self.cities if not NEW_SLUG.fullmatch(p.city.slug)]
        if odd:
            raise ValueError(
                f"slugs {', '.join(odd)} have a hyphen at the end or two in a row; use single "
                "hyphens between letters and digits (e.g. den-haag)"
            )
        return self

    @model_validator(mode="after")
    def _unique(self) -> ProfileFile:
        slugs = [profile.city.slug for profile in self.cities]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise ValueError(f"cities listed twice: {', '.join(duplicates)}")
        return self
