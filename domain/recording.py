"""What one decision writes down: numbered events, the resulting view, the messages called for.

The workflow builds a Recording from the decider's events and hands it to the event-store
activity, which appends it idempotently. Sequence numbers come from the state's version,
so a retried append writes the same rows and is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from domain.events import Event, StakeholderRemoved
from domain.evolve import evolve
from domain.forgetting import Forgotten, forget_in
from domain.limits import CONTINUE_AS_NEW_BUDGET
from domain.notifications import Notification, notifications_for
from domain.state import PairingState
from domain.view import PairingView, view_of


class RecordedEvent(BaseModel):
    """An event with its place in the pairing's stream (1 is PairingProposed)."""

    model_config = ConfigDict(frozen=True)

    sequence: int
    event: Event


class Recording(BaseModel):
    """One append to the event store: the events, the resulting view, the notifications."""

    model_config = ConfigDict(frozen=True)

    pairing_id: str
    events: tuple[RecordedEvent, ...]
    view: PairingView
    notifications: tuple[Notification, ...] = ()
    forgotten: tuple[Forgotten, ...] = ()
    """People these events remove: the store rewrites the earlier events that name them."""

    @property
    def last_sequence(self) -> int:
        return self.events[-1].sequence if self.events else self.view.version


def record(state: PairingState, events: Sequence[Event]) -> tuple[PairingState, Recording]:
    """Apply `events` to `state`; return the new state and what to write down."""
    numbered: list[RecordedEvent] = []
    notifications: list[Notification] = []
    forgotten: list[Forgotten] = []
    for event in events:
        sequence = state.version + 1
        numbered.append(RecordedEvent(sequence=sequence, event=event))
        notifications += notifications_for(state, sequence, event)
        if isinstance(event, StakeholderRemoved) and event.ref in state.stakeholders:
            forgotten.append(Forgotten(ref=event.ref, person=state.stakeholders[event.ref]))
        state = evolve(state, event)
    recording = Recording(
        pairing_id=state.pairing_id,
        events=tuple(numbered),
        view=view_of(state),
        notifications=tuple(notifications),
        forgotten=tuple(forgotten),
    )
    return state, recording


def forget_recorded(
    events: Sequence[RecordedEvent], forgotten: Sequence[Forgotten]
) -> list[RecordedEvent]:
    """`events` with every forgotten person replaced by their stand-in."""
    kept = []
    for recorded in events:
        event = recorded.event
        for person in forgotten:
            event = forget_in(event, person)
        kept.append(
            recorded
            if event is recorded.event
            else RecordedEvent(sequence=recorded.sequence, event=event)
        )
    return kept


def first_recording(state: PairingState, proposed: Event) -> Recording:
    """The recording of a pairing's first event, which made `state`."""
    return Recording(
        pairing_id=state.pairing_id,
        events=(RecordedEvent(sequence=1, event=proposed),),
        view=view_of(state),
    )


def carried_events(
    events: Sequence[RecordedEvent], state: PairingState
) -> tuple[RecordedEvent, ...]:
    """The most recent `events` that fit, beside `state`, in what a run carries into the next.

    Temporal refuses a continue-as-new input over 2 MB, so a pairing with more (a service
    that signals invalid commands by the thousand) would otherwise fail every task from
    then on. The state, which is all the pairing needs and is capped (domain.limits), is
    carried whole; the events fill what is left of CONTINUE_AS_NEW_BUDGET, the newest first.
    The event store keeps every event.
    """
    budget = CONTINUE_AS_NEW_BUDGET - len(state.__pydantic_serializer__.to_json(state))
    kept: list[RecordedEvent] = []
    size = 0
    for recorded in reversed(events):
        size += len(recorded.model_dump_json())
        if size > budget:
            break
        kept.append(recorded)
    return tuple(reversed(kept))
