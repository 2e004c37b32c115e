"""The three test tiers, how a test's tier is found, and the guard that keeps `fast` off servers.

    fast         pure unit tests, and the time-skipping server with in-memory activities
    integration  real PostgreSQL and/or the Temporal dev server
    e2e          whole stacks in subprocesses: make run, iurc up, bench, faults, reliability

tests/conftest.py marks every collected test with exactly one tier: `e2e` if it carries an
end-to-end marker, `integration` if it uses a fixture below (pytest's fixture closure is
transitive, so `pg_pool` counts through `admin_url`) or is marked so by hand, `fast`
otherwise. A test that starts a server by itself must say so with a marker. scripts/check.py
runs the tiers one after another, and checks that together they select every test once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pytest

TIER_ENV = "IURC_TEST_TIER"
"""Set to `fast` while the fast tier runs: every server fixture then fails the test loudly."""

FAST, INTEGRATION, E2E = "fast", "integration", "e2e"
TIERS = (FAST, INTEGRATION, E2E)

E2E_MARKERS = frozenset({E2E, "faults", "reliability"})
INTEGRATION_FIXTURES = frozenset(
    {
        "admin_url",  # PostgreSQL: database_url, empty_database_url and pg_pool all use it
        "private_postgres",  # tests/deploy: an embedded PostgreSQL of the test's own
        "dev_env",  # tests/integration: the Temporal dev server
        "cli_temporal",  # tests/cli
        "privacy_env",  # tests/privacy
        "bare_temporal",  # tests/deploy: a dev server without the search attributes
    }
)
"""Fixtures that start (or need) PostgreSQL or the dev server: a test using one is integration."""


def tier_of(markers: Iterable[str], fixtures: Iterable[str]) -> str:
    """The one tier of a test with these marker names and this fixture closure."""
    names = set(markers)
    if names & E2E_MARKERS:
        return E2E
    if INTEGRATION in names or INTEGRATION_FIXTURES & set(fixtures):
        return INTEGRATION
    return FAST


def fast_tier_running() -> bool:
    return os.environ.get(TIER_ENV) == FAST


def refuse_in_fast_tier(what: str) -> None:
    """Fail the current test, naming it, if the fast tier is running: it may not use `what`."""
    if not fast_tier_running():
        return
    current = os.environ.get("PYTEST_CURRENT_TEST", "a test (outside a test)")
    test = current.rsplit(" (", 1)[0]
    pytest.fail(
        f"{test} is in the fast tier, which uses no servers, but it asked for {what}. Use a "
        "fixture that tests/tiers.py counts as integration, or mark the test "
        "@pytest.mark.integration (or e2e).",
        pytrace=False,
    )
