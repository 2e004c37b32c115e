"""What a CLI command talks to: Temporal, PostgreSQL, and the running `iurc up` if there is one.

Connections are opened on first use, so `iurc pairings` never waits for Temporal, and
`iurc status` and every recording command never need PostgreSQL (only `iurc start` reads
the city catalogue there). A service that does not answer becomes an
UnreachableError naming the address and how to start it (exit code 3).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import asyncpg
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowFailureError,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError, RPCStatusCode

from adapters.postgres.cities import load_catalog, load_profiles
from adapters.postgres.event_store import create_pool
from domain.cities import City
from domain.errors import DomainError, explain
from domain.principals import Principal
from domain.profiles import CityProfile
from domain.text import printable
from iurc.cli.errors import (
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    UnreachableError,
    UsageError,
)
from iurc.client import PairingClient
from iurc.codec import unreadable
from iurc.operator import OperatorError, operator_principal
from iurc.settings import Settings
from iurc.stack.keys import with_stack_keys
from iurc.stack.runtime import read_runtime
from iurc.temporal import connect

T = TypeVar("T")

errors = Console(stderr=True, highlight=False)

START_HINT = "Start the whole stack with `iurc up` (or `make run`), or set {variable}."


@dataclass
class Services:
    """Lazily opened connections for one command."""

    settings: Settings
    _client: PairingClient | None = None
    _temporal: Client | None = None
    _pool: asyncpg.Pool | None = None
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def temporal_address(self) -> str:
        runtime = read_runtime(self.settings.data_dir)
        if "temporal_address" not in self.settings.model_fields_set and runtime is not None:
            return runtime.temporal_address
        return self.settings.temporal_address

    @property
    def database_url(self) -> str:
        if self.settings.database_url is not None:
            return self.settings.database_url.get_secret_value()
        runtime = read_runtime(self.settings.data_dir)
        if runtime is None:
            raise UnreachableError(
                "PostgreSQL",
                f"the embedded server of {self.settings.data_dir}",
                START_HINT.format(variable="IURC_DATABASE_URL"),
            )
        return runtime.database_url

    def principal(self) -> Principal:
        """Who this installation's CLI acts as (IURC_OPERATOR and IURC_OPERATOR_ROLE)."""
        try:
            return operator_principal(self.settings)
        except OperatorError as unusable:
            raise UsageError(str(unusable)) from None

    async def temporal(self) -> Client:
        if self._temporal is None:
            address = self.temporal_address
            settings = with_stack_keys(self.settings).model_copy(
                update={"temporal_address": address}
            )
            try:
                self._temporal = await connect(settings)
            except RuntimeError as failure:
                raise UnreachableError(
                    "Temporal", address, START_HINT.format(variable="IURC_TEMPORAL_ADDRESS")
                ) from failure
        return self._temporal

    async def pairings(self) -> PairingClient:
        """A client for reading pairings and sending commands: Temporal only, no database."""
        if self._client is None:
            self._client = PairingClient(await self.temporal(), task_queue=self.settings.task_queue)
        return self._client

    async def starter(self) -> PairingClient:
        """A client that can also start pairings: it needs the city catalogue in PostgreSQL."""
        return PairingClient(
            await self.temporal(),
            task_queue=self.settings.task_queue,
            catalog=await self.profiles(),
        )

    async def catalog(self) -> dict[str, City]:
        """The cities in PostgreSQL's catalogue, for matching."""
        return await load_catalog(await self.pool())

    async def profiles(self) -> dict[str, CityProfile]:
        """The city profiles in PostgreSQL: the cities and people pairings start with."""
        return await load_profiles(await self.pool())

    async def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            url = self.database_url
            try:
                self._pool = await create_pool(url, min_size=1, max_size=2)
            except (OSError, asyncpg.PostgresError) as failure:
                raise UnreachableError(
                    "PostgreSQL", _redacted(url), START_HINT.format(variable="IURC_DATABASE_URL")
                ) from failure
            self._closers.append(self._pool.close)
        return self._pool

    async def close(self) -> None:
        for close in reversed(self._closers):
            await close()


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def run(command: Callable[[Services], Awaitable[T]]) -> T:
    """Run an async command with its services, mapping failures to exit codes and messages."""

    async def main() -> T:
        services = Services(settings=Settings())
        try:
            return await command(services)
        finally:
            await services.close()

    try:
        return asyncio.run(main())
    except DomainError as refusal:
        errors.print(f"[bold red]refused:[/] {escape(printable(refusal.message))}")
        raise typer.Exit(EXIT_REFUSED) from None
    except UnreachableError as unreachable:
        errors.print(f"[bold red]unreachable:[/] {escape(str(unreachable))}")
        raise typer.Exit(EXIT_UNREACHABLE) from None
    except RPCError as rpc:
        if rpc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            _say("unreachable", f"Temporal stopped answering: {rpc.message}")
            raise typer.Exit(EXIT_UNREACHABLE) from None
        _say("refused by Temporal", f"{rpc.message} ({rpc.status.name if rpc.status else '?'})")
        raise typer.Exit(EXIT_REFUSED) from None
    except (RPCTimeoutOrCancelledError, TimeoutError):
        _say("unreachable", "Temporal did not answer in time; is the worker running?")
        raise typer.Exit(EXIT_UNREACHABLE) from None
    except (WorkflowUpdateFailedError, WorkflowQueryFailedError, WorkflowFailureError) as failed:
        cause = getattr(failed, "cause", None)
        _say("refused", str(getattr(cause, "message", None) or failed))
        raise typer.Exit(EXIT_REFUSED) from None
    except (UsageError, ValidationError) as invalid:
        errors.print(f"[bold red]invalid input:[/] {escape(printable(_describe(invalid)))}")
        raise typer.Exit(EXIT_USAGE) from None
    except (KeyError, ValueError, RuntimeError) as failure:
        message = unreadable(failure)
        if message is None:
            raise
        errors.print(f"[bold red]cannot decrypt:[/] {escape(message)}")
        raise typer.Exit(EXIT_USAGE) from None


def _say(what: str, message: str) -> None:
    """One line on stderr: what went wrong, in words, whatever Temporal raised."""
    errors.print(f"[bold red]{what}:[/] {escape(printable(' '.join(message.split())))}")


def _describe(invalid: Exception) -> str:
    return explain(invalid) if isinstance(invalid, ValidationError) else str(invalid)
