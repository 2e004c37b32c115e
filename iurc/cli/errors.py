"""Exit codes and the errors that map to them, so scripts can tell a refusal from an outage.

0 done; 1 refused by the domain, with its message; 2 usage error; 3 Temporal or PostgreSQL
unreachable, saying which address and how to start it.
"""

from __future__ import annotations

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


class UnreachableError(Exception):
    """A service the command needs did not answer."""

    def __init__(self, service: str, address: str, hint: str) -> None:
        super().__init__(f"{service} is not reachable at {address}. {hint}")
        self.service = service
        self.address = address


class UsageError(Exception):
    """Input the command cannot use (a file that does not parse, a date that is not a date)."""
