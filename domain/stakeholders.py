"""Quadruple-helix stakeholders. Names and e-mail addresses are personal data."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from domain.cities import LanguageCode, Slug


class Helix(StrEnum):
    """The four helices an Urban Cooperative Action Plan must involve."""

    GOVERNMENT = "government"
    ACADEMIA = "academia"
    BUSINESS = "business"
    CIVIL_SOCIETY = "civil_society"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Stakeholder(BaseModel):
    """A person who takes part in a pairing for one of its two cities."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    city: Slug
    helix: Helix
    role: str = Field(default="member", min_length=1, max_length=120)
    language: LanguageCode = "en"
    focal_point: bool = Field(
        default=False, description="receives the reminders when the pairing goes quiet"
    )
