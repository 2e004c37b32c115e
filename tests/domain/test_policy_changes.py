"""A policy change carries only what changes; the decider merges it into the pairing's policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain import commands as cmd
from domain import events as ev
from domain.catalog import SEED_CATALOG
from domain.decider import decide, propose_pairing
from domain.errors import DuplicateError
from domain.evolve import evolve, initial_state
from domain.policy import StalenessPolicy
from domain.stages import Stage
from domain.state import PairingState
from tests.principals import OFFICER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pairing() -> PairingState:
    return initial_state(
        propose_pairing(SEED_CATALOG, eu_city="rotterdam", partner_city="busan", cycle=2021, now=T0)
    )


def change(state: PairingState, command: cmd.ChangePolicy, key: str) -> PairingState:
    (event,) = decide(state, command, command_id=key, principal=OFFICER, now=T0)
    assert isinstance(event, ev.PolicyChanged)
    return evolve(state, event)


def test_two_changes_of_different_parts_both_take_effect() -> None:
    state = pairing()
    state = change(state, cmd.ChangePolicy(idle_limits={Stage.KICKOFF: timedelta(days=45)}), "a")
    state = change(state, cmd.ChangePolicy(reminder_fraction=0.3), "b")
    assert state.policy.idle_limit(Stage.KICKOFF) == timedelta(days=45)
    assert state.policy.reminder_fraction == 0.3
    untouched = StalenessPolicy()
    assert state.policy.idle_limit(Stage.PILOT) == untouched.idle_limit(Stage.PILOT)
    assert state.policy.follow_up_period == untouched.follow_up_period


def test_a_change_that_changes_nothing_is_refused() -> None:
    current = StalenessPolicy().idle_limit(Stage.MATCHING)
    with pytest.raises(DuplicateError, match="already has that policy"):
        decide(
            pairing(),
            cmd.ChangePolicy(idle_limits={Stage.MATCHING: current}),
            command_id="same",
            principal=OFFICER,
            now=T0,
        )


def test_a_whole_policy_recorded_before_partial_changes_still_replaces_it() -> None:
    whole = StalenessPolicy(reminder_fraction=0.25)
    state = change(pairing(), cmd.ChangePolicy(policy=whole), "legacy")
    assert state.policy == whole


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "nothing to change"),
        ({"policy": StalenessPolicy(), "reminder_fraction": 0.4}, "not both"),
        ({"idle_limits": {Stage.COMPLETED: timedelta(days=3)}}, "closed stages"),
        ({"idle_limits": {Stage.PILOT: timedelta(0)}}, "must be positive"),
        ({"follow_up_period": timedelta(days=5000)}, "at most 3653 days"),
        ({"reminder_fraction": 1.0}, "less than 1"),
    ],
)
def test_a_change_that_cannot_be_applied_is_refused_with_the_reason(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        cmd.ChangePolicy.model_validate(fields)
