"""PairingWorkflow: one durable workflow per city pairing, for the whole of its life.

It folds the domain's events into state, accepts commands as updates (refused in the
validator, so bad input never enters history) or as lenient signals (an invalid one is
recorded as rejected), records every event through the event-store activity, and owns one
timer, reset by every change, for the next reminder, escalation or end of follow-up. What
it takes in is judged in `workflows.intake` first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import email_validator  # noqa: F401 - pydantic's EmailStr imports it lazily; load it once, here

    from contracts.catalogue import CHECK_PROPOSAL, ProposalVerdict
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
    from contracts.recording import (
        PAIRING_PARKED,
        UPDATE_RECOVER,
        RecoveryRequest,
    )
    from domain.deadlines import next_deadline
    from domain.decider import decide_deadlines
    from domain.errors import DomainError
    from domain.events import Event, PairingProposed
    from domain.evolve import initial_state
    from domain.permissions import authorize_recovery
    from domain.recording import (
        RecordedEvent,
        Recording,
        carried_events,
        first_recording,
        forget_recorded,
        record,
    )
    from domain.state import PairingState
    from domain.view import PairingView, checklist_markdown, view_of
    from workflows import search_attributes
    from workflows.intake import (
        INTERNAL_ERROR,
        REFUSED_START,
        decided,
        recorded_before,
        refused,
        request_of,
        signalled,
        start_of,
        update_key,
    )
    from workflows.ledger import DELIVERIES_BY_ACTIVITY_PATCH, RECORD_RETRY, Ledger
    from workflows.parking import stored_state

PROPOSAL_CHECK_PATCH = "proposal-checked-against-catalogue"
"""Since this patch, a new pairing is checked against the city catalogue before its first
event is recorded; pairings started before it were not."""

CHECK_TIMEOUT = timedelta(seconds=10)


@workflow.defn(name=PAIRING_WORKFLOW)
class PairingWorkflow:
    """The life of one pairing, from matching to completed or withdrawn."""

    @workflow.init
    def __init__(self, start: RawValue) -> None:
        accepted = start_of(start)
        self._refusal = accepted if isinstance(accepted, str) else None
        if isinstance(accepted, str):
            # Refused: run fails the workflow before anything is recorded, and until then
            # every handler and query refuses too, so this state is never read.
            self._state = cast("PairingState", None)
            self._events, self._unrecorded = [], None
            self._proposed: PairingProposed | None = None
        elif accepted.carried is not None:
            self._state = accepted.carried.state
            self._events = list(accepted.carried.events)
            self._unrecorded = None
            self._proposed = None
        else:
            assert accepted.proposed is not None, "PairingWorkflowInput requires one of the two"
            self._proposed = accepted.proposed
            self._state = initial_state(accepted.proposed)
            self._unrecorded = first_recording(self._state, accepted.proposed)
            self._events = list(self._unrecorded.events)
        self._changed = False
        recorded = 0 if self._refusal else self._state.version - bool(self._unrecorded)
        self._ledger = Ledger(recorded, on_parked=self._publish)
        self._published: search_attributes.Snapshot | None = None
        # A memo of a pure function of the state, so one command computes the view once.
        self._viewed: tuple[PairingState, PairingView] | None = None

    @workflow.run
    async def run(self, start: RawValue) -> PairingView:
        if self._refusal is None and self._proposed is not None:
            # Asked here, before the local activity, though first used by the append after
            # it: a patch marker recorded after a local activity in the same workflow task
            # does not replay (the core meets it before the activity's result is resolved).
            # The answer is memoized for the run; old histories recorded it at this point too.
            workflow.patched(DELIVERIES_BY_ACTIVITY_PATCH)
            self._refusal = await _catalogue_refusal(self._proposed)
        if self._refusal is not None:
            raise refused(self._refusal, REFUSED_START)
        if self._unrecorded is not None:
            await self._persisted_or_parked(self._unrecorded)
        self._publish()
        while not self._state.stage.is_closed and not self._should_continue_as_new():
            if self._ledger.parked is not None:
                await workflow.wait_condition(lambda: self._ledger.parked is None)
                continue
            await self._wait_for_change_or_deadline()
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._ledger.children.pending
        )
        if not self._state.stage.is_closed:
            workflow.continue_as_new(
                PairingWorkflowInput(
                    carried=Carried(
                        state=self._state, events=carried_events(self._events, self._state)
                    )
                )
            )
        return self._view()

    @workflow.update(name=UPDATE_EXECUTE, description="Record a command; refused if invalid.")
    async def execute(self, raw: RawValue) -> PairingView:
        # Decided again, not taken from the validator: a validator must leave no trace in the
        # workflow, and replay runs none. The state has not moved in between (the handler
        # starts in the same activation), so the decision is the one the validator approved.
        request = request_of(raw)
        key = update_key(request, validating=False)
        try:
            if await recorded_before(self._state, request.command, key):
                return self._view()
        except DomainError as refusal:
            raise refused(refusal.message, type(refusal).__name__) from None
        await self._apply(decided(self._state, request, key))
        return self._view()

    @execute.validator
    def _validate_execute(self, raw: RawValue) -> None:
        if self._refusal is not None:
            raise refused(self._refusal, REFUSED_START)
        if self._ledger.parked is not None:
            raise refused(self._ledger.parked, PAIRING_PARKED)
        request = request_of(raw)
        key = update_key(request, validating=True)
        if request.principal is None:
            raise refused(
                "the command names no principal: a typed actor is not accepted; send it "
                "through a door that establishes who you are (README, who may do what)",
                "PermissionDeniedError",
            )
        decided(self._state, request, key)

    @workflow.signal(
        name=SIGNAL_SUBMIT,
        description="Record a fire-and-forget command; an invalid one is recorded as rejected.",
    )
    async def submit(self, raw: RawValue) -> None:
        if (
            self._refusal is None and self._ledger.parked is None
        ):  # a parked pairing records nothing
            await self._apply_or_park(await signalled(self._state, raw))

    @workflow.update(
        name=UPDATE_RECOVER, description="Continue a parked pairing from its stored events."
    )
    async def recover(self, request: RecoveryRequest) -> PairingView:
        self._state, self._events = await stored_state(self._state.pairing_id)
        self._ledger.resume_after(self._state)
        self._published = None  # the search attributes say "parked": set them all again
        self._changed = True
        self._publish()
        return self._view()

    @recover.validator
    def _validate_recover(self, request: RecoveryRequest) -> None:
        if self._ledger.parked is None:
            raise refused(
                f"pairing {self._state.pairing_id} is not parked: there is nothing to recover",
                "StageError",
            )
        try:
            authorize_recovery(request.principal)
        except DomainError as refusal:
            raise refused(refusal.message, type(refusal).__name__) from None

    @workflow.query(name=QUERY_VIEW, description="Stage, staleness, checklist, next deadline.")
    def view(self) -> PairingView:
        self._refuse_if_refused()
        return self._view()

    @workflow.query(name=QUERY_STATE, description="The folded domain state.")
    def state(self) -> PairingState:
        self._refuse_if_refused()
        return self._state

    @workflow.query(
        name=QUERY_EVENTS,
        description="The events recorded, in order: this run's and, up to 1 MB, the latest before.",
    )
    def events(self) -> list[RecordedEvent]:
        self._refuse_if_refused()
        return list(self._events)

    def _refuse_if_refused(self) -> None:
        if self._refusal is not None:
            raise refused(self._refusal, REFUSED_START)

    async def _apply(self, events: list[Event]) -> None:
        """Fold `events` into state now, then record them in order behind earlier recordings."""
        if not events:
            return
        try:
            self._state, recording = record(self._state, events)
        except Exception as bug:
            raise refused(
                f"the pairing could not record {', '.join(e.type for e in events)} "
                f"({type(bug).__name__}: {str(bug)[:300]}); it is unchanged; please report this",
                INTERNAL_ERROR,
            ) from None
        self._viewed = (self._state, recording.view)
        if recording.forgotten:
            self._events = forget_recorded(self._events, recording.forgotten)
        self._events += recording.events
        self._changed = True
        self._publish()
        await self._ledger.append(recording, self._state)

    async def _apply_or_park(self, events: list[Event]) -> None:
        """Apply what time or a signal decided; nobody waits for an answer, so what cannot
        be recorded parks the pairing (raising here would fail the workflow)."""
        try:
            await self._apply(events)
        except ApplicationError as refusal:
            if refusal.type == INTERNAL_ERROR:
                await self._ledger.park(self._state, self._state.version + 1, refusal.message)
            elif refusal.type != PAIRING_PARKED:
                raise

    async def _persisted_or_parked(self, recording: Recording) -> None:
        """Persist what time or the start recorded; a conflict parks, it does not fail the run."""
        try:
            await self._ledger.append(recording, self._state)
        except ApplicationError as refusal:
            if refusal.type != PAIRING_PARKED:
                raise

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
        await self._apply_or_park(decide_deadlines(self._state, workflow.now()))

    def _should_continue_as_new(self) -> bool:
        return workflow.info().is_continue_as_new_suggested()

    def _view(self) -> PairingView:
        """The view of the current state, computed once per state; a parked pairing's says so."""
        if self._viewed is None or self._viewed[0] is not self._state:
            self._viewed = (self._state, view_of(self._state))
        if self._ledger.parked is not None:
            return self._viewed[1].model_copy(update={"notice": self._ledger.parked})
        return self._viewed[1]

    def _publish(self) -> None:
        """Tell operators what changed: search attributes (only when moved) and the checklist."""
        view = self._view()
        details = checklist_markdown(view)
        if self._ledger.parked is not None:
            details = f"**PARKED**: {self._ledger.parked}\n\n{details}"
        workflow.set_current_details(details)
        snapshot = search_attributes.snapshot(view, parked=self._ledger.parked is not None)
        if snapshot != self._published:
            workflow.upsert_search_attributes(
                search_attributes.updates(view, parked=self._ledger.parked is not None)
            )
            self._published = snapshot


async def _catalogue_refusal(proposed: PairingProposed) -> str | None:
    """Why the city catalogue does not support this new pairing, if it does not."""
    if not workflow.patched(PROPOSAL_CHECK_PATCH):
        return None
    verdict: ProposalVerdict = await workflow.execute_local_activity(
        CHECK_PROPOSAL,
        proposed,
        result_type=ProposalVerdict,
        start_to_close_timeout=CHECK_TIMEOUT,
        retry_policy=RECORD_RETRY,
        summary="check the proposal against the city catalogue",
    )
    return verdict.refusal
