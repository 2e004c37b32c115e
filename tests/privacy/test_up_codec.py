"""`iurc up` with encryption: the Web UI is pointed at a codec server, which decrypts for it.

Without this an operator opening the UI of an encrypted stack sees only ciphertext. The test
starts `iurc up --demo` for real with IURC_CODEC_KEYS, asks the UI server which codec endpoint
it hands to browsers, then calls that endpoint as the UI's page does (cross-origin, no token)
with a payload taken from a demo pairing's history.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads
from temporalio.client import Client

from iurc.codec import new_key_line
from tests.privacy.support import free_port, history_payloads

pytestmark = pytest.mark.e2e  # runs `iurc up`, the whole stack, in a subprocess

IURC = Path(sys.executable).parent / "iurc"
DEMO_PAIRING = "pairing-rotterdam-busan-2021"


def call(url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def wait_for_output(stack: subprocess.Popen[bytes], text: str, within: float) -> str:
    """What `iurc up` printed up to and including the line holding `text`."""
    assert stack.stdout is not None
    seen = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = stack.stdout.readline().decode()
        if not line and stack.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"{text!r} not printed within {within} s:\n{''.join(seen)}")


async def first_payloads(address: str) -> Payloads:
    """Payloads of the demo pairing's start, as stored: fetched by a client with no codec."""
    client = await Client.connect(address)
    history = await client.get_workflow_handle(DEMO_PAIRING).fetch_history()
    return Payloads(payloads=history_payloads(history)[:3])


def test_iurc_up_points_the_web_ui_at_a_codec_server_that_decrypts_for_it(
    tmp_path: Path, database_url: str
) -> None:
    port, ui_port, codec_port = free_port(), free_port(), free_port()
    ui = f"http://127.0.0.1:{ui_port}"
    codec = f"http://127.0.0.1:{codec_port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("IURC_")},
        "IURC_DATA_DIR": str(tmp_path / "data"),
        "IURC_DATABASE_URL": database_url,
        "IURC_CODEC_KEYS": new_key_line("up-test"),
        "IURC_MAX_CACHED_WORKFLOWS": "37",
    }
    stack = subprocess.Popen(
        [str(IURC), "up", "--demo", "--port", str(port), "--ui-port", str(ui_port),
         "--codec-port", str(codec_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        output = wait_for_output(stack, "Ctrl-C stops everything", within=120)
        assert f"Codec server     {codec}" in output
        assert "keeping up to 37 pairings in memory" in output, "the worker ignores the setting"

        _, _, body = call(f"{ui}/api/v1/settings")
        assert json.loads(body)["Codec"]["Endpoint"] == codec

        stored = asyncio.run(first_payloads(f"127.0.0.1:{port}"))
        assert stored.payloads
        assert all(p.metadata["encoding"] == b"binary/encrypted" for p in stored.payloads)
        assert not any(b"rotterdam" in p.data for p in stored.payloads)

        preflight = urllib.request.Request(
            f"{codec}/default/decode",
            method="OPTIONS",
            headers={"Origin": ui, "Access-Control-Request-Method": "POST"},
        )
        with urllib.request.urlopen(preflight, timeout=10) as answer:
            assert answer.headers["Access-Control-Allow-Origin"] == ui

        status, headers, body = call(
            f"{codec}/default/decode",
            body=json_format.MessageToJson(stored).encode(),
            headers={"Origin": ui, "Content-Type": "application/json"},
        )
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == ui
        decoded = json_format.Parse(body, Payloads())
        assert len(decoded.payloads) == len(stored.payloads)
        assert not any(p.metadata["encoding"] == b"binary/encrypted" for p in decoded.payloads)
        assert any(b"rotterdam" in p.data for p in decoded.payloads)
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGINT)
            try:
                stack.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)
                stack.wait()


def test_iurc_up_says_which_port_to_change_when_the_codec_port_is_taken(
    tmp_path: Path, database_url: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        codec_port = taken.getsockname()[1]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("IURC_")},
            "IURC_DATA_DIR": str(tmp_path / "data"),
            "IURC_DATABASE_URL": database_url,
            "IURC_CODEC_KEYS": new_key_line("up-test"),
        }
        result = subprocess.run(
            [str(IURC), "up", "--port", str(free_port()), "--ui-port", str(free_port()),
             "--codec-port", str(codec_port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"127.0.0.1:{codec_port}" in result.stderr
    assert "--codec-port" in result.stderr
