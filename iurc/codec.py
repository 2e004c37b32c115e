"""Payload encryption: stakeholder names and e-mail addresses never reach Temporal in plaintext.

Every payload (workflow input, update and signal arguments, activity input and results,
query results, memo and summaries, and the messages of failures) is sealed with AES-256-GCM
by the worker, the CLI, the replayer and the tests alike. The key ring holds several keys by
id, one active for encoding: each sealed payload names its key in its metadata, so a key can
rotate while histories sealed with the old one still decode. Payloads that are not sealed pass
through unchanged, so histories recorded before encryption was turned on still replay.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue
from temporalio.contrib.pydantic import PydanticPayloadConverter, pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from contracts.unreadable import (
    UNREADABLE_ENCODING,
    unreadable_metadata,
    unreadable_reason,
)

ENCODING = b"binary/encrypted"
"""The `encoding` metadata of a sealed payload."""
KEY_ID = "encryption-key-id"
"""The metadata entry that names the key a payload was sealed with."""
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
UNENCRYPTED_WARNING = (
    "payload encryption is off: stakeholder names and e-mail addresses are stored in plaintext "
    "in Temporal histories; set IURC_CODEC_KEYS (`iurc codec-keygen` makes a key)"
)
_KEY_ID_FORMAT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class CodecKeyError(ValueError):
    """The key ring as configured cannot be used; the message names the key and never shows it."""


class MissingKeyError(CodecKeyError):
    """A payload was sealed with a key that the ring no longer (or does not yet) hold."""

    def __init__(self, key_id: str, known: Sequence[str]) -> None:
        self.key_id = key_id
        super().__init__(
            f"payload is encrypted with key {key_id!r}, which is not in the key ring "
            f"(it has {', '.join(repr(k) for k in known)}): add {key_id!r} to "
            "IURC_CODEC_KEYS, as an inactive key"
        )


class UndecryptablePayloadError(ValueError):
    """The key named by the payload does not open it: a different key under the same id."""


@dataclass(frozen=True)
class KeyRing:
    """AES-256 keys by id; `active` seals new payloads, every key opens old ones."""

    keys: Mapping[str, bytes] = field(repr=False)
    active: str

    def __post_init__(self) -> None:
        if not self.keys:
            raise CodecKeyError("the key ring has no key")
        for key_id, key in self.keys.items():
            if not _KEY_ID_FORMAT.fullmatch(key_id):
                raise CodecKeyError(
                    f"key id {key_id!r} must be 1-64 letters, digits, '.', '_' or '-'"
                )
            if len(key) != KEY_BYTES:
                raise CodecKeyError(
                    f"key {key_id!r} is {len(key)} bytes; AES-256-GCM needs {KEY_BYTES} "
                    "(`iurc codec-keygen` makes one)"
                )
        if self.active not in self.keys:
            raise CodecKeyError(
                f"the active key {self.active!r} is not in the key ring "
                f"(it has {', '.join(repr(k) for k in self.keys)})"
            )

    @classmethod
    def parse(cls, text: str, active: str | None = None) -> KeyRing:
        """`id1:base64key,id2:base64key` (IURC_CODEC_KEYS); the active key defaults to the first."""
        keys: dict[str, bytes] = {}
        for position, entry in enumerate(text.split(","), start=1):
            key_id, colon, encoded = (part.strip() for part in entry.strip().partition(":"))
            if not colon or not key_id or not encoded:
                raise CodecKeyError(
                    f"entry {position} is not `id:base64key`"
                    + (f" (key {key_id!r})" if key_id and colon else "")
                )
            if key_id in keys:
                raise CodecKeyError(f"key {key_id!r} is listed twice")
            try:
                keys[key_id] = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise CodecKeyError(f"key {key_id!r} is not valid base64") from None
        return cls(keys=keys, active=active or next(iter(keys)))

    @property
    def ids(self) -> list[str]:
        return list(self.keys)


def new_key_line(key_id: str) -> str:
    """A fresh random key as one IURC_CODEC_KEYS entry, `<id>:<base64>`."""
    key = os.urandom(KEY_BYTES)
    KeyRing(keys={key_id: key}, active=key_id)  # refuses an id that could not be read back
    return f"{key_id}:{base64.b64encode(key).decode()}"


class UnsealedPayloadError(ValueError):
    """A payload that is not sealed, where only sealed payloads are admitted."""


UNREADABLE_ERRORS = (CodecKeyError, UndecryptablePayloadError, UnsealedPayloadError)


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over whole serialized payloads, a random 12-byte nonce each.

    The key id is both in the metadata and the associated data, so a payload cannot be passed
    off as sealed by another key. Unless `admit_plaintext`, only sealed payloads are read:
    a client without the keys can then send nothing that a worker acts on.

    `decode` never raises: a payload it cannot open (a key that is gone, damaged ciphertext,
    plaintext where none is admitted) becomes an *unreadable marker* that says why. A codec
    that raised would fail the whole workflow task that carried the payload, again on every
    retry, and one bad signal would stop a pairing for good. The marker instead reaches the
    payload converter, which refuses it with an ApplicationError (`ServicePayloadConverter`):
    an update is refused, a workflow start fails, and the signal handler, which takes a
    RawValue, records the signal as rejected.
    """

    def __init__(self, ring: KeyRing, *, admit_plaintext: bool = True) -> None:
        self.ring = ring
        self.admit_plaintext = admit_plaintext
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ring.keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open_or_mark(payload) for payload in payloads]

    def seal(self, payload: Payload) -> Payload:
        key_id = self.ring.active
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=nonce + sealed
        )

    def open_or_mark(self, payload: Payload) -> Payload:
        """The original payload, or an unreadable marker that says why it is not."""
        try:
            return self.open(payload)
        except UNREADABLE_ERRORS as unreadable_payload:
            return unreadable_marker(str(unreadable_payload))

    def open(self, payload: Payload) -> Payload:
        """The original payload, or an error that says why it cannot be read."""
        if payload.metadata.get("encoding") != ENCODING:
            if not self.admit_plaintext and payload.metadata.get("encoding") != UNREADABLE_ENCODING:
                raise UnsealedPayloadError(
                    "payload is not sealed with a key of this service: only holders of the "
                    "keys may send to it"
                )
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")[:64]
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise MissingKeyError(key_id, self.ring.ids)
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        if len(nonce) < NONCE_BYTES or len(sealed) < TAG_BYTES:
            raise UndecryptablePayloadError(
                f"payload sealed with key {key_id!r} is truncated ({len(payload.data)} bytes, "
                f"less than a nonce and a tag)"
            )
        try:
            plain = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag:
            raise UndecryptablePayloadError(
                f"payload sealed with key {key_id!r} does not open with the key of that id "
                "in the ring: damaged ciphertext, or a different key under the same id"
            ) from None
        try:
            return Payload.FromString(plain)
        except DecodeError:
            raise UndecryptablePayloadError(
                f"payload sealed with key {key_id!r} holds no payload once opened"
            ) from None


def unreadable_marker(reason: str) -> Payload:
    return Payload(metadata=unreadable_metadata(reason), data=b"")


class UnreadablePayloadError(RuntimeError):
    """A payload the codec could not open, met where a value was expected."""


class ServicePayloadConverter(PydanticPayloadConverter):
    """The pydantic converter, saying why a payload cannot be read where one is met.

    Where a value is expected, an unreadable marker raises UnreadablePayloadError with the
    codec's reason. Inside a workflow that fails the workflow task, not the workflow, so a
    worker that lacks a key retries until the key is back and nothing is lost. What comes
    from outside is taken as a RawValue instead (the pairing's start, its updates and
    signals), and the workflow judges it there (workflows/intake.py).
    """

    def from_payloads(
        self, payloads: Sequence[Payload], type_hints: list[type] | None = None
    ) -> list[Any]:
        hints: list[Any] = list(type_hints) if type_hints else [None] * len(payloads)
        for payload, hint in zip(payloads, hints, strict=False):
            reason = unreadable_reason(payload.metadata)
            if reason is not None and hint is not RawValue:
                raise UnreadablePayloadError(f"unreadable payload: {reason}")
        return super().from_payloads(payloads, type_hints)


def unreadable(failure: BaseException) -> str | None:
    """What to tell someone whose keys cannot read the payloads, or None for other failures."""
    if isinstance(failure, (*UNREADABLE_ERRORS, UnreadablePayloadError)):
        return str(failure)
    if isinstance(failure, KeyError) and ENCODING.decode() in str(failure):
        return (
            "the payloads are encrypted and IURC_CODEC_KEYS is not set: set it to the worker's keys"
        )
    return None


PLAIN_CONVERTER = dataclasses.replace(
    pydantic_data_converter, payload_converter_class=ServicePayloadConverter
)


def encrypted_converter(ring: KeyRing, *, admit_plaintext: bool = False) -> DataConverter:
    """The service's converter, sealing payloads and failure messages with `ring`."""
    return dataclasses.replace(
        PLAIN_CONVERTER,
        payload_codec=EncryptionCodec(ring, admit_plaintext=admit_plaintext),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def data_converter(ring: KeyRing | None, *, admit_plaintext: bool = False) -> DataConverter:
    """What every process connects with: encrypted when there are keys, and then reading
    only sealed payloads unless `admit_plaintext` (for histories from before encryption)."""
    if ring is None:
        return PLAIN_CONVERTER
    return encrypted_converter(ring, admit_plaintext=admit_plaintext)
