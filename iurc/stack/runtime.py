"""Where a running `iurc up` can be reached, written to the data directory for other commands.

The embedded PostgreSQL listens on a Unix socket in a temporary directory, and `iurc up` may
bind Temporal to another port: commands in another terminal read this file instead of
guessing. It is removed when the stack stops.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

RUNTIME_FILE = "stack.json"


class StackRuntime(BaseModel):
    model_config = ConfigDict(frozen=True)

    pid: int
    temporal_address: str
    ui_url: str
    database_url: str
    codec_url: str | None = None
    """The codec server the Web UI decodes through; None when payloads are not encrypted."""


def runtime_path(data_dir: Path) -> Path:
    return data_dir / RUNTIME_FILE


def write_runtime(data_dir: Path, runtime: StackRuntime) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = runtime_path(data_dir)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(runtime.model_dump_json(indent=2))
    temporary.chmod(0o600)
    temporary.replace(path)


def read_runtime(data_dir: Path) -> StackRuntime | None:
    """The running stack's addresses, or None if none runs (a stale file is ignored)."""
    try:
        runtime = StackRuntime.model_validate_json(runtime_path(data_dir).read_text())
    except (FileNotFoundError, ValidationError):
        return None
    return runtime if _alive(runtime.pid) else None


def remove_runtime(data_dir: Path) -> None:
    runtime_path(data_dir).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
