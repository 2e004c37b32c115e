"""`evolve(state, event) -> state` and the fold: how each event changes a pairing.

Evolve never refuses: an event is a fact. Every check belongs in the decider.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch

from domain import events as ev
from domain.limits import KEY_WINDOW, TITLE_KEPT
from domain.meetings import Meeting
from domain.policy import Staleness
from domain.stages import Stage
from domain.state import PairingState, Pilot, PlanStatus, StateChanges, numbered


def initial_state(event: ev.PairingProposed) -> PairingState:
    people, added = numbered(event.stakeholders)
    return PairingState(
        pairing_id=event.pairing_id,
        eu_city=event.eu_city,
        partner_city=event.partner_city,
        cycle=event.cycle,
        topics=event.topics,
        policy=event.policy,
        stage=Stage.MATCHING,
        version=1,
        proposed_at=event.occurred_at,
        last_activity_at=event.occurred_at,
        stakeholders=people,
        stakeholders_added=added,
    )


def evolve(state: PairingState, event: ev.Event) -> PairingState:
    """The state after `event`, with the staleness clock and sequence number kept up to date."""
    changes = _changes(event, state)
    if event.is_activity:
        changes.setdefault("last_activity_at", max(state.last_activity_at, event.occurred_at))
    if event.command_id is not None and event.command_id not in state.command_ids:
        changes.update(_remembered(state, event.command_id, event.command_fingerprint))
    changes["version"] = state.version + 1
    return state.model_copy(update=changes)


def _remembered(state: PairingState, key: str, fingerprint: str | None) -> StateChanges:
    """The key added to the window of remembered keys, the oldest dropped beyond its size.

    Keys recorded before fingerprints were kept have none; they are remembered as before.
    """
    if fingerprint is None:
        return {"command_ids": state.command_ids | {key}}
    fingerprints = {**state.command_fingerprints, key: fingerprint}
    ids = state.command_ids | {key}
    forgotten = state.keys_forgotten
    while len(fingerprints) > KEY_WINDOW:
        oldest = next(iter(fingerprints))
        del fingerprints[oldest]
        ids = ids - {oldest}
        forgotten += 1
    return {"command_ids": ids, "command_fingerprints": fingerprints, "keys_forgotten": forgotten}


def fold(events: Iterable[ev.Event]) -> PairingState:
    """The state a stream of events leads to; the stream must open with PairingProposed."""
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, ev.PairingProposed):
        raise ValueError("a pairing's event stream must start with PairingProposed")
    state = initial_state(first)
    for event in iterator:
        state = evolve(state, event)
    return state


@singledispatch
def _changes(event: ev.Event, state: PairingState) -> StateChanges:
    raise TypeError(f"evolve has no rule for {type(event).__name__}")


@_changes.register
def _(event: ev.PairingProposed, state: PairingState) -> StateChanges:
    raise ValueError(f"pairing {state.pairing_id} was already proposed")


@_changes.register
def _(event: ev.ParticipationConfirmed, state: PairingState) -> StateChanges:
    return {"confirmed": state.confirmed | {event.city}}


@_changes.register
def _(event: ev.MeetingScheduled, state: PairingState) -> StateChanges:
    known = state.meetings.get(event.meeting_id)
    meeting = Meeting(
        meeting_id=event.meeting_id,
        kind=event.meeting_kind,
        title=event.title[:TITLE_KEPT],
        scheduled_for=event.scheduled_for,
        held_at=known.held_at if known else None,
    )
    return {"meetings": {**state.meetings, event.meeting_id: meeting}}


@_changes.register
def _(event: ev.MeetingHeld, state: PairingState) -> StateChanges:
    known = state.meetings.get(event.meeting_id)
    meeting = Meeting(
        meeting_id=event.meeting_id,
        kind=event.meeting_kind,
        title=known.title if known else event.summary[:TITLE_KEPT],
        scheduled_for=known.scheduled_for if known else None,
        held_at=event.held_at,
    )
    return {"meetings": {**state.meetings, event.meeting_id: meeting}}


@_changes.register
def _(event: ev.StudyVisitCompleted, state: PairingState) -> StateChanges:
    return {"study_visits": (*state.study_visits, event.visit_id)}


@_changes.register
def _(event: ev.ActionPlanSubmitted, state: PairingState) -> StateChanges:
    return {"plan": event.plan, "plan_status": PlanStatus.SUBMITTED}


@_changes.register
def _(event: ev.ActionPlanChangesRequested, state: PairingState) -> StateChanges:
    return {"plan_status": PlanStatus.CHANGES_REQUESTED}


@_changes.register
def _(event: ev.ActionPlanApproved, state: PairingState) -> StateChanges:
    return {"plan_status": PlanStatus.APPROVED}


@_changes.register
def _(event: ev.PilotFunded, state: PairingState) -> StateChanges:
    pilot = Pilot(
        title=event.title,
        amount_eur=event.amount_eur,
        funder=event.funder,
        funded_at=event.occurred_at,
    )
    return {"pilot": pilot}


@_changes.register
def _(event: ev.PilotMilestoneReported, state: PairingState) -> StateChanges:
    assert state.pilot is not None, "the decider only reports milestones of a funded pilot"
    pilot = state.pilot.model_copy(
        update={"milestone_ids": (*state.pilot.milestone_ids, event.milestone_id)}
    )
    return {"pilot": pilot}


@_changes.register
def _(event: ev.PilotCompleted, state: PairingState) -> StateChanges:
    assert state.pilot is not None, "the decider only completes a funded pilot"
    return {"pilot": state.pilot.model_copy(update={"completed_at": event.occurred_at})}


@_changes.register
def _(event: ev.FollowUpLogged, state: PairingState) -> StateChanges:
    return {"follow_ups": (*state.follow_ups, event.follow_up_id)}


@_changes.register
def _(event: ev.StakeholderAdded, state: PairingState) -> StateChanges:
    city = event.stakeholder.city
    ref = event.ref or state.next_stakeholder_ref(city)
    return {
        "stakeholders": {**state.stakeholders, ref: event.stakeholder},
        "stakeholders_added": {
            **state.stakeholders_added,
            city: state.stakeholders_added.get(city, 0) + 1,
        },
    }


@_changes.register
def _(event: ev.StakeholderRemoved, state: PairingState) -> StateChanges:
    return {"stakeholders": {r: p for r, p in state.stakeholders.items() if r != event.ref}}


@_changes.register
def _(event: ev.FocalPointChanged, state: PairingState) -> StateChanges:
    person = state.stakeholders[event.ref].model_copy(update={"focal_point": event.focal_point})
    return {"stakeholders": {**state.stakeholders, event.ref: person}}


@_changes.register
def _(event: ev.PairingPaused, state: PairingState) -> StateChanges:
    # A pause is the secretariat's decision, not silence: whatever staleness there was ends
    # here, and the clock starts afresh when the pairing resumes.
    return {
        "paused_at": event.occurred_at,
        "pause_reason": event.reason,
        "staleness": Staleness.ACTIVE,
    }


@_changes.register
def _(event: ev.PairingResumed, state: PairingState) -> StateChanges:
    # The clock restarts at the resumption: the pause did not count as silence.
    return {"paused_at": None, "pause_reason": None, "last_activity_at": event.occurred_at}


@_changes.register
def _(event: ev.StageWaived, state: PairingState) -> StateChanges:
    return {"waived": {**state.waived, event.stage: event.reason}}


@_changes.register
def _(event: ev.PairingWithdrawn, state: PairingState) -> StateChanges:
    return {
        "stage": Stage.WITHDRAWN,
        "closed_at": event.occurred_at,
        "withdrawal_reason": event.reason,
    }


@_changes.register
def _(event: ev.PolicyChanged, state: PairingState) -> StateChanges:
    return {"policy": event.policy}


@_changes.register
def _(event: ev.StageAdvanced, state: PairingState) -> StateChanges:
    changes: StateChanges = {"stage": event.to_stage}
    if event.to_stage is Stage.FOLLOW_UP:
        changes["follow_up_started_at"] = event.occurred_at
    if event.to_stage is Stage.COMPLETED:
        changes["closed_at"] = event.occurred_at
    return changes


@_changes.register
def _(event: ev.ReminderIssued, state: PairingState) -> StateChanges:
    return {"staleness": Staleness.REMINDED}


@_changes.register
def _(event: ev.Escalated, state: PairingState) -> StateChanges:
    level = Staleness.ESCALATED_1 if event.level == 1 else Staleness.ESCALATED_2
    return {"staleness": level}


@_changes.register
def _(event: ev.BackOnTrack, state: PairingState) -> StateChanges:
    return {"staleness": Staleness.ACTIVE}


@_changes.register
def _(event: ev.FollowUpPeriodEnded, state: PairingState) -> StateChanges:
    return {}


@_changes.register
def _(event: ev.CommandRejected, state: PairingState) -> StateChanges:
    return {"rejected_commands": state.rejected_commands + 1}
