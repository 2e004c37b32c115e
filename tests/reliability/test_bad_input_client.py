"""Bad input at scale through the typed client: each command is refused clearly or recorded once.

Hypothesis generates raw command payloads (JSON-like dicts, see `strategies`) and sends them
to fresh pairings at every stage of their life, on the real dev server with a real worker and
PostgreSQL: as an update through `PairingClient.execute` (the command built with pydantic
first, as a service would) and as a signal of the raw dict, so that invalid payloads reach the
workflow itself. The oracle is the domain: before each send, `decide` on the pairing's current
state (its state query) says whether the command must be refused, and with which error, or
accepted, and with which events. Then:

- refused: a pydantic ValidationError before sending (message names the field), a DomainError
  with its message (update), or exactly one CommandRejected event saying why (signal);
  nothing else changes;
- accepted: the predicted events, each carrying the key; in the event store the key's events
  are one contiguous recording; the same key again records nothing;
- a reused key with *different* content is refused (ReusedKeyError), not silently ignored;
- every run of every workflow ends with no failed workflow task, none failed or terminated.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError, to_json
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain import commands as cmd
from domain import events as ev
from domain.decider import reject
from domain.errors import (
    ClosedPairingError,
    DomainError,
    InvalidCommandError,
    PermissionDeniedError,
    ReusedKeyError,
    UnknownCityError,
)
from domain.ids import workflow_id
from domain.limits import CONTINUE_AS_NEW_BUDGET
from domain.meetings import MeetingKind
from domain.policy import DEFAULT_IDLE_LIMITS, StalenessPolicy
from domain.principals import Principal
from domain.stages import Stage
from domain.state import PairingState
from domain.view import PairingView
from iurc.client import PairingExistsError, UnknownPairingError
from iurc.journey import action_plan
from tests.domain.gwt import decided
from tests.principals import OFFICER, OFFICER_JSON
from tests.reliability import strategies as gen
from tests.reliability.bad_input_fixtures import (
    JOURNEY_STEPS,
    BadInputStack,
    Started,
    assert_all_histories_clean,
    assert_history_clean,
    bad_input_stack,
    start_at_stage,
    stored_rows,
    tally,
    trace,
    wait_until_stored,
)
from tests.temporal_support import eventually, test_data_converter

pytestmark = pytest.mark.reliability

PAIRINGS_TAG = "c"
"""This module's pairings have an EU city named like `rotterdam-c17`: no other test's."""
COMMAND: TypeAdapter[cmd.Command] = TypeAdapter(cmd.Command)
CONVERTER = test_data_converter().payload_converter
PAYLOAD_LIMIT = 2 * 1024 * 1024
"""Temporal's default blob size limit: the frontend refuses a larger signal outright."""
WIRE_REFUSALS = {
    (RPCStatusCode.INVALID_ARGUMENT, "Blob data size exceeds limit."),
    (RPCStatusCode.RESOURCE_EXHAUSTED, "grpc: received message larger than max"),
}
"""How Temporal refuses an oversized payload: the frontend (over 2 MB), gRPC (over 4 MB)."""
SEND_TIMEOUT = 20.0
"""A command that has not been answered by then is stuck (it once was: NUL in a summary)."""
BAD_INPUT_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the stack is shared on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(database_url: str) -> AsyncIterator[BadInputStack]:
    async with bad_input_stack(database_url, PAIRINGS_TAG) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def clean_histories(stack: BadInputStack) -> AsyncIterator[None]:
    """After each test: every run it started is healthy, with no failed workflow task."""
    since = datetime.now(UTC) - timedelta(seconds=1)
    yield
    await assert_all_histories_clean(stack.client, since)


# -- the oracle ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invalid:
    """Refused by pydantic: the payload is not a command."""

    error: ValidationError


@dataclass(frozen=True)
class Refused:
    """Refused by the domain, with its message."""

    error: DomainError


@dataclass(frozen=True)
class Accepted:
    """Recorded: these events (none when the key already recorded the very same command)."""

    events: tuple[ev.Event, ...]


Prediction = Invalid | Refused | Accepted


NO_PRINCIPAL = "the command names no principal: a typed actor is not accepted"
"""What the workflow records for a signal in the shape from before principals."""


def predict(state: PairingState, payload: Any, now: datetime) -> Prediction:
    """What the domain says of `payload` sent to a pairing in `state` at `now`."""
    try:
        envelope = cmd.CommandEnvelope.model_validate(payload)
    except ValidationError as invalid:
        return Invalid(invalid)
    if envelope.principal is None:
        return Refused(PermissionDeniedError(NO_PRINCIPAL))
    try:
        events = decided(
            state,
            envelope.command,
            key=envelope.command_id,
            principal=envelope.principal,
            on_behalf_of=envelope.on_behalf_of,
            at=now,
        )
    except DomainError as refusal:
        return Refused(refusal)
    return Accepted(tuple(events))


WHOLE_VALUE_ERRORS = frozenset(
    {"union_tag_not_found", "union_tag_invalid", "model_type", "model_attributes_type"}
)
"""Problems of a value as a whole (no kind, not an object): they have no field to name."""


def assert_clear_validation_error(error: ValidationError, payload: Any) -> None:
    """Every problem has a message, and a location whenever the payload had fields to name."""
    problems = error.errors(include_url=False)
    assert problems
    assert all(problem["msg"] for problem in problems), problems
    if isinstance(payload, dict):
        named = [p for p in problems if p["loc"] or p["type"] in WHOLE_VALUE_ERRORS]
        assert named == problems, problems


def wire_size(payload: Any) -> int | None:
    """The payload's size as JSON; None if the client cannot encode it (lone surrogates)."""
    try:
        return len(to_json(payload))
    except PydanticSerializationError:
        return None


def fits(size: int) -> bool | None:
    """True under Temporal's limit, False over it, None near it (the envelope adds a little)."""
    if size < PAYLOAD_LIMIT * 0.95:
        return True
    if size > PAYLOAD_LIMIT * 1.05:
        return False
    return None


def signal_reason(invalid: ValidationError) -> str:
    """The reason the workflow records for a payload pydantic refuses (workflows/pairing.py)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'payload'}: {problem['msg']}"
        for problem in invalid.errors(include_url=False)
    )


def text_at(payload: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload if isinstance(payload, str) else None


# -- sending --------------------------------------------------------------------------------------


@dataclass
class Pairing:
    """One example's pairing, with what the test sent to it."""

    stack: BadInputStack
    started: Started
    keys_refused: set[str]

    @property
    def pairing_id(self) -> str:
        return self.started.pairing_id

    async def state(self) -> PairingState:
        return await self.stack.pairings.state(self.pairing_id)

    async def new_events(self, after: int) -> list[ev.Event]:
        recorded = await self.stack.pairings.events(self.pairing_id)
        return [r.event for r in recorded if r.sequence > after]


async def send_update(pairing: Pairing, payload: Any) -> None:
    """The payload as a service using the typed client sends it, checked against the oracle."""
    fields: dict[str, Any] = payload if isinstance(payload, dict) else {}
    key: Any = fields.get("command_id")  # None: the client makes a fresh key
    principal: Any = fields.get("principal")  # of any type: the client must refuse the wrong
    fresh_key = "fresh-key" if key is None else key
    as_sent = {**payload, "command_id": fresh_key} if isinstance(payload, dict) else payload
    before = await pairing.state()
    expected = predict(before, as_sent, datetime.now(UTC))
    outcome: PairingView | ValidationError | DomainError
    try:
        command = COMMAND.validate_python(fields.get("command"))
        outcome = await asyncio.wait_for(
            pairing.stack.pairings.execute(
                pairing.pairing_id, command, principal=principal, command_id=key
            ),
            SEND_TIMEOUT,
        )
    except (ValidationError, DomainError) as refusal:
        outcome = refusal
    later = predict(before, as_sent, datetime.now(UTC))
    tally(f"update: {type(outcome).__name__}")
    trace(f"update {payload!r:.300} -> {outcome!r:.300} (predicted {expected!r:.300})")
    after = await pairing.state()
    if isinstance(outcome, ValidationError):
        assert_clear_validation_error(outcome, payload)
        no_principal = principal is None  # the client sends nothing without a principal
        assert no_principal or isinstance(expected, Invalid) or isinstance(later, Invalid), expected
        assert after.version == before.version
        return
    candidates = [p for p in (expected, later) if not isinstance(p, Invalid)]
    assert candidates, f"pydantic refuses {payload!r:.300}, the client sent it"
    if before.stage.is_closed:
        # Withdrawn (or completed): the workflow, or once it has ended the client, refuses
        # with the domain's message; only the very same command again is answered in peace.
        if isinstance(outcome, DomainError):
            assert isinstance(outcome, ClosedPairingError | ReusedKeyError), outcome
            assert before.pairing_id in outcome.message, outcome.message
        else:
            assert any(isinstance(p, Accepted) and not p.events for p in candidates), outcome
        assert after.version == before.version
        return
    if isinstance(outcome, DomainError):
        assert outcome.message
        assert any(isinstance(p, Refused) and type(p.error) is type(outcome) for p in candidates), (
            f"refused with {outcome!r}, predicted {candidates!r:.300}"
        )
        assert after.version == before.version
        pairing.keys_refused.add(str(key))
        return
    accepted = [p for p in candidates if isinstance(p, Accepted)]
    assert accepted, f"accepted, predicted {candidates!r:.500}"
    added = await pairing.new_events(before.version)
    assert any([e.type for e in added] == [e.type for e in p.events] for p in accepted), added
    assert after.version == before.version + len(added)
    used = {event.command_id for event in added}
    assert len(used) <= 1, f"one command, several keys: {used}"
    assert not used & set(before.command_ids), "a key recorded again"
    if key is not None:
        assert used <= {key}, used


async def send_signal(pairing: Pairing, payload: Any) -> None:
    """The raw payload as a signal: refused on the wire, or decided or rejected by the workflow."""
    handle = pairing.stack.client.get_workflow_handle(workflow_id(pairing.pairing_id))
    before = await pairing.state()
    size = wire_size(payload)
    if size is None:
        with pytest.raises(PydanticSerializationError, match="surrogates not allowed"):
            await handle.signal("submit", payload)
        trace(f"signal {payload!r:.300} -> not encodable, not sent")
        return
    fit = fits(size)
    # What the workflow decodes; a payload the server refuses is never decoded, nor predicted.
    wire = CONVERTER.from_payload(CONVERTER.to_payload(payload)) if fit is not False else payload
    expected = predict(before, wire, datetime.now(UTC)) if fit is not False else None
    refusal: RPCError | None = None
    try:
        await asyncio.wait_for(handle.signal("submit", payload), SEND_TIMEOUT)
    except RPCError as rpc:
        refusal = rpc
    if refusal is not None:
        trace(f"signal {payload!r:.300} -> {refusal.status} {refusal.message}")
        if refusal.status is RPCStatusCode.NOT_FOUND:
            assert before.stage.is_closed, refusal  # the workflow of a closed pairing has ended
            assert "completed" in refusal.message
        else:
            # Over 2 MB the frontend refuses the blob; over 4 MB gRPC refuses the message.
            assert fit is not True, f"refused a payload under the limit: {refusal!r}"
            assert any(
                refusal.status is status and refusal.message.startswith(text)
                for status, text in WIRE_REFUSALS
            ), refusal
        return
    assert fit is not False, "a payload over Temporal's limit was accepted"
    assert expected is not None
    later = predict(before, wire, datetime.now(UTC))
    after = await pairing.state()
    added = await pairing.new_events(before.version)
    tally(f"signal: {', '.join(dict.fromkeys(e.type for e in added)) or 'nothing new'}")
    trace(f"signal {payload!r:.300} -> {[e.type for e in added]} (predicted {expected!r:.300})")
    assert after.version == before.version + len(added)
    if added and isinstance(added[0], ev.CommandRejected):
        assert added == added[:1], added
        rejected = added[0]
        why = {reason_of(p) for p in (expected, later) if not isinstance(p, Accepted)}
        assert why, f"rejected ({rejected.reason}), predicted {expected!r:.500}"
        now = rejected.occurred_at
        assert rejected.reason in {reject(before, None, "-", w, now).reason for w in why}
        kind = text_at(wire, "command", "kind") or "unknown"
        assert rejected.command_kind == reject(before, None, kind, "-", now).command_kind
        assert after.rejected_commands == before.rejected_commands + 1
        pairing.keys_refused.add(str(text_at(wire, "command_id")))
        return
    accepted = [p for p in (expected, later) if isinstance(p, Accepted)]
    assert accepted, f"recorded {added}, predicted {expected!r:.500}"
    assert any([e.type for e in added] == [e.type for e in p.events] for p in accepted), added
    assert {event.command_id for event in added} <= {text_at(wire, "command_id")}


def reason_of(prediction: Invalid | Refused) -> str:
    if isinstance(prediction, Invalid):
        return signal_reason(prediction.error)
    return prediction.error.message


async def check_recorded_once(pairing: Pairing) -> None:
    """Every event is stored; each key's events are one recording; refused keys left no trace."""
    state = await pairing.state()
    rows = await wait_until_stored(pairing.stack.pool, pairing.pairing_id, state.version)
    by_key: dict[str, list[int]] = {}
    for row in rows:
        if row["command_id"] is not None:
            by_key.setdefault(row["command_id"], []).append(row["sequence"])
    for key, sequences in by_key.items():
        assert key in state.command_ids
        assert sequences == list(range(sequences[0], sequences[0] + len(sequences))), (
            f"key {key} recorded more than once: sequences {sequences}"
        )
    never_recorded = pairing.keys_refused - set(state.command_ids)
    assert not never_recorded & set(by_key)
    rejections = sum(1 for row in rows if row["type"] == "CommandRejected")
    assert rejections == state.rejected_commands
    await assert_history_clean(pairing.stack.client, workflow_id(pairing.pairing_id))


# -- the generated tests ------------------------------------------------------------------------


@st.composite
def plans_of_steps(draw: st.DrawFn, scene: gen.Scene) -> list[tuple[str, str, Any]]:
    """(path, what, payload): update or signal; fresh payload, a repeat, or a reused key."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["update", "signal"]),
                st.sampled_from(["fresh", "fresh", "fresh", "repeat", "reuse"]),
                gen.envelopes(scene),
            ),
            min_size=1,
            max_size=6,
        )
    )


@settings(BAD_INPUT_SETTINGS, max_examples=60)
@given(data=st.data())
async def test_generated_commands_are_refused_clearly_or_recorded_once(
    stack: BadInputStack, clean_histories: None, data: st.DataObject
) -> None:
    steps = data.draw(st.sampled_from(range(JOURNEY_STEPS + 1)), label="journey steps taken")
    withdrawn = data.draw(st.sampled_from([False] * 9 + [True]), label="withdrawn")
    started = await start_at_stage(stack, steps, withdrawn=withdrawn)
    pairing = Pairing(stack, started, keys_refused=set())
    scene = gen.Scene(eu=started.eu, partner=started.partner, now=datetime.now(UTC))
    sent: list[Any] = []
    for path, what, drawn in data.draw(plans_of_steps(scene), label="steps"):
        payload = drawn
        earlier = [p for p in sent if isinstance(p, dict) and "command_id" in p]
        if what != "fresh" and earlier:
            previous = data.draw(st.sampled_from(earlier), label="earlier payload")
            if what == "repeat":
                payload = previous
            elif isinstance(drawn, dict):
                payload = {**drawn, "command_id": previous["command_id"]}
        sent.append(payload)
        if path == "update":
            await send_update(pairing, payload)
        else:
            await send_signal(pairing, payload)
    await check_recorded_once(pairing)


ODD_PAIRING_IDS = (
    "rotterdam-busan-1999",
    "atlantis-busan-2050",
    "Rotterdam-Busan-2050",
    "rotterdam busan 2050",
    "",
    "-",
    "x" * 5000,
    "rotterdam-busan-2050\x00",
    "\u202erotterdam-busan-2050",
    "rotterdam-busan-2050\ud800",
    "로테르담-부산-2050",
)


@settings(BAD_INPUT_SETTINGS, max_examples=40)
@given(
    cities=st.tuples(*[st.sampled_from(gen.KNOWN_CITIES + gen.UNKNOWN_CITIES + gen.BAD_SLUGS)] * 2),
    cycle=st.sampled_from([1999, 2101, -1, 10**12]),
)
async def test_unknown_pairings_and_cities_are_refused(
    stack: BadInputStack, cities: tuple[str, str], cycle: int
) -> None:
    """Commands to pairings that do not exist, and starts of pairings that cannot exist."""
    command = cmd.ConfirmParticipation(city="busan")
    for pairing_id in ODD_PAIRING_IDS:
        for send in (stack.pairings.signal, stack.pairings.execute):
            with pytest.raises(UnknownPairingError) as unknown:
                await send(pairing_id, command, principal=OFFICER, command_id="k1")
            assert unknown.value.message.startswith("unknown pairing ")
            assert len(unknown.value.message) < 300
    with pytest.raises(DomainError) as refused:
        await stack.pairings.start(*cities, cycle=cycle, now=datetime.now(UTC))
    assert refused.value.message
    assert len(refused.value.message) < 2000
    assert not isinstance(refused.value, PairingExistsError)


# -- one example each of what the generated tests found -------------------------------------------


async def fresh(stack: BadInputStack, steps: int = 0) -> Pairing:
    return Pairing(stack, await start_at_stage(stack, steps, withdrawn=False), keys_refused=set())


async def test_nul_in_text_is_refused_before_it_can_stick_a_pairing(
    stack: BadInputStack, clean_histories: None
) -> None:
    """It was accepted, and the append then failed in PostgreSQL forever: the update hung."""
    pairing = await fresh(stack)
    meeting = cmd.RecordMeeting(
        meeting_id="cluster-1",
        meeting_kind=MeetingKind.CLUSTER_EVENT,
        held_at=datetime.now(UTC),
        summary="agreed\x00",
    )
    with pytest.raises(ValidationError, match=r"command.summary contains the NUL character"):
        await pairing.stack.pairings.execute(
            pairing.pairing_id, meeting, principal=OFFICER, command_id="k-nul"
        )
    with pytest.raises(ValidationError, match=r"principal.name"):
        await pairing.stack.pairings.execute(
            pairing.pairing_id,
            cmd.Resume(),
            principal=cast("Principal", {"role": "operator", "name": "por\x00tal"}),
            command_id="k-nul",
        )
    handle = stack.client.get_workflow_handle(workflow_id(pairing.pairing_id))
    envelope = {
        "principal": OFFICER_JSON,
        "command_id": "s\x001",
        "command": {"kind": "pause", "reason": "a\x00"},
    }
    await handle.signal("submit", envelope)
    rejected = (await pairing.new_events(pairing.started.version))[0]
    assert isinstance(rejected, ev.CommandRejected)
    assert "command.reason contains the NUL character" in rejected.reason
    assert rejected.rejected_command_id == "s\\x001"
    await check_recorded_once(pairing)


async def test_a_key_the_client_would_not_send_is_refused_by_the_client(
    stack: BadInputStack, clean_histories: None
) -> None:
    """It was used as the update id as given: spaces recorded, 5,000 characters an RPCError."""
    pairing = await fresh(stack)
    confirm = cmd.ConfirmParticipation(city=pairing.started.partner)
    for key in ("a b ü", "k" * 5000, "", "-dash"):
        with pytest.raises(ValidationError, match="command_id"):
            await stack.pairings.execute(
                pairing.pairing_id, confirm, principal=OFFICER, command_id=key
            )
    assert (await pairing.state()).version == pairing.started.version


async def test_an_update_id_that_is_no_key_is_refused_by_the_workflow(
    stack: BadInputStack, clean_histories: None
) -> None:
    """A client in another language sends update ids as it likes; the validator checks them."""
    pairing = await fresh(stack)
    handle = stack.client.get_workflow_handle(workflow_id(pairing.pairing_id))
    request = cmd.CommandRequest(principal=OFFICER, command=cmd.ConfirmParticipation(city="busan"))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("execute", request, id="a b ü")
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "InvalidCommandError"
    assert cause.message.startswith("idempotency key 'a b ü' is not usable: letters, digits")
    assert (await pairing.state()).version == pairing.started.version


async def test_an_idle_limit_that_overflows_the_calendar_is_refused(
    stack: BadInputStack, clean_histories: None
) -> None:
    """It was accepted, and computing the next deadline then failed every workflow task."""
    pairing = await fresh(stack)
    for span in (timedelta(days=999_999_999), timedelta(days=4000)):
        with pytest.raises(ValidationError, match="at most 3653 days"):
            StalenessPolicy(idle_limits={**DEFAULT_IDLE_LIMITS, Stage.MATCHING: span})
        with pytest.raises(ValidationError, match="at most 3653 days"):
            StalenessPolicy(follow_up_period=span)
    payload = {
        "principal": OFFICER_JSON,
        "command_id": "policy-1",
        "command": {
            "kind": "change_policy",
            "policy": {"idle_limits": dict.fromkeys([s.value for s in Stage][:7], "P999999999D")},
        },
    }
    await send_signal(pairing, payload)
    await send_update(pairing, payload)
    await check_recorded_once(pairing)


async def test_an_oversized_action_plan_is_refused_before_it_reaches_temporal(
    stack: BadInputStack, clean_histories: None
) -> None:
    """A 1.5 MB project was accepted (and carried in every later continue-as-new input)."""
    pairing = await fresh(stack, steps=10)  # the study visit is done: plans are due
    plan = action_plan(pairing.started.eu, pairing.started.partner).model_dump(mode="json")
    for projects in (["p" * 1_500_000], ["p" * 1001], ["project"] * 51):
        payload = {
            "principal": OFFICER_JSON,
            "command_id": "plan-1",
            "command": {"kind": "submit_action_plan", "plan": {**plan, "projects": projects}},
        }
        await send_update(pairing, payload)
        await send_signal(pairing, payload)
    with pytest.raises(ValidationError, match=r"plan\.projects"):
        cmd.SubmitActionPlan.model_validate({"plan": {**plan, "projects": ["p" * 1001]}})
    await check_recorded_once(pairing)


async def test_a_huge_unknown_kind_by_signal_is_recorded_as_a_short_rejection(
    stack: BadInputStack, clean_histories: None
) -> None:
    """The kind and the reason quoting it (2 MB together) went into the activity's input."""
    pairing = await fresh(stack)
    handle = stack.client.get_workflow_handle(workflow_id(pairing.pairing_id))
    await handle.signal(
        "submit",
        {"principal": OFFICER_JSON, "command_id": "x" * 1000, "command": {"kind": "k" * 1_000_000}},
    )
    rejected = (await pairing.new_events(pairing.started.version))[0]
    assert isinstance(rejected, ev.CommandRejected)
    assert len(rejected.command_kind) == 100
    assert len(rejected.reason) <= 4000
    assert rejected.rejected_command_id is not None
    assert len(rejected.rejected_command_id) == 100
    await check_recorded_once(pairing)


async def test_json_from_another_language_with_escaped_nul_and_surrogates_is_rejected(
    stack: BadInputStack, clean_histories: None
) -> None:
    """JSON may escape a lone surrogate or NUL; Python's client cannot send it, others can."""
    pairing = await fresh(stack)
    handle = stack.client.get_workflow_handle(workflow_id(pairing.pairing_id))
    documents = [
        b'{"principal": {"role": "operator", "name": "p"}, "command_id": "k\\ud800", '
        b'"command": {"kind": "pause\\ud800"}}',
        b'{"principal": {"role": "operator", "name": "p"}, "command_id": "k\\u0000", "command": '
        b'{"kind": "pause", "reason": "\\u0000"}}',
        b'{"principal": {"role": "operator", "name": "p"}, "command_id": "k3", '
        b'"command": {"kind": "pause", "reason": "a\\udfff"}}',
        b"not json at all",
    ]
    for document in documents:
        raw = Payload(metadata={"encoding": b"json/plain"}, data=document)
        await handle.signal("submit", RawValue(raw))
    added = await pairing.new_events(pairing.started.version)
    assert [type(e) for e in added] == [ev.CommandRejected] * len(documents), added
    assert all(isinstance(e, ev.CommandRejected) and e.reason for e in added)
    await check_recorded_once(pairing)


async def test_a_reused_key_with_different_content_is_refused_across_continue_as_new(
    stack: BadInputStack, clean_histories: None
) -> None:
    """Silently ignored before: the sender believed its second command was recorded.

    In the same run Temporal itself answered a repeated update id with the first update's
    result, so the client now appends the command's fingerprint to the update id.
    """
    pairing = await fresh(stack, steps=6)  # kick-off held: bilateral meetings can be recorded
    held = datetime.now(UTC) - timedelta(minutes=5)
    first = cmd.RecordMeeting(meeting_id="b-1", meeting_kind=MeetingKind.BILATERAL, held_at=held)
    other = cmd.RecordMeeting(meeting_id="b-2", meeting_kind=MeetingKind.BILATERAL, held_at=held)
    retry = first.model_copy(update={"held_at": held + timedelta(minutes=1)})  # CLI, no --at
    pairings, pid = stack.pairings, pairing.pairing_id
    recorded = await pairings.execute(pid, first, principal=OFFICER, command_id="zoom-held")
    message = (
        "cannot record meeting: idempotency key 'zoom-held' already recorded a different record "
        f"meeting command on pairing {pid}; send a new command with a new key, or repeat the "
        "original command unchanged"
    )
    with pytest.raises(ReusedKeyError) as reused:
        await pairings.execute(pid, other, principal=OFFICER, command_id="zoom-held")
    assert reused.value.message == message
    assert await pairings.execute(pid, retry, principal=OFFICER, command_id="zoom-held") == recorded
    # Pad the history until the workflow continues as new, carrying the fingerprints.
    handle = stack.client.get_workflow_handle(workflow_id(pid))
    run = (await handle.describe()).run_id
    for number in range(40):
        if (await handle.describe()).run_id != run:
            break
        policy = StalenessPolicy(reminder_fraction=0.4 + number / 1000)
        await pairings.execute(pid, cmd.ChangePolicy(policy=policy), principal=OFFICER)
    assert (await handle.describe()).run_id != run, "no continue-as-new happened"
    assert (await pairings.execute(pid, retry, principal=OFFICER, command_id="zoom-held")).version
    with pytest.raises(ReusedKeyError) as reused:
        await pairings.execute(pid, other, principal=OFFICER, command_id="zoom-held")
    assert reused.value.message == message
    await pairings.signal(pid, other, principal=OFFICER, command_id="zoom-held")
    state = await pairings.state(pid)
    assert "b-2" not in state.meetings
    events = await pairing.new_events(pairing.started.version)
    assert isinstance(events[-1], ev.CommandRejected)
    assert events[-1].reason == message
    await check_recorded_once(pairing)
    rows = await stored_rows(stack.pool, pid)
    assert [r["type"] for r in rows if r["command_id"] == "zoom-held"] == ["MeetingHeld"]


async def test_closed_pairings_and_bad_cities_keep_their_messages(
    stack: BadInputStack, clean_histories: None
) -> None:
    """The refusals the generated tests rely on, spelled out once."""
    closed = await start_at_stage(stack, 3, withdrawn=True)
    with pytest.raises(ClosedPairingError, match="was withdrawn"):
        await stack.pairings.execute(closed.pairing_id, cmd.Resume(), principal=OFFICER)
    with pytest.raises(UnknownCityError, match="unknown city 'atlantis'"):
        await stack.pairings.start("atlantis", "busan", cycle=2040, now=datetime.now(UTC))
    pairing = await fresh(stack)
    with pytest.raises(InvalidCommandError, match="atlantis is not part of pairing"):
        await stack.pairings.execute(
            pairing.pairing_id, cmd.ConfirmParticipation(city="atlantis"), principal=OFFICER
        )


async def test_one_key_sent_with_two_commands_at_once_records_one_of_them(
    stack: BadInputStack, clean_histories: None
) -> None:
    """Four update ids (the key with four fingerprints) reach the workflow together: the
    first is recorded, the others are refused by their validators, or by their handlers."""
    pairing = await fresh(stack, steps=6)
    held = datetime.now(UTC) - timedelta(minutes=5)
    meetings = [
        cmd.RecordMeeting(meeting_id=f"b-{n}", meeting_kind=MeetingKind.BILATERAL, held_at=held)
        for n in range(4)
    ]
    # A command of its own first, so that the four arrive while its task runs, and are
    # validated together in the next one.
    busy = cmd.ChangePolicy(policy=StalenessPolicy(reminder_fraction=0.4))
    first, *outcomes = await asyncio.gather(
        stack.pairings.execute(pairing.pairing_id, busy, principal=OFFICER),
        *(
            stack.pairings.execute(pairing.pairing_id, m, principal=OFFICER, command_id="same-key")
            for m in meetings
        ),
        return_exceptions=True,
    )
    assert isinstance(first, PairingView), first
    refused = [o for o in outcomes if isinstance(o, ReusedKeyError)]
    assert len(refused) == len(meetings) - 1, outcomes
    recorded = next(
        m for m, o in zip(meetings, outcomes, strict=True) if isinstance(o, PairingView)
    )
    state = await pairing.state()
    assert [m for m in state.meetings if m.startswith("b-")] == [recorded.meeting_id]
    await check_recorded_once(pairing)


async def test_thousands_of_rejected_signals_do_not_stop_continue_as_new(
    stack: BadInputStack, clean_histories: None
) -> None:
    """Each rejection is an event, and every event was carried into the next run: past 2 MB
    Temporal refused the continue-as-new input, and every workflow task failed from then on.

    300 invalid signals of about 4 KB of reason each add up to more than the 1 MB a run
    carries; the pairing continues as new (more than once) carrying the latest 1 MB of
    events only (the event store keeps them all), and still answers.
    """
    pairing = Pairing(stack, await start_at_stage(stack, 2, withdrawn=False), keys_refused=set())
    handle = stack.client.get_workflow_handle(workflow_id(pairing.pairing_id))
    first_run = (await handle.describe()).run_id
    reason_of_4_kb = {"x" * 3900: 1}  # an unknown field: the reason quotes its name
    signals = 300
    for number in range(signals):
        command = {"kind": "pause", "reason": "r", **reason_of_4_kb}
        await handle.signal(
            "submit", {"principal": OFFICER_JSON, "command_id": f"s{number}", "command": command}
        )
    done = await eventually(
        pairing.state, lambda state: state.rejected_commands == signals, within=120.0
    )
    assert done.rejected_commands == signals
    new_run = await eventually(handle.describe, lambda d: d.run_id != first_run, within=60.0)
    assert new_run.run_id != first_run, "the pairing did not continue as new"
    view = await stack.pairings.execute(
        pairing.pairing_id, cmd.Pause(reason="Still answering"), principal=OFFICER
    )
    assert view.status.value == "paused"
    state = await pairing.state()
    assert state.rejected_commands == signals
    carried = await stack.pairings.events(pairing.pairing_id)
    assert carried[-1].event.type == "PairingPaused"
    assert sum(len(r.model_dump_json()) for r in carried) < CONTINUE_AS_NEW_BUDGET
    await assert_history_clean(stack.client, workflow_id(pairing.pairing_id), first_run)
