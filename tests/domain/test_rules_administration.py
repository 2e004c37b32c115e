"""The secretariat's own moves: pause, resume, waive, change the policy."""

from __future__ import annotations

from domain import commands as cmd
from domain import events as ev
from domain.errors import DuplicateError, InvalidCommandError, StageError
from domain.policy import StalenessPolicy
from domain.stages import Stage
from tests.domain.gwt import T0, a_pairing, days, that


def test_a_paused_pairing_cannot_be_paused_again() -> None:
    a_pairing().after(cmd.Pause(reason="Elections")).when(cmd.Pause(reason="Again")).then_refused(
        DuplicateError,
        "cannot pause: pairing rotterdam-busan-2021 is already paused since 2026-03-02 (Elections)",
    )


def test_only_a_paused_pairing_is_resumed() -> None:
    a_pairing().when(cmd.Resume()).then_refused(
        StageError, "cannot resume: pairing rotterdam-busan-2021 is in stage matching; it is not"
    )
    resumed = (
        a_pairing()
        .after(cmd.Pause(reason="Elections"))
        .when(cmd.Resume(), at=T0 + days(9))
        .then(ev.PairingResumed)
    )
    assert (resumed.state.paused, resumed.state.last_activity_at) == (False, T0 + days(9))


def test_the_action_plan_cannot_be_waived() -> None:
    a_pairing().in_stage(Stage.ACTION_PLAN).when(
        cmd.WaiveStage(stage=Stage.ACTION_PLAN, reason="No time")
    ).then_refused(
        InvalidCommandError,
        "cannot waive stage action_plan: it is essential to the programme; stages that may be "
        "waived: bilateral, follow_up, pilot, study_visit",
    )


def test_only_the_current_stage_is_waived() -> None:
    a_pairing().in_stage(Stage.BILATERAL).when(
        cmd.WaiveStage(stage=Stage.PILOT, reason="No budget")
    ).then_refused(
        StageError, "pairing rotterdam-busan-2021 is in stage bilateral; only the current stage"
    )


def test_waiving_the_pilot_moves_to_the_follow_up() -> None:
    waived = (
        a_pairing()
        .in_stage(Stage.PILOT)
        .when(cmd.WaiveStage(stage=Stage.PILOT, reason="No budget"))
        .then(
            that(ev.StageWaived, stage=Stage.PILOT),
            that(ev.StageAdvanced, from_stage=Stage.PILOT, to_stage=Stage.FOLLOW_UP),
        )
    )
    assert waived.state.pilot is None


def test_a_policy_change_is_recorded_but_is_not_activity() -> None:
    policy = StalenessPolicy(reminder_fraction=0.25)
    changed = (
        a_pairing()
        .when(cmd.ChangePolicy(policy=policy), at=T0 + days(3))
        .then(that(ev.PolicyChanged, policy=policy))
    )
    assert (changed.state.policy, changed.state.last_activity_at) == (policy, T0)
