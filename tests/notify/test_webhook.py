"""The webhook channel against a real HTTP receiver on loopback that checks signatures."""

from __future__ import annotations

import json
import time

import pytest

from adapters.notify.channel import DeliveryError
from adapters.notify.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookChannel,
    WebhookSettings,
    sign,
    verify_signature,
)
from tests.notify.conftest import FOCAL_POINTS, scheduled_meeting
from tests.notify.peers import WEBHOOK_SECRET, WebhookReceiver, free_port

Webhook = tuple[WebhookReceiver, str]


def channel(url: str, secret: str = WEBHOOK_SECRET) -> WebhookChannel:
    return WebhookChannel(WebhookSettings.model_validate({"url": url, "secret": secret}))


async def test_the_receiver_gets_the_message_signed(webhook: Webhook) -> None:
    receiver, url = webhook
    message = scheduled_meeting()

    await channel(url).send(message)

    assert receiver.verified == [True]
    [headers] = receiver.headers
    assert headers["Idempotency-Key"] == message.message_id
    assert headers["Content-Type"] == "application/json"
    assert abs(int(headers[TIMESTAMP_HEADER]) - time.time()) < 60
    assert json.loads(receiver.bodies[0]) == message.model_dump(mode="json")


async def test_a_tampered_body_or_an_old_timestamp_fails_verification(webhook: Webhook) -> None:
    receiver, url = webhook
    await channel(url).send(scheduled_meeting())
    body, headers = receiver.bodies[0], receiver.headers[0]
    stamp, signature = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    now = int(stamp)

    assert verify_signature(WEBHOOK_SECRET, stamp, body, signature, now=now)
    tampered = body.replace(b"Rotterdam", b"Rotterdan")
    assert not verify_signature(WEBHOOK_SECRET, stamp, tampered, signature, now=now)
    assert not verify_signature(WEBHOOK_SECRET, stamp, body, signature, now=now + 301)
    assert not verify_signature(WEBHOOK_SECRET, str(now + 1), body, signature, now=now)
    assert not verify_signature("another-secret-entirely", stamp, body, signature, now=now)
    assert not verify_signature(WEBHOOK_SECRET, "yesterday", body, signature, now=now)


def test_the_signature_covers_timestamp_and_body_as_documented() -> None:
    """A receiver in another language can compute it from the module docstring alone."""
    assert sign("key", 1700000000, b"{}") == (
        "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
    )


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (408, True), (400, False)]
)
async def test_errors_are_retryable_only_when_the_receiver_may_recover(
    webhook: Webhook, status: int, retryable: bool
) -> None:
    receiver, url = webhook
    receiver.status = status

    with pytest.raises(DeliveryError) as caught:
        await channel(url).send(scheduled_meeting())

    assert caught.value.retryable is retryable
    assert f"HTTP {status}" in str(caught.value)
    assert "t0ken" not in str(caught.value)
    assert "hooks" not in str(caught.value)
    for person in FOCAL_POINTS:
        assert str(person.email) not in str(caught.value)


async def test_an_unreachable_receiver_is_retryable() -> None:
    with pytest.raises(DeliveryError) as caught:
        await channel(f"http://127.0.0.1:{free_port()}/hook").send(scheduled_meeting())

    assert caught.value.retryable
    assert "ConnectError" in str(caught.value)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        WebhookSettings.model_validate({"url": "https://example.org/hook", "secret": "short"})
