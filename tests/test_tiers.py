"""How a test's tier is found: end-to-end markers first, then PostgreSQL or dev-server fixtures."""

from __future__ import annotations

import pytest

from tests.tiers import E2E, FAST, INTEGRATION, TIER_ENV, refuse_in_fast_tier, tier_of


@pytest.mark.parametrize(
    ("markers", "fixtures", "tier"),
    [
        ((), ("env", "store", "pairings"), FAST),
        (("asyncio", "parametrize"), ("tmp_path",), FAST),
        ((), ("pg_pool", "database_url", "admin_url"), INTEGRATION),
        ((), ("bare_temporal",), INTEGRATION),
        (("integration",), (), INTEGRATION),
        (("reliability",), ("admin_url", "stack"), E2E),
        (("faults",), (), E2E),
        (("e2e",), ("tmp_path",), E2E),
    ],
)
def test_a_tests_tier_follows_its_markers_then_its_fixtures(
    markers: tuple[str, ...], fixtures: tuple[str, ...], tier: str
) -> None:
    assert tier_of(markers, fixtures) == tier


def test_this_test_runs_in_the_fast_tier(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker(FAST) is not None
    assert request.node.get_closest_marker(INTEGRATION) is None


def test_the_guard_fails_the_test_that_reaches_for_a_server_in_the_fast_tier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TIER_ENV, raising=False)
    refuse_in_fast_tier("PostgreSQL")  # outside the fast tier: nothing happens
    monkeypatch.setenv(TIER_ENV, FAST)
    with pytest.raises(pytest.fail.Exception) as failed:
        refuse_in_fast_tier("PostgreSQL")
    assert "test_the_guard_fails_the_test_that_reaches_for_a_server_in_the_fast_tier" in str(
        failed.value
    )
    assert "is in the fast tier, which uses no servers, but it asked for PostgreSQL" in str(
        failed.value
    )
