"""The typed client services and the CLI use to start pairings, send commands and read views.

Refusals come back as the domain's own errors (`domain.errors`), with the domain's message,
whether the workflow refused the update or the pairing is already closed; an unknown pairing
is an `UnknownPairingError`. Nothing here talks to PostgreSQL.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.pairing import (
    PAIRING_WORKFLOW,
    QUERY_EVENTS,
    QUERY_STATE,
    QUERY_VIEW,
    SIGNAL_SUBMIT,
    TASK_QUEUE,
    UPDATE_EXECUTE,
    PairingWorkflowInput,
)
from contracts.recording import PAIRING_PARKED, UPDATE_RECOVER, RecoveryRequest
from domain import errors
from domain.commands import Command, CommandEnvelope, CommandRequest
from domain.decider import decide, propose_pairing
from domain.evolve import initial_state
from domain.idempotency import command_fingerprint
from domain.ids import workflow_id
from domain.policy import StalenessPolicy
from domain.principals import Principal
from domain.profiles import CityProfile
from domain.recording import RecordedEvent
from domain.state import PairingState
from domain.topics import Topic
from domain.view import PairingView, view_of
from workflows.search_attributes import initial_search_attributes

T = TypeVar("T")

_PAIRING_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
"""Wider than `<eu-city>-<partner-city>-<cycle>`: only what no pairing id can be is refused here."""


class PairingExistsError(errors.DomainError):
    """The pairing was started before: a pairing's id is the same every time."""


class UnknownPairingError(errors.DomainError):
    """No pairing has that id."""


class PairingParkedError(errors.DomainError):
    """The event store refused the pairing's events: it takes nothing until recovered."""


_DOMAIN_ERRORS: dict[str, type[errors.DomainError]] = {
    cls.__name__: cls
    for cls in (
        errors.DomainError,
        errors.InvalidCommandError,
        errors.StageError,
        errors.DuplicateError,
        errors.ClosedPairingError,
        errors.UnknownCityError,
        errors.InvalidPairingError,
        errors.ReusedKeyError,
        errors.PermissionDeniedError,
    )
} | {PAIRING_PARKED: PairingParkedError}


class PairingClient:
    """Commands and reads for pairings, over a connected Temporal client."""

    def __init__(
        self,
        client: Client,
        *,
        task_queue: str = TASK_QUEUE,
        catalog: Mapping[str, CityProfile] | None = None,
    ) -> None:
        """`catalog` is needed only to start pairings; reading and sending commands never
        look a city up, so a client for those needs no database at all."""
        self._client = client
        self._task_queue = task_queue
        self._catalog = catalog

    @property
    def task_queue(self) -> str:
        """Where this client starts pairings: the task queue their workers poll."""
        return self._task_queue

    async def start(
        self,
        eu_city: str,
        partner_city: str,
        *,
        cycle: int,
        now: datetime,
        topics: Sequence[Topic] = (),
        policy: StalenessPolicy | None = None,
    ) -> PairingView:
        """Start a pairing in `matching`; refused if either city is unknown or it exists."""
        if self._catalog is None:
            raise RuntimeError("this PairingClient has no city catalogue: pass catalog= to start")
        proposed = propose_pairing(
            {slug: profile.city for slug, profile in self._catalog.items()},
            eu_city=eu_city,
            partner_city=partner_city,
            cycle=cycle,
            now=now,
            topics=topics,
            policy=policy,
            stakeholders=[
                person
                for slug in (eu_city, partner_city)
                if slug in self._catalog
                for person in self._catalog[slug].stakeholders
            ],
        )
        view = view_of(initial_state(proposed))
        topics_text = ", ".join(t.value.replace("_", " ") for t in proposed.topics) or "no topics"
        try:
            await self._client.start_workflow(
                PAIRING_WORKFLOW,
                PairingWorkflowInput(proposed=proposed),
                id=workflow_id(proposed.pairing_id),
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=initial_search_attributes(view),
                static_summary=(
                    f"{proposed.eu_city.name} ↔ {proposed.partner_city.name} "
                    f"({proposed.cycle}): {topics_text}"
                )[:200],
            )
        except WorkflowAlreadyStartedError:
            raise PairingExistsError(
                f"pairing {proposed.pairing_id} already exists: {eu_city} and {partner_city} "
                f"are paired for cycle {cycle}; look it up instead of starting it again"
            ) from None
        return view

    async def execute(
        self,
        pairing_id: str,
        command: Command,
        *,
        principal: Principal,
        command_id: str | None = None,
        on_behalf_of: str | None = None,
    ) -> PairingView:
        """Record `command` and wait until it is in the event store; the key makes it once-only.

        `principal` is who sends it, as the caller's own door established (never a name a
        user typed); `on_behalf_of` the city whose step the secretariat records. The key is
        checked here like the command (pydantic's ValidationError names it): the same key
        must be usable on the signal path, and Temporal refuses long update ids.
        """
        envelope = CommandEnvelope(
            principal=principal,
            on_behalf_of=on_behalf_of,
            command=command,
            command_id=str(uuid.uuid4()) if command_id is None else command_id,
        )
        request = CommandRequest(
            principal=principal, on_behalf_of=on_behalf_of, command=envelope.command
        )
        key = envelope.command_id
        handle = self._handle(pairing_id)
        try:
            view: PairingView = await handle.execute_update(
                UPDATE_EXECUTE,
                request,
                id=update_id(key, command),
                result_type=PairingView,
            )
            return view
        except WorkflowUpdateFailedError as failed:
            cause = failed.cause
            if isinstance(cause, ApplicationError) and cause.type in _DOMAIN_ERRORS:
                raise _DOMAIN_ERRORS[cause.type](cause.message) from None
            raise
        except RPCError as rpc:
            if rpc.status is not RPCStatusCode.NOT_FOUND:
                raise
            await self._refuse_closed_or_unknown(pairing_id, request, key)
            raise

    async def signal(
        self,
        pairing_id: str,
        command: Command,
        *,
        principal: Principal,
        command_id: str,
        on_behalf_of: str | None = None,
    ) -> None:
        """Send `command` without waiting; a refusal is recorded as CommandRejected."""
        envelope = CommandEnvelope(
            principal=principal, on_behalf_of=on_behalf_of, command=command, command_id=command_id
        )
        handle = self._handle(pairing_id)
        try:
            await handle.signal(SIGNAL_SUBMIT, envelope)
        except RPCError as rpc:
            if rpc.status is RPCStatusCode.NOT_FOUND:
                await self._refuse_closed_or_unknown(pairing_id, envelope, command_id)
            raise

    def _handle(self, pairing_id: str) -> WorkflowHandle[Any, Any]:
        """The pairing's workflow; an id no pairing can have is unknown without asking Temporal
        (which cannot even encode some: a lone surrogate is not UTF-8)."""
        if _PAIRING_ID.fullmatch(pairing_id) is None:
            raise UnknownPairingError(_unknown(pairing_id))
        return self._client.get_workflow_handle(workflow_id(pairing_id))

    async def recover(self, pairing_id: str, *, principal: Principal) -> PairingView:
        """Make a parked pairing continue from what the event store holds."""
        handle = self._handle(pairing_id)
        try:
            view: PairingView = await handle.execute_update(
                UPDATE_RECOVER,
                RecoveryRequest(principal=principal),
                id=f"recover-{uuid.uuid4()}",
                result_type=PairingView,
            )
            return view
        except WorkflowUpdateFailedError as failed:
            cause = failed.cause
            if isinstance(cause, ApplicationError) and cause.type in _DOMAIN_ERRORS:
                raise _DOMAIN_ERRORS[cause.type](cause.message) from None
            raise

    async def view(self, pairing_id: str) -> PairingView:
        return await self._query(pairing_id, QUERY_VIEW, PairingView)

    async def state(self, pairing_id: str) -> PairingState:
        return await self._query(pairing_id, QUERY_STATE, PairingState)

    async def events(self, pairing_id: str) -> list[RecordedEvent]:
        return await self._query(pairing_id, QUERY_EVENTS, list[RecordedEvent])

    async def _query(self, pairing_id: str, name: str, result_type: type[T]) -> T:
        handle = self._handle(pairing_id)
        try:
            result: T = await handle.query(name, result_type=result_type)
            return result
        except WorkflowQueryFailedError as failed:  # a parked or refused pairing says why
            raise errors.DomainError(failed.message) from None
        except RPCError as rpc:
            if rpc.status is RPCStatusCode.NOT_FOUND:
                raise UnknownPairingError(_unknown(pairing_id)) from None
            raise

    async def _refuse_closed_or_unknown(
        self, pairing_id: str, request: CommandRequest, key: str
    ) -> None:
        """Turn 'workflow not found / already completed' into the domain's own refusal."""
        handle = self._handle(pairing_id)
        try:
            description = await handle.describe()
        except RPCError as rpc:
            if rpc.status is RPCStatusCode.NOT_FOUND:
                raise UnknownPairingError(_unknown(pairing_id)) from None
            raise
        if description.status is WorkflowExecutionStatus.COMPLETED:
            state = await self.state(pairing_id)
            now = description.close_time or state.last_activity_at
            decide(
                state,
                request.command,
                command_id=key,
                principal=request.sender,
                on_behalf_of=request.on_behalf_of,
                now=now,
            )
        raise errors.ClosedPairingError(
            f"pairing {pairing_id} is no longer running ({_status(description.status)}); "
            "it accepts no further commands"
        )


def update_id(key: str, command: Command) -> str:
    """The update id of a command: `<idempotency key>#<fingerprint of the command>`.

    The workflow refuses any other form: Temporal answers a repeated update id with the
    first update's result, so the fingerprint keeps a key reused for another command from
    being answered as if that command had been recorded.
    """
    return f"{key}#{command_fingerprint(command)}"


def _unknown(pairing_id: str) -> str:
    shown = repr(pairing_id[:100]) + ("…" if len(pairing_id) > 100 else "")
    return (
        f"unknown pairing {shown}: no pairing has that id; "
        "ids look like <eu-city>-<partner-city>-<cycle>, e.g. rotterdam-busan-2021"
    )


def _status(status: WorkflowExecutionStatus | None) -> str:
    return status.name.lower() if status is not None else "unknown"
