"""Domain refusals. Each message names what is wrong and what is expected.

The workflow turns these into ApplicationErrors whose `type` is the class name, so a
caller (CLI, service) can tell a refusal from an outage without parsing text.
"""

from __future__ import annotations

from pydantic import ValidationError


class DomainError(Exception):
    """A command the domain refuses; the message is written for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCommandError(DomainError):
    """The command is malformed or breaks a rule of the programme (an incomplete action plan)."""


class StageError(DomainError):
    """The command does not fit the pairing's current stage (pilot funding before approval)."""


class DuplicateError(DomainError):
    """The thing the command records was already recorded (the same meeting twice)."""


class ClosedPairingError(DomainError):
    """The pairing was withdrawn or completed and accepts no further commands."""


class UnknownCityError(DomainError):
    """A city slug that is not in the catalogue."""


class InvalidPairingError(DomainError):
    """Two cities that cannot form a pairing (two EU cities, the same city twice)."""


class PermissionDeniedError(DomainError):
    """The principal may not send this command to this pairing; the message says who may."""


class ReusedKeyError(DomainError):
    """An idempotency key already recorded for a different command: a repeat must be identical."""


def explain(invalid: ValidationError, whole: str = "value") -> str:
    """Every problem pydantic found, each as `where: what`, on one line for a person to read;
    a problem with the value as a whole is named `whole`."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or whole}: {error['msg']}"
        for error in invalid.errors(include_url=False)
    )
