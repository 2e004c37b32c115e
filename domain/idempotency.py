"""Idempotency keys: a key records one command; the same command again records nothing.

Each recorded key keeps a fingerprint of its command, so that a key sent again with a
*different* command is refused rather than silently answered as if it had been recorded.
Keys recorded before fingerprints were kept have none, and any command under them is taken
for a repeat, as it always was.
"""

from __future__ import annotations

import hashlib
import json

from domain.commands import Command
from domain.errors import ReusedKeyError
from domain.state import PairingState
from domain.text import shown

SEND_TIME_FIELDS = frozenset({"held_at", "reached_on"})
"""Times a sender may fill in with "now" as it sends (the CLI without --at): a retry of the
same command carries a later one, so they are left out of the fingerprint."""


def command_fingerprint(command: Command) -> str:
    """`<kind>:<digest>` of what the command records (not who sent it), stable across processes."""
    content = command.model_dump(mode="json", exclude=set(SEND_TIME_FIELDS))
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return f"{command.kind}:{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"


def already_recorded(state: PairingState, command: Command, command_id: str) -> bool:
    """Whether `command_id` recorded this very command; ReusedKeyError if it recorded another."""
    if command_id not in state.command_ids:
        return False
    known = state.command_fingerprints.get(command_id)
    if known is None or known == command_fingerprint(command):
        return True
    raise ReusedKeyError(
        f"cannot {command.kind.replace('_', ' ')}: idempotency key {shown(command_id)} already "
        f"recorded a different {known.partition(':')[0].replace('_', ' ')} command on pairing "
        f"{state.pairing_id}; send a new command with a new key, or repeat the original "
        "command unchanged"
    )
