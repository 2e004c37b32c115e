"""What every rule receives, the dispatch, and the shape of a stage refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import singledispatch
from typing import Any

from domain.commands import Command
from domain.errors import InvalidCommandError, StageError
from domain.events import Event
from domain.state import PairingState

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a reported time may lie before it is refused (clocks disagree)."""


@dataclass(frozen=True)
class Context:
    """The state a command is judged against, the current time, and the event metadata."""

    state: PairingState
    now: datetime
    command_id: str
    actor: str
    on_behalf_of: str | None = None
    fingerprint: str | None = None

    @property
    def meta(self) -> dict[str, Any]:
        return {
            "occurred_at": self.now,
            "command_id": self.command_id,
            "command_fingerprint": self.fingerprint,
            "actor": self.actor,
            "on_behalf_of": self.on_behalf_of,
        }

    def refuse_stage(self, action: str, requirement: str) -> StageError:
        state = self.state
        return StageError(
            f"cannot {action}: pairing {state.pairing_id} is in stage {state.stage.value}; "
            f"{requirement}"
        )

    def require_past_day(self, action: str, what: str, day: date) -> None:
        """The same check at the precision of a calendar day (UTC), for dates without a time."""
        if day > (self.now + CLOCK_SKEW).date():
            raise InvalidCommandError(
                f"cannot {action}: {what} {day} is in the future (today is {self.now:%Y-%m-%d}); "
                "record it once it has happened"
            )
        if day < self.state.proposed_at.date():
            raise InvalidCommandError(
                f"cannot {action}: {what} {day} is before pairing {self.state.pairing_id} "
                f"was proposed ({self.state.proposed_at:%Y-%m-%d})"
            )

    def require_past(self, action: str, what: str, moment: datetime) -> None:
        """Refuse a report of something that has not happened yet, or before the pairing began."""
        if moment > self.now + CLOCK_SKEW:
            raise InvalidCommandError(
                f"cannot {action}: {what} {moment:%Y-%m-%d %H:%M %Z} is in the future "
                f"(now is {self.now:%Y-%m-%d %H:%M %Z}); record it once it has happened"
            )
        if moment < self.state.proposed_at - CLOCK_SKEW:
            raise InvalidCommandError(
                f"cannot {action}: {what} {moment:%Y-%m-%d} is before pairing "
                f"{self.state.pairing_id} was proposed ({self.state.proposed_at:%Y-%m-%d})"
            )


@singledispatch
def primary_events(command: Command, ctx: Context) -> list[Event]:
    """The events a command records in itself, or a DomainError that says why not."""
    raise TypeError(f"no rule for command {type(command).__name__}")
