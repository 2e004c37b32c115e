"""The marker a payload codec leaves where it could not open a payload.

A codec that raised would fail the whole workflow task that carried the payload, on every
retry: one bad signal would stop a pairing for good. The service's codec leaves this marker
instead, with its reason in the metadata; whoever meets it says why it cannot be read.
"""

from __future__ import annotations

from collections.abc import Mapping

UNREADABLE_ENCODING = b"binary/iurc-unreadable"
UNREADABLE_REASON = "reason"


def unreadable_metadata(reason: str) -> dict[str, bytes]:
    """The metadata of a marker for a payload that could not be opened, and why."""
    return {"encoding": UNREADABLE_ENCODING, UNREADABLE_REASON: reason[:500].encode()}


def unreadable_reason(metadata: Mapping[str, bytes]) -> str | None:
    """Why the codec could not open what this marker stands for; None if it is no marker."""
    if metadata.get("encoding") != UNREADABLE_ENCODING:
        return None
    return metadata.get(UNREADABLE_REASON, b"").decode(errors="replace")
