"""The codec server answers only requests meant for it: its own host names, JSON bodies.

Without a token the codec server relies on listening on loopback. A web page can still reach
127.0.0.1 through DNS rebinding (its own name resolving to 127.0.0.1), but its requests then
carry its own name in `Host`; and a cross-origin POST that is not JSON needs no preflight. So
both are refused before anything is decoded. Every answer to a bad request is a 4xx, never a
500 with a traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import aiohttp
import pytest
import pytest_asyncio
from google.protobuf import json_format
from pydantic import SecretStr
from temporalio.api.common.v1 import Payload, Payloads

from iurc.codec import ENCODING, KEY_ID, KeyRing
from iurc.codec_server import app_for, serve_codec
from iurc.settings import Settings
from tests.privacy.support import free_port
from tests.temporal_support import TEST_CODEC_KEYS

JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Served:
    url: str
    port: int


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served() -> AsyncIterator[Served]:
    """`iurc codec-server` as a developer runs it: loopback, no token, one extra host name."""
    settings = Settings(
        codec_keys=SecretStr(TEST_CODEC_KEYS), codec_server_hosts="codec.internal.example"
    )
    port, stop, ready = free_port(), asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(
        serve_codec(
            app_for(settings, "127.0.0.1"),
            host="127.0.0.1",
            port=port,
            stop=stop,
            on_ready=lambda _: ready.set(),
        )
    )
    await asyncio.wait_for(ready.wait(), 10)
    yield Served(f"http://127.0.0.1:{port}", port)
    stop.set()
    await server


async def send(
    url: str, body: bytes | str, headers: Mapping[str, str], method: str = "POST"
) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(auto_decompress=False) as session,
        session.request(method, url, data=body, headers=dict(headers)) as response,
    ):
        return response.status, await response.text()


def sealed(data: bytes, key_id: str | None = None) -> str:
    ring = KeyRing.parse(TEST_CODEC_KEYS)
    payload = Payload(
        metadata={"encoding": ENCODING, KEY_ID: (key_id or ring.active).encode()}, data=data
    )
    return json_format.MessageToJson(Payloads(payloads=[payload]))


@pytest.mark.parametrize(
    "data", [b"", b"short", bytes(11), bytes(12), bytes(27)], ids=lambda d: f"{len(d)}B"
)
async def test_a_truncated_sealed_payload_is_a_400(served: Served, data: bytes) -> None:
    """Shorter than a nonce, or than a nonce and a tag: a bad request, not a server error."""
    status, body = await send(f"{served.url}/decode", sealed(data), JSON)
    assert status == 400, body
    assert "truncated" in body


async def test_a_damaged_sealed_payload_is_a_400(served: Served) -> None:
    status, body = await send(f"{served.url}/decode", sealed(bytes(64)), JSON)
    assert status == 400, body
    assert "does not open" in body


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:{port}",  # DNS rebinding: the page's own name, resolved to 127.0.0.1
        "attacker.example",
        "127.0.0.1:1",  # another port: not this server's name
        "127.0.0.1.attacker.example:{port}",
        "",
    ],
)
async def test_a_request_for_another_host_is_refused(served: Served, host: str) -> None:
    headers = {**JSON, "Host": host.format(port=served.port)}
    status, body = await send(f"{served.url}/decode", sealed(b"x" * 40), headers)
    assert status == 421, body
    assert "not served here" in body
    preflight = {
        "Host": host.format(port=served.port),
        "Origin": "http://127.0.0.1:8233",
        "Access-Control-Request-Method": "POST",
    }
    status, _ = await send(f"{served.url}/decode", b"", preflight, method="OPTIONS")
    assert status == 421


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "LOCALHOST:{port}",
        "[::1]:{port}",
        "codec.internal.example",
        "codec.internal.example:{port}",
    ],
)
async def test_its_own_names_are_served(served: Served, host: str) -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b"1")
    body = json_format.MessageToJson(Payloads(payloads=[plain]))
    headers = {**JSON, "Host": host.format(port=served.port)}
    status, answer = await send(f"{served.url}/encode", body, headers)
    assert status == 200, answer


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
async def test_only_json_bodies_are_read(served: Served, content_type: str | None) -> None:
    """text/plain, forms and multipart are what a page may POST cross-origin without asking."""
    headers = {} if content_type is None else {"Content-Type": content_type}
    status, body = await send(f"{served.url}/decode", sealed(b"x" * 40), headers)
    assert status == 415, body
    assert "application/json" in body


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json; charset=utf-8", "{}", 200),
        ("application/json; charset=no-such-charset", "{}", 415),
        ("application/json; charset=latin-1", "{}", 415),
        ("application/json", b"\xff\xfe{}", 400),
    ],
)
async def test_json_in_utf_8_only(
    served: Served, content_type: str, body: str | bytes, status: int
) -> None:
    answered, text = await send(f"{served.url}/decode", body, {"Content-Type": content_type})
    assert answered == status, text
