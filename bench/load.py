"""The load every scenario drives: pairings of the seed's seven real pairs, by C clients at once.

A pairing's id is `<eu>-<partner>-<cycle>`, and the seed has only 35 pairs in 101 cycles, so
each benchmark pairing gets an EU city of its own: a copy of a seed EU city under a numbered
slug, paired with that city's real partner. Languages, time zones and shared topics are the
seed's, so Sofia-Sejong copies still need an interpreter and Rotterdam-Busan copies do not.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from adapters.postgres.cities import import_profiles
from adapters.postgres.event_store import create_pool
from domain.catalog import SEED_CATALOG, SEED_PROFILES
from domain.cities import City
from domain.ids import pairing_id
from domain.principals import Principal, Role
from domain.profiles import CityProfile

SEED_PAIRS = (
    ("dublin", "seoul"),
    ("rotterdam", "busan"),
    ("sofia", "sejong"),
    ("eindhoven", "seoul"),
    ("scottish-cities", "suwon"),
    ("barcelona", "busan"),
    ("tampere", "gwangju"),
)
CYCLE = 2021

T = TypeVar("T")


@dataclass(frozen=True)
class Pair:
    eu: str
    partner: str

    @property
    def pairing_id(self) -> str:
        return pairing_id(CYCLE, self.eu, self.partner)


PRINCIPAL = Principal(role=Role.PROGRAMME_OFFICER, name="bench")
"""Who the benchmark's commands come from: the programme officer may send them all."""


def bench_catalog(
    tag: str, count: int, start: int = 0
) -> tuple[dict[str, CityProfile], list[Pair]]:
    """`count` pairs numbered from `start`, and a catalogue that knows all their cities (it
    must be imported into PostgreSQL too: a pairing is checked against it when it starts)."""
    catalog = dict(SEED_PROFILES)
    pairs = []
    for number in range(start, start + count):
        eu_slug, partner = SEED_PAIRS[number % len(SEED_PAIRS)]
        seed = SEED_CATALOG[eu_slug]
        slug = f"{tag}-{number:05d}-{eu_slug}"[:41]
        city = seed.model_copy(update={"slug": slug, "name": f"{seed.name} {number}"})
        catalog[slug] = CityProfile(city=city)
        pairs.append(Pair(eu=slug, partner=partner))
    return catalog, pairs


async def store_catalog(database_url: str, catalog: Mapping[str, CityProfile]) -> None:
    """Import the catalogue into PostgreSQL, where the workflow checks each new pairing."""
    pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        await import_profiles(pool, catalog.values())
    finally:
        await pool.close()


def cities_of(catalog: Mapping[str, CityProfile]) -> dict[str, City]:
    return {slug: profile.city for slug, profile in catalog.items()}


async def drive(items: Iterable[T], clients: int, work: Callable[[T], Awaitable[None]]) -> float:
    """Run `work` over `items` with `clients` coroutines at once; the wall time, in seconds."""
    queue = iter(items)

    async def client() -> None:
        for item in queue:  # one shared iterator: each item goes to exactly one client
            await work(item)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started


@dataclass
class Timings:
    """Round trips of one kind of call, in seconds, also kept per journey step when named."""

    samples: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=dict)

    async def time(self, call: Awaitable[T], step: str | None = None) -> T:
        started = time.perf_counter()
        result = await call
        elapsed = time.perf_counter() - started
        self.samples.append(elapsed)
        if step is not None:
            self.by_step.setdefault(step, []).append(elapsed)
        return result

    @classmethod
    def joined(cls, parts: Iterable[Timings]) -> Timings:
        """The samples of several rounds as one."""
        joined = cls()
        for part in parts:
            joined.samples += part.samples
            for step, samples in part.by_step.items():
                joined.by_step.setdefault(step, []).extend(samples)
        return joined

    def summary_ms(self) -> dict[str, float]:
        return {
            "count": len(self.samples),
            "p50_ms": percentile(self.samples, 50) * 1000,
            "p95_ms": percentile(self.samples, 95) * 1000,
            "p99_ms": percentile(self.samples, 99) * 1000,
            "max_ms": max(self.samples, default=0.0) * 1000,
        }

    def steps_ms(self) -> dict[str, dict[str, float]]:
        """p50 and p95 of each step, in journey order: which commands make the tail."""
        return {
            step: {
                "p50_ms": round(percentile(samples, 50) * 1000, 1),
                "p95_ms": round(percentile(samples, 95) * 1000, 1),
            }
            for step, samples in self.by_step.items()
        }


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (the smallest sample with `pct`% at or below it); 0 if none."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]
