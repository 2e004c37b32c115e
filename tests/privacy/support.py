"""Reading a history as an attacker with the database would: raw bytes, every payload."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.client import WorkflowHistory

from domain.stakeholders import Stakeholder

NOT_ENCODED = frozenset({"search_attributes"})
"""Fields whose payloads no codec touches (they are indexed): no personal data goes there."""


def raw_bytes(history: WorkflowHistory) -> bytes:
    """Everything the server stores of the history: its protobuf bytes and its JSON export."""
    return History(events=history.events).SerializeToString() + history.to_json().encode()


def personal_data(people: Iterable[Stakeholder]) -> set[str]:
    """The names and e-mail addresses of `people`."""
    return {value for person in people for value in (person.name, str(person.email))}


def found_in(data: bytes, secrets: Iterable[str]) -> set[str]:
    return {secret for secret in secrets if secret.encode() in data}


def payloads_in(message: Message, skip: frozenset[str] = NOT_ENCODED) -> Iterator[Payload]:
    """Every Payload inside `message`, however deep, except under the `skip` fields."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.name in skip or field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            items = list(value.values())
        elif field.is_repeated:
            items = list(value)
        else:
            items = [value]
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item, skip)


PATCH_MARKER = "core_patch"
"""The SDK records `workflow.patched` ids as plain markers: code names, never data."""


LOCAL_ACTIVITY_MARKER = "core_local_activity"
"""A local activity's marker: its `result` is the activity's (sealed) result; its `data` is the
SDK core's own bookkeeping (activity type, attempt, times), written in plain by the core."""


def history_payloads(history: WorkflowHistory) -> list[Payload]:
    """Every payload of the history that a codec encodes."""
    found: list[Payload] = []
    for event in history.events:
        marker = event.marker_recorded_event_attributes
        if marker.marker_name == PATCH_MARKER:
            continue
        if marker.marker_name == LOCAL_ACTIVITY_MARKER:
            found += marker.details["result"].payloads
            continue
        found += payloads_in(event)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
