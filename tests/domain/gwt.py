"""Given/when/then over the decider: past events, a command at a time, the events or the refusal.

    a_pairing().in_stage(Stage.BILATERAL)
        .when(cmd.FundPilot(title="Early", amount_eur=1))
        .then_refused(StageError, "pilot funding needs an approved action plan")

This module is the one place in the tests that calls `decide` and `propose_pairing`: when
the decider's signature changes (the actor is about to become an authenticated principal),
only `proposed` and `decided` below change. Other test modules that need the decider's
events without the given/when/then form call `decided`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from domain import commands as cmd
from domain import events as ev
from domain.catalog import SEED_CATALOG
from domain.cities import City
from domain.decider import decide, decide_deadlines, propose_pairing
from domain.errors import DomainError
from domain.evolve import fold
from domain.policy import StalenessPolicy
from domain.principals import Principal
from domain.stages import Stage
from domain.state import PairingState
from domain.topics import Topic
from iurc.journey import journey
from tests.principals import OFFICER

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""When the pairings of these tests are proposed, unless a test says otherwise."""
META_FIELDS = frozenset(
    {
        "type",
        "schema_version",
        "occurred_at",
        "command_id",
        "command_fingerprint",
        "actor",
        "on_behalf_of",
    }
)
"""Fields every event has; left out when an unexpected event is shown."""


def days(n: float) -> timedelta:
    return timedelta(days=n)


def proposed(
    eu: str = "rotterdam",
    partner: str = "busan",
    *,
    cycle: int = 2021,
    at: datetime = T0,
    policy: StalenessPolicy | None = None,
    topics: Sequence[Topic] = (),
    catalog: Mapping[str, City] = SEED_CATALOG,
) -> ev.PairingProposed:
    """The first event of a pairing of two catalogue cities (refusals raise, as the domain's)."""
    return propose_pairing(
        catalog,
        eu_city=eu,
        partner_city=partner,
        cycle=cycle,
        now=at,
        topics=topics,
        policy=policy,
    )


def decided(
    state: PairingState,
    command: cmd.Command,
    *,
    key: str,
    at: datetime,
    principal: Principal = OFFICER,
    on_behalf_of: str | None = None,
) -> list[ev.Event]:
    """The events `command` records on `state` at `at`: the tests' one call of `decide`."""
    return decide(
        state,
        command,
        command_id=key,
        principal=principal,
        on_behalf_of=on_behalf_of,
        now=at,
    )


@dataclass(frozen=True)
class Expected:
    """An event expected by its type and the fields a test cares about."""

    kind: type[BaseModel]
    fields: Mapping[str, Any]

    def matches(self, event: ev.Event) -> bool:
        return type(event) is self.kind and all(
            getattr(event, name) == value for name, value in self.fields.items()
        )

    def __str__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.fields.items())
        return f"{self.kind.__name__}({shown})"


def that(kind: type[BaseModel], **fields: Any) -> Expected:
    """`that(ev.StageAdvanced, to_stage=Stage.KICKOFF)`; a field the event lacks is a TypeError."""
    unknown = sorted(set(fields) - set(kind.model_fields))
    if unknown:
        raise TypeError(f"{kind.__name__} has no field {', '.join(unknown)}")
    return Expected(kind, fields)


def shown(event: ev.Event) -> str:
    """An event in one line, without the metadata every event has."""
    values = event.model_dump(mode="json", exclude=set(META_FIELDS))
    body = ", ".join(f"{name}={value!r}" for name, value in values.items())
    return f"{type(event).__name__}({body})"[:300]


@dataclass(frozen=True)
class Given:
    """A pairing's past: its events, the first a PairingProposed."""

    events: tuple[ev.Event, ...]

    @cached_property
    def state(self) -> PairingState:
        return fold(self.events)

    @property
    def now(self) -> datetime:
        """The time of the latest event: when a command is sent unless the test says when."""
        return max(event.occurred_at for event in self.events)

    def and_events(self, *events: ev.Event) -> Given:
        return Given((*self.events, *events))

    def after(
        self,
        command: cmd.Command,
        *,
        at: datetime | None = None,
        key: str | None = None,
        principal: Principal = OFFICER,
    ) -> Given:
        """The past with `command` accepted (at the latest event's time unless `at` is given)."""
        __tracebackhide__ = True
        when = at or self.now
        try:
            new = decided(
                self.state,
                command,
                key=key or f"given-{len(self.events)}",
                at=when,
                principal=principal,
            )
        except DomainError as refusal:
            raise AssertionError(f"the given past is impossible: {refusal.message}") from None
        return self.and_events(*new)

    def after_time(self, at: datetime) -> Given:
        """The past with whatever time made due by `at` (reminders, escalations) recorded."""
        return self.and_events(*decide_deadlines(self.state, at))

    def through(self, step: str) -> Given:
        """The shared journey (iurc.journey) applied up to and including the step `step`."""
        state = self.state
        steps = journey(state.eu_city.slug, state.partner_city.slug, state.proposed_at)
        given = self
        for key, command in steps:
            given = given.after(command, key=key)
            if key == step:
                return given
        raise AssertionError(f"the journey has no step {step!r}: {[k for k, _ in steps]}")

    def in_stage(self, stage: Stage) -> Given:
        """The journey applied until the pairing has just reached `stage`."""
        state = self.state
        given = self
        for key, command in journey(state.eu_city.slug, state.partner_city.slug, state.proposed_at):
            if given.state.stage is stage:
                return given
            given = given.after(command, key=key)
        if given.state.stage is stage:
            return given
        raise AssertionError(f"the journey never reaches stage {stage.value}")

    def when(
        self,
        command: cmd.Command,
        *,
        at: datetime | None = None,
        key: str | None = None,
        principal: Principal = OFFICER,
    ) -> When:
        """`command` sent at `at` (the latest event's time unless given) under `key`."""
        when = at or self.now
        label = f"{command.kind} at {when:%Y-%m-%d %H:%M}"
        try:
            new = decided(
                self.state,
                command,
                key=key or f"when-{len(self.events)}",
                at=when,
                principal=principal,
            )
        except DomainError as refusal:
            return When(self, label, refusal=refusal)
        return When(self, label, events=tuple(new))

    def when_time_is(self, at: datetime) -> When:
        """Nothing sent: time alone has reached `at`."""
        return When(
            self, f"time at {at:%Y-%m-%d %H:%M}", events=tuple(decide_deadlines(self.state, at))
        )


@dataclass(frozen=True)
class When:
    """What the decider said: the events it recorded, or its refusal."""

    given: Given
    label: str
    events: tuple[ev.Event, ...] | None = None
    refusal: DomainError | None = None

    @property
    def accepted(self) -> tuple[ev.Event, ...]:
        """The events recorded; a refusal fails the test (for checks beyond then())."""
        __tracebackhide__ = True
        if self.refusal is not None:
            raise AssertionError(f"{self.label}: refused: {self.refusal.message}")
        assert self.events is not None
        return self.events

    def then(self, *expected: Expected | type[BaseModel]) -> Given:
        """Exactly these events, in order; returns the past with them recorded."""
        __tracebackhide__ = True
        if self.refusal is not None:
            raise AssertionError(
                f"{self.label}: expected events, but it was refused with "
                f"{type(self.refusal).__name__}: {self.refusal.message}"
            )
        assert self.events is not None
        wanted = [item if isinstance(item, Expected) else that(item) for item in expected]
        ok = len(wanted) == len(self.events) and all(
            want.matches(event) for want, event in zip(wanted, self.events, strict=True)
        )
        if not ok:
            raise AssertionError(
                f"{self.label}: expected\n  "
                + ("\n  ".join(map(str, wanted)) or "no events")
                + "\nbut got\n  "
                + ("\n  ".join(shown(event) for event in self.events) or "no events")
            )
        return self.given.and_events(*self.events)

    def then_nothing(self) -> Given:
        """No events: a repeat under a used key, or nothing due yet."""
        __tracebackhide__ = True
        return self.then()

    def then_refused(self, error: type[DomainError], fragment: str) -> str:
        """Refused with `error` (exactly that class) whose message contains `fragment`."""
        __tracebackhide__ = True
        if self.refusal is None:
            got = ", ".join(shown(event) for event in self.events or ()) or "no events"
            raise AssertionError(f"{self.label}: expected a refusal, but it recorded {got}")
        message = self.refusal.message
        assert type(self.refusal) is error, (
            f"{self.label}: expected {error.__name__}, got {type(self.refusal).__name__}: {message}"
        )
        assert fragment in message, f"{self.label}: {fragment!r} is not in {message!r}"
        return message


def a_pairing(
    eu: str = "rotterdam",
    partner: str = "busan",
    *,
    at: datetime = T0,
    policy: StalenessPolicy | None = None,
) -> Given:
    """Given: a pairing just proposed (matching), for the two cities, at `at`."""
    return Given((proposed(eu, partner, at=at, policy=policy),))
