"""The city catalogue in PostgreSQL: imported profiles, read back as the domain's models."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from domain.cities import City
from domain.profiles import CityProfile

_UPSERT = """
INSERT INTO cities (slug, profile) VALUES ($1, $2)
ON CONFLICT (slug) DO UPDATE SET profile = EXCLUDED.profile, imported_at = now()
RETURNING (xmax = 0) AS inserted
"""


async def import_profiles(pool: asyncpg.Pool, profiles: Iterable[CityProfile]) -> tuple[int, int]:
    """Insert or replace each profile, all or none; returns (added, updated)."""
    added = updated = 0
    async with pool.acquire() as conn, conn.transaction():
        for profile in profiles:
            inserted = await conn.fetchval(
                _UPSERT, profile.city.slug, profile.model_dump(mode="json")
            )
            added, updated = (added + 1, updated) if inserted else (added, updated + 1)
    return added, updated


async def list_profiles(pool: asyncpg.Pool) -> list[CityProfile]:
    rows = await pool.fetch("SELECT profile FROM cities ORDER BY slug")
    return [CityProfile.model_validate(row["profile"]) for row in rows]


async def load_profiles(pool: asyncpg.Pool) -> dict[str, CityProfile]:
    """Slug -> profile (the city and its people): what a new pairing starts with."""
    return {profile.city.slug: profile for profile in await list_profiles(pool)}


async def load_catalog(pool: asyncpg.Pool) -> dict[str, City]:
    """Slug -> city, for starting pairings and matching."""
    return {profile.city.slug: profile.city for profile in await list_profiles(pool)}
