"""`iurc codec-server` decodes what the UI and the CLI send it, and only for those allowed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from google.protobuf import json_format
from pydantic import SecretStr
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from domain.ids import workflow_id
from iurc.codec import ENCODING, KEY_ID, EncryptionCodec, KeyRing
from iurc.codec_server import app_for, serve_codec
from iurc.settings import Settings
from tests.privacy.conftest import RecordedPairing
from tests.privacy.support import found_in, free_port, history_payloads, personal_data
from tests.temporal_support import TEMPORAL_CLI, TEST_CODEC_KEYS

TOKEN = "s3cret-codec-token"
UI = "http://127.0.0.1:8233"
IURC = Path(sys.executable).parent / "iurc"
ROOT = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def codec_url() -> AsyncIterator[str]:
    """The codec server in this process, on a real socket, with the suite's keys and a token."""
    settings = Settings(
        codec_keys=SecretStr(TEST_CODEC_KEYS),
        codec_server_token=SecretStr(TOKEN),
        codec_server_cors_origin=f"{UI}, http://localhost:8233",
    )
    port, stop = free_port(), asyncio.Event()
    ready = asyncio.Event()
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
    yield f"http://127.0.0.1:{port}"
    stop.set()
    await server


def as_json(payloads: list[Payload]) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


async def post(
    url: str, body: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers or {}) as response,
    ):
        return response.status, dict(response.headers), await response.text()


def authorized(**more: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {TOKEN}",
        "Content-Type": "application/json",
        "X-Namespace": "default",
        **more,
    }


async def test_decodes_the_payloads_of_the_raw_history(
    codec_url: str, recorded: RecordedPairing
) -> None:
    sealed = history_payloads(recorded.raw)
    status, headers, body = await post(
        f"{codec_url}/default/decode", as_json(sealed), authorized(Origin=UI)
    )
    assert status == 200, body
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Access-Control-Allow-Origin"] == UI
    decoded = json_format.Parse(body, Payloads()).payloads
    assert len(decoded) == len(sealed)
    assert all(payload.metadata["encoding"] != ENCODING for payload in decoded)
    people = personal_data(recorded.people)
    assert found_in(b"\n".join(p.data for p in decoded), people) == people


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
async def test_refuses_without_the_bearer_token(
    codec_url: str, recorded: RecordedPairing, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/json", "Origin": UI}
    if authorization is not None:
        headers["Authorization"] = authorization
    sealed = history_payloads(recorded.raw)[:3]
    status, answered, body = await post(f"{codec_url}/decode", as_json(sealed), headers)
    assert status == 401
    assert answered["WWW-Authenticate"].startswith("Bearer")
    assert answered["Access-Control-Allow-Origin"] == UI, "so the UI can show the refusal"
    assert found_in(body.encode(), personal_data(recorded.people)) == set()


async def test_answers_the_preflight_of_the_web_ui_and_no_other_origin(codec_url: str) -> None:
    asked = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    async with aiohttp.ClientSession() as session:
        for origin in (UI, "http://localhost:8233"):
            async with session.options(
                f"{codec_url}/default/decode", headers={"Origin": origin, **asked}
            ) as response:
                assert response.status == 200
                assert response.headers["Access-Control-Allow-Origin"] == origin
                assert "POST" in response.headers["Access-Control-Allow-Methods"]
                allowed = response.headers["Access-Control-Allow-Headers"].lower()
                assert {"authorization", "content-type", "x-namespace"} <= {
                    name.strip() for name in allowed.split(",")
                }
                assert response.headers["Access-Control-Allow-Credentials"] == "true"
        async with session.options(
            f"{codec_url}/decode", headers={"Origin": "https://evil.example.com", **asked}
        ) as response:
            assert response.status == 403
            assert "Access-Control-Allow-Origin" not in response.headers


async def test_encode_then_decode_round_trips_with_the_active_key(codec_url: str) -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"email":"a.b@busan.example.org"}')
    status, _, body = await post(f"{codec_url}/encode", as_json([plain]), authorized())
    assert status == 200, body
    (sealed,) = json_format.Parse(body, Payloads()).payloads
    assert sealed.metadata[KEY_ID] == KeyRing.parse(TEST_CODEC_KEYS).active.encode()
    assert b"a.b@busan" not in sealed.data
    status, _, body = await post(f"{codec_url}/decode", as_json([sealed]), authorized())
    assert status == 200, body
    assert json_format.Parse(body, Payloads()).payloads[0] == plain


async def test_says_what_is_wrong_with_a_request(codec_url: str) -> None:
    stranger = EncryptionCodec(KeyRing.parse("retired:" + "A" * 43 + "="))
    foreign = await stranger.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"1")])
    status, _, body = await post(f"{codec_url}/decode", as_json(foreign), authorized())
    assert (status, "'retired'" in body) == (400, True), body
    status, _, body = await post(f"{codec_url}/decode", "{not json", authorized())
    assert (status, body.startswith("not Payloads JSON")) == (400, True), body
    status, _, _ = await post(f"{codec_url}/default/recode", "{}", authorized())
    assert status == 404
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{codec_url}/decode", headers=authorized()) as response,
    ):
        assert response.status == 405


async def read_json_until(
    stream: asyncio.StreamReader, event: str, within: float = 30
) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    async with asyncio.timeout(within):
        while True:
            raw = await stream.readline()
            if not raw:
                raise AssertionError(f"codec server exited before logging {event!r}: {lines}")
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
            if lines[-1].get("event") == event:
                return lines


async def test_the_temporal_cli_shows_the_history_through_iurc_codec_server(
    privacy_env: WorkflowEnvironment, recorded: RecordedPairing
) -> None:
    """The whole path as an operator takes it: `iurc codec-server`, `temporal workflow show`."""
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        str(IURC),
        "codec-server",
        "--port",
        str(port),
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("IURC_")},
            "IURC_CODEC_KEYS": TEST_CODEC_KEYS,
            "IURC_CODEC_SERVER_TOKEN": TOKEN,
            "IURC_LOG_FORMAT": "json",
        },
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
    assert server.stderr is not None
    try:
        await read_json_until(server.stderr, "codec server listening")
        show = await asyncio.create_subprocess_exec(
            str(TEMPORAL_CLI),
            "workflow",
            "show",
            "--address",
            privacy_env.client.service_client.config.target_host,
            "--workflow-id",
            workflow_id(recorded.pairing_id),
            "--codec-endpoint",
            f"http://127.0.0.1:{port}/{{namespace}}",
            "--codec-auth",
            f"Bearer {TOKEN}",
            "--output",
            "json",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        shown, errors = await asyncio.wait_for(show.communicate(), 60)
        assert show.returncode == 0, errors.decode()
        history = WorkflowHistory.from_json(workflow_id(recorded.pairing_id), shown.decode())
        decoded = history_payloads(history)
        assert {p.metadata["encoding"] for p in decoded}.isdisjoint({ENCODING})
        people = personal_data(recorded.people)
        assert found_in(b"\n".join(p.data for p in decoded), people) == people

        server.send_signal(signal.SIGINT)
        await read_json_until(server.stderr, "codec server stopped")
        assert await asyncio.wait_for(server.wait(), 15) == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
