"""Finding a database: the local server probe, the embedded server, databases on demand."""

from __future__ import annotations

import asyncio
import secrets
import socket
from pathlib import Path

import asyncpg
import pytest

from adapters.postgres.server import (
    EmbeddedPostgres,
    database_url,
    drop_database,
    ensure_database,
    local_server_answers,
)


def test_a_closed_port_does_not_answer() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    assert not local_server_answers(port=free_port, timeout=0.5)


def test_database_url_keeps_the_server_and_its_options() -> None:
    embedded = "postgresql://postgres:@/postgres?host=/tmp/pg"
    assert database_url(embedded, "iurc") == "postgresql://postgres:@/iurc?host=/tmp/pg"
    local = "postgresql://postgres@127.0.0.1:5432/postgres"
    assert database_url(local, "iurc") == "postgresql://postgres@127.0.0.1:5432/iurc"


async def test_ensure_database_tolerates_a_concurrent_creator(admin_url: str) -> None:
    name = f"iurc_test_race_{secrets.token_hex(4)}"
    try:
        urls = await asyncio.gather(*(ensure_database(admin_url, name) for _ in range(3)))
        assert len(set(urls)) == 1
        conn = await asyncpg.connect(urls[0])
        try:
            assert await conn.fetchval("SELECT current_database()") == name
        finally:
            await conn.close()
        assert await ensure_database(admin_url, name) == urls[0]
    finally:
        await drop_database(admin_url, name)


async def test_unsafe_database_names_are_refused(admin_url: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        await ensure_database(admin_url, 'x"; DROP DATABASE postgres; --')


@pytest.mark.integration  # starts an embedded PostgreSQL of its own
@pytest.mark.filterwarnings("ignore:XDG_RUNTIME_DIR is not set")
async def test_embedded_postgres_starts_serves_and_stops(tmp_path: Path) -> None:
    """The fallback used where no local server answers: exercised here even where one does."""
    with EmbeddedPostgres(tmp_path / "data") as server:
        url = await ensure_database(server.url, "iurc_embedded")
        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval("SELECT current_database()") == "iurc_embedded"
        finally:
            await conn.close()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
