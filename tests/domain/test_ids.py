"""Pairing ids read one way only: two different pairs never share an id."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.ids import pairing_id
from domain.profiles import ProfileFile


def test_ids_of_pairs_without_hyphens_stay_as_they_were() -> None:
    assert pairing_id(2021, "rotterdam", "busan") == "rotterdam-busan-2021"


def test_pairs_that_one_hyphen_would_confuse_get_different_ids() -> None:
    assert pairing_id(2021, "den-haag", "busan") != pairing_id(2021, "den", "haag-busan")
    assert pairing_id(2021, "den-haag", "busan") == "den-haag--busan--2021"
    assert pairing_id(2019, "scottish-cities", "suwon") == "scottish-cities--suwon--2019"


@pytest.mark.parametrize("slug", ["den--haag", "haag-", "den-haag-"])
def test_a_new_profile_cannot_have_a_slug_that_would_blur_an_id(slug: str) -> None:
    city = {
        "slug": slug, "name": "X", "country": "NL", "is_eu": True, "languages": ["nl"],
        "timezone": "Europe/Amsterdam",
    }  # fmt: skip
    with pytest.raises(ValidationError, match="two in a row"):
        ProfileFile.model_validate({"cities": [city]})
