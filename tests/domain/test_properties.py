"""Properties of the decider over any sequence of commands, found by hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import commands as cmd
from domain.deadlines import next_deadline
from domain.decider import decide_deadlines
from domain.errors import DomainError
from domain.events import EVENT_LIST_ADAPTER, Event
from domain.evolve import fold, initial_state
from domain.meetings import MeetingKind
from domain.policy import StalenessPolicy
from domain.recording import record
from domain.stages import Stage
from iurc.journey import action_plan, journey
from tests.domain.gwt import decided, proposed

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EU, PARTNER = "rotterdam", "busan"

JOURNEY = [command for _, command in journey(EU, PARTNER, T0)]
EXTRA: list[cmd.Command] = [
    cmd.Pause(reason="Elections"),
    cmd.Resume(),
    cmd.Withdraw(reason="No budget"),
    *(cmd.WaiveStage(stage=stage, reason="Travel restrictions") for stage in Stage),
    cmd.ConfirmParticipation(city="dublin"),
    cmd.RecordMeeting(meeting_id="x", meeting_kind=MeetingKind.BILATERAL, held_at=T0),
    cmd.ScheduleMeeting(
        meeting_id="y", meeting_kind=MeetingKind.BILATERAL, scheduled_for=T0 + timedelta(days=900)
    ),
    cmd.SubmitActionPlan(plan=action_plan(EU, PARTNER).model_copy(update={"projects": ()})),
    cmd.FundPilot(title="Early", amount_eur=1),
    cmd.ChangePolicy(policy=StalenessPolicy(reminder_fraction=0.25)),
    cmd.LogFollowUp(follow_up_id="z", held_at=T0),
]

steps = st.lists(
    st.one_of(
        st.tuples(st.just("command"), st.sampled_from(JOURNEY + EXTRA), st.integers(0, 5)),
        st.tuples(st.just("clock"), st.none(), st.integers(0, 200)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(steps=steps, key_reuse=st.booleans())
def test_any_command_sequence_keeps_state_equal_to_the_fold_and_never_moves_back(
    steps: list[tuple[str, cmd.Command | None, int]], key_reuse: bool
) -> None:
    first = proposed(EU, PARTNER, at=T0)
    state = initial_state(first)
    events: list[Event] = [first]
    now = T0
    for number, (kind, command, amount) in enumerate(steps):
        now += timedelta(hours=amount) if kind == "command" else timedelta(days=amount)
        try:
            if command is None:
                new = decide_deadlines(state, now)
            else:
                key = f"k{number % 3 if key_reuse else number}"
                new = decided(state, command, key=key, at=now)
        except DomainError:
            continue
        before = state
        state = record(state, new)[0]
        events += new
        assert state.stage.rank >= before.stage.rank, f"{before.stage} -> {state.stage}"
        assert state.version == len(events)
    stored = EVENT_LIST_ADAPTER.validate_json(EVENT_LIST_ADAPTER.dump_json(events))
    assert fold(stored) == state, "the events, as stored, no longer make the state they made"


@settings(max_examples=200, deadline=None)
@given(days=st.integers(0, 1000), pause=st.booleans(), upto=st.integers(0, len(JOURNEY)))
def test_a_due_deadline_always_produces_events(days: int, pause: bool, upto: int) -> None:
    """The workflow's timer loop relies on this: a deadline that has come always moves state."""
    state = initial_state(proposed(EU, PARTNER, at=T0))
    for number, command in enumerate(JOURNEY[:upto]):
        state = record(state, decided(state, command, key=str(number), at=T0))[0]
    if pause:
        state = record(state, decided(state, cmd.Pause(reason="r"), key="p", at=T0))[0]
    now = T0 + timedelta(days=days)
    deadline = next_deadline(state)
    if deadline is not None and deadline.due_at <= now:
        assert decide_deadlines(state, now)
    else:
        assert decide_deadlines(state, now) == []
