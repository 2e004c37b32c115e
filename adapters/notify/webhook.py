"""A signed webhook: each message is POSTed as JSON to one URL, for systems that act on it.

How a receiver checks that a request comes from this service and was not altered or replayed:

- `X-IURC-Timestamp` is the time of sending in unix seconds;
- `X-IURC-Signature` is `sha256=` followed by the lower-case hex HMAC-SHA256, keyed with the
  shared secret (UTF-8), of the bytes `<timestamp>.<body>`: the timestamp header's value, a
  dot, and the request body exactly as received (before any JSON parsing);
- the receiver recomputes it, compares in constant time, and refuses a timestamp more than
  five minutes from its own clock. `verify_signature` below does all three.

`Idempotency-Key` is the message id, the same on every attempt: a receiver that remembers
it can drop a repeat. A 2xx answer is success; 408, 429 and 5xx, timeouts and connection
errors are worth a retry; any other answer (a 4xx, a redirect) is not.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, SecretStr

from adapters.notify.channel import DeliveryError
from domain.messages import OutgoingMessage

SIGNATURE_HEADER = "X-IURC-Signature"
TIMESTAMP_HEADER = "X-IURC-Timestamp"
_RETRYABLE_STATUS = frozenset({408, 429})


class WebhookSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    url: AnyHttpUrl
    secret: SecretStr = Field(min_length=16)
    timeout: float = Field(default=10.0, gt=0)
    """Seconds for connecting, and for each read and write."""


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The `X-IURC-Signature` value of `body` sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, header: str, *, now: float, tolerance: float = 300
) -> bool:
    """Whether `header` signs `body` at `timestamp`, and `timestamp` is within `tolerance`
    seconds of `now` (the receiver's clock, unix seconds)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), header)


class WebhookChannel:
    """POSTs each message, signed, to the configured URL (a new connection per message)."""

    def __init__(
        self,
        settings: WebhookSettings,
        *,
        name: str = "webhook",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._settings = settings
        self._clock = clock
        url = urlsplit(str(settings.url))
        # Only scheme, host and port in errors: a webhook's path or query often holds a token.
        port = f":{url.port}" if url.port else ""
        self._where = f"webhook {url.scheme}://{url.hostname}{port}"

    async def send(self, message: OutgoingMessage) -> None:
        body = message.model_dump_json().encode()
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._settings.secret.get_secret_value(), timestamp, body),
            "Idempotency-Key": message.message_id,
        }
        where = f"{self._where} (message {message.message_id})"
        try:
            async with httpx.AsyncClient(timeout=self._settings.timeout) as client:
                response = await client.post(str(self._settings.url), content=body, headers=headers)
        except httpx.TransportError as exc:
            raise DeliveryError(f"{where}: {type(exc).__name__}", retryable=True) from exc
        if response.is_success:
            return
        raise DeliveryError(
            f"{where}: answered HTTP {response.status_code}",
            retryable=response.is_server_error or response.status_code in _RETRYABLE_STATUS,
        )
