"""PairingWorkflow: one durable workflow per city pairing, for the whole of its life.

It folds the domain's events into state, accepts commands as updates (refused in the
validator, so bad input never enters history) or as lenient signals (an invalid one is
recorded as rejected), records every event through the event-store activity, and owns one
timer, reset by every change, for the next reminder, escalation or end of follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    import email_validator  # noqa: F401 - pydantic's EmailStr imports it lazily; load it once, here
    from pydantic import ValidationError

    from contracts.delivery import (
        NOTIFICATION_WORKFLOW,
        notification_workflow_id,
        notification_workflow_summary,
    )
    from contracts.pairing import (
        PAIRING_WORKFLOW,
        QUERY_EVENTS,
        QUERY_STATE,
        QUERY_VIEW,
        SIGNAL_SUBMIT,
        UPDATE_EXECUTE,
        Carried,
        PairingWorkflowInput,
    )
    from contracts.recording import RECORD_EVENTS, RECORD_EVENTS_AND_START_DELIVERIES, RecordResult
    from domain.commands import KEY_RULE, CommandEnvelope, CommandRequest, is_key
    from domain.deadlines import next_deadline
    from domain.decider import decide, decide_deadlines, reject
    from domain.errors import DomainError, explain
    from domain.events import Event
    from domain.evolve import initial_state
    from domain.notifications import Notification
    from domain.recording import (
        RecordedEvent,
        Recording,
        carried_events,
        first_recording,
        record,
    )
    from domain.state import PairingState
    from domain.view import PairingView, checklist_markdown, view_of
    from workflows import search_attributes

DELIVERY_PATCH = "notification-delivery"
"""Histories recorded before notifications were delivered start no delivery workflows."""
UNAWAITED_DELIVERY_PATCH = "notification-delivery-unawaited"
"""Since this patch, an update returns once its events are stored: the delivery workflows they
call for are started together, beside the update's response, instead of one after another
before it (each start cost the update a workflow task of its own)."""

DELIVERIES_BY_ACTIVITY_PATCH = "deliveries-started-by-record"
"""Since this patch, the record activity starts the delivery workflows after its commit; before,
this workflow started them as children, and each child's start and end woke it for a workflow
task that its next update queued behind. Runs without the marker keep starting children."""

RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
"""Appends retry until PostgreSQL is back: an accepted command must never be lost."""


@workflow.defn(name=PAIRING_WORKFLOW)
class PairingWorkflow:
    """The life of one pairing, from matching to completed or withdrawn."""

    @workflow.init
    def __init__(self, start: PairingWorkflowInput) -> None:
        if start.carried is not None:
            self._state = start.carried.state
            self._events = list(start.carried.events)
            self._unrecorded: Recording | None = None
        else:
            assert start.proposed is not None, "PairingWorkflowInput requires one of the two"
            self._state = initial_state(start.proposed)
            self._unrecorded = first_recording(self._state, start.proposed)
            self._events = list(self._unrecorded.events)
        self._changed = False
        self._recorded_up_to = self._state.version - (1 if self._unrecorded else 0)
        self._published: search_attributes.Snapshot | None = None
        # A memo of a pure function of the state, so one command computes the view once.
        self._viewed: tuple[PairingState, PairingView] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()

    @workflow.run
    async def run(self, start: PairingWorkflowInput) -> PairingView:
        if self._unrecorded is not None:
            await self._persist(self._unrecorded)
        self._publish()
        while not self._state.stage.is_closed and not self._should_continue_as_new():
            await self._wait_for_change_or_deadline()
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._deliveries
        )
        if not self._state.stage.is_closed:
            workflow.continue_as_new(
                PairingWorkflowInput(
                    carried=Carried(state=self._state, events=carried_events(self._events))
                )
            )
        return self._view()

    @workflow.update(name=UPDATE_EXECUTE, description="Record a command; refused if invalid.")
    async def execute(self, request: CommandRequest) -> PairingView:
        # Decided again, not taken from the validator: a validator must leave no trace in the
        # workflow, and replay runs none. The state has not moved in between (the handler
        # starts in the same activation), so the decision is the one the validator approved.
        await self._apply(self._decide(request, _update_key()))
        return self._view()

    @execute.validator
    def _validate_execute(self, request: CommandRequest) -> None:
        key = _update_key()
        if not is_key(key):  # only clients that skip PairingClient's check
            raise ApplicationError(
                f"idempotency key {key[:100]!r} is not usable: {KEY_RULE}",
                type="InvalidCommandError",
                non_retryable=True,
            )
        self._decide(request, key)

    @workflow.signal(
        name=SIGNAL_SUBMIT,
        description="Record a fire-and-forget command; an invalid one is recorded as rejected.",
    )
    async def submit(self, raw: RawValue) -> None:
        await self._apply(self._decide_signal(raw))

    @workflow.query(name=QUERY_VIEW, description="Stage, staleness, checklist, next deadline.")
    def view(self) -> PairingView:
        return self._view()

    @workflow.query(name=QUERY_STATE, description="The folded domain state.")
    def state(self) -> PairingState:
        return self._state

    @workflow.query(
        name=QUERY_EVENTS,
        description="The events recorded, in order: this run's and, up to 1 MB, the latest before.",
    )
    def events(self) -> list[RecordedEvent]:
        return list(self._events)

    def _decide(self, request: CommandRequest, command_id: str) -> list[Event]:
        try:
            return decide(
                self._state,
                request.command,
                command_id=command_id,
                actor=request.actor,
                now=workflow.now(),
            )
        except DomainError as refusal:
            raise ApplicationError(
                refusal.message, type=type(refusal).__name__, non_retryable=True
            ) from None

    def _decide_signal(self, raw: RawValue) -> list[Event]:
        """Decide a signalled command; anything wrong with it becomes a CommandRejected event."""
        now = workflow.now()
        try:
            payload: Any = workflow.payload_converter().from_payload(raw.payload)
        except Exception as undecodable:
            return [
                reject(self._state, None, "unknown", f"undecodable payload: {undecodable}", now)
            ]
        kind = _field(payload, "command", "kind") or "unknown"
        try:
            envelope = CommandEnvelope.model_validate(payload)
        except ValidationError as invalid:
            return [
                reject(
                    self._state,
                    _field(payload, "command_id"),
                    kind,
                    explain(invalid, "payload"),
                    now,
                )
            ]
        try:
            return decide(
                self._state,
                envelope.command,
                command_id=envelope.command_id,
                actor=envelope.actor,
                now=now,
            )
        except DomainError as refusal:
            return [reject(self._state, envelope.command_id, kind, refusal.message, now)]

    async def _apply(self, events: list[Event]) -> None:
        """Fold `events` into state now, then record them in order behind earlier recordings."""
        if not events:
            return
        self._state, recording = record(self._state, events)
        self._viewed = (self._state, recording.view)
        self._events += recording.events
        self._changed = True
        self._publish()
        await self._persist(recording)

    async def _persist(self, recording: Recording) -> None:
        """Append in sequence order: wait until everything before this recording is stored.

        A handler can run before `run` has stored the first event, or while an earlier
        append is retrying; the event store and the read model must still see order.
        """
        first = recording.events[0].sequence
        await workflow.wait_condition(lambda: self._recorded_up_to == first - 1)
        types = ", ".join(dict.fromkeys(item.event.type for item in recording.events))
        by_activity = workflow.patched(DELIVERIES_BY_ACTIVITY_PATCH)
        await workflow.execute_activity(
            RECORD_EVENTS_AND_START_DELIVERIES if by_activity else RECORD_EVENTS,
            recording,
            result_type=RecordResult,
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
            summary=f"record #{first}-{recording.last_sequence}: {types}"[:200],
        )
        self._recorded_up_to = recording.last_sequence
        if by_activity:
            return
        if recording.notifications and workflow.patched(DELIVERY_PATCH):
            if workflow.patched(UNAWAITED_DELIVERY_PATCH):
                self._start_deliveries(recording.notifications)
            else:
                for notification in recording.notifications:
                    await _start_delivery(notification)

    def _start_deliveries(self, notifications: Sequence[Notification]) -> None:
        """Start the delivery workflows together, without holding up the caller.

        The outbox rows are already committed with the events; `run` waits for these starts
        before it continues as new or completes, so none is lost.
        """

        async def start_all() -> None:
            await asyncio.gather(*(_start_delivery(n) for n in notifications))

        task = asyncio.create_task(start_all())
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _wait_for_change_or_deadline(self) -> None:
        """The updatable timer: sleep until the next deadline, or wake early on any change."""
        deadline = next_deadline(self._state)
        self._changed = False
        if deadline is None:
            await workflow.wait_condition(lambda: self._changed)
            return
        remaining = deadline.due_at - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(
                    lambda: self._changed, timeout=remaining, timeout_summary=deadline.description
                )
                return
            except TimeoutError:
                pass
        await self._apply(decide_deadlines(self._state, workflow.now()))

    def _should_continue_as_new(self) -> bool:
        return workflow.info().is_continue_as_new_suggested()

    def _view(self) -> PairingView:
        """The view of the current state, computed once per state."""
        if self._viewed is None or self._viewed[0] is not self._state:
            self._viewed = (self._state, view_of(self._state))
        return self._viewed[1]

    def _publish(self) -> None:
        """Tell operators what changed: search attributes (only when moved) and the checklist."""
        view = self._view()
        workflow.set_current_details(checklist_markdown(view))
        snapshot = search_attributes.snapshot(view)
        if snapshot != self._published:
            workflow.upsert_search_attributes(search_attributes.updates(view))
            self._published = snapshot


async def _start_delivery(notification: Notification) -> None:
    """Hand the notification to its own workflow, which outlives this run and this pairing."""
    # Already started means delivered or being delivered: its id is the notification's.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            NOTIFICATION_WORKFLOW,  # by name: this module need not import (and re-import) it
            notification,
            id=notification_workflow_id(notification.notification_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=notification_workflow_summary(notification),
        )


def _update_key() -> str:
    """The idempotency key: the update id, up to a `#` if there is one.

    PairingClient sends `<key>#<command fingerprint>`, so that Temporal, which answers a
    repeated update id in the same run with the first one's result without asking the
    workflow, only does so for the very same command; a different command under a used key
    reaches the validator, and the domain refuses it.
    """
    info = workflow.current_update_info()
    assert info is not None, "only called from the update handler or its validator"
    return info.id.partition("#")[0]


def _field(payload: Any, *path: str) -> str | None:
    """A string nested in an untrusted payload, or None: used to label a rejection."""
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload if isinstance(payload, str) else None
