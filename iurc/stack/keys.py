"""The payload key of an embedded stack: made on first `iurc up`, kept in its data folder.

So that the embedded default is as private as production: with no IURC_CODEC_KEYS, `iurc up`
makes a key, writes it with owner-only permissions beside the stack's data, encrypts every
payload with it and runs a codec server for its Web UI; other `iurc` commands on the same
data folder read it from there. Whoever can read the data folder can read the key, as they
could read the database in it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from iurc.codec import new_key_line
from iurc.settings import Settings

KEY_FILE = "codec-keys"
PLAINTEXT_MARK = "codec-admit-plaintext"
"""Present when the data folder held histories before its key was made: they still replay."""


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def read_stack_keys(data_dir: Path) -> str | None:
    """The data folder's IURC_CODEC_KEYS line, or None if `iurc up` has made none there."""
    try:
        return key_path(data_dir).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def ensure_stack_keys(data_dir: Path, *, histories_exist: bool) -> tuple[str, bool]:
    """The data folder's keys, made now if there are none; and whether plaintext is admitted.

    A folder whose Temporal histories predate its key (made by an `iurc up` that did not
    encrypt) keeps admitting plaintext payloads, so that those pairings still replay.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    existing = read_stack_keys(data_dir)
    if existing is not None:
        return existing, (data_dir / PLAINTEXT_MARK).exists()
    line = new_key_line(f"up{datetime.now(UTC):%Y%m%d}")
    path = key_path(data_dir)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as written:
        written.write(line + "\n")
    if histories_exist:
        (data_dir / PLAINTEXT_MARK).write_text(
            "this folder's histories were recorded before its key was made\n", encoding="utf-8"
        )
    return line, histories_exist


def with_stack_keys(settings: Settings) -> Settings:
    """`settings`, with the data folder's keys when IURC_CODEC_KEYS is not set: how `iurc`
    commands in another terminal read and send what a running `iurc up` encrypts."""
    if settings.codec_keys is not None:
        return settings
    line = read_stack_keys(settings.data_dir)
    if line is None:
        return settings
    admit = settings.codec_admit_plaintext or (settings.data_dir / PLAINTEXT_MARK).exists()
    return settings.model_copy(
        update={"codec_keys": SecretStr(line), "codec_admit_plaintext": admit}
    )
