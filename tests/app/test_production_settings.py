"""Production refuses settings that are unsafe there; development accepts them and says why.

Each refusal names the variable and what to do, and never echoes the secret it refuses.
"""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError
from structlog.testing import capture_logs

from iurc.notify import NotifySettings
from iurc.settings import PUBLISHED_CODEC_KEY, Settings
from iurc.wiring import warn_unsafe

KEY = base64.b64encode(bytes(range(32))).decode()
PUBLISHED = base64.b64encode(PUBLISHED_CODEC_KEY).decode()
SAFE_URL = "postgresql://iurc:Zq8v-long-random-db-secret@db.internal:5432/iurc"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No IURC_ or libpq variable of the machine running the tests leaks into them."""
    for name in list(os.environ):
        if name.startswith(("IURC_", "PG")):
            monkeypatch.delenv(name)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A production configuration that is safe; each test breaks one thing in it."""
    monkeypatch.setenv("IURC_ENVIRONMENT", "production")
    monkeypatch.setenv("IURC_DATABASE_URL", SAFE_URL)
    monkeypatch.setenv("IURC_CODEC_KEYS", f"k1:{KEY}")
    return monkeypatch


def refusal(settings_class: type[Settings] | type[NotifySettings]) -> str:
    with pytest.raises(ValidationError) as refused:
        settings_class()
    return str(refused.value)


def test_a_safe_production_configuration_starts(production: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.unsafe_settings() == []
    assert NotifySettings().unsafe_settings() == []


def test_the_compose_default_key_is_published_all_zero_bytes() -> None:
    assert PUBLISHED == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


@pytest.mark.parametrize(
    "keys",
    [
        f"insecure-default:{PUBLISHED}",
        f"k2026:{PUBLISHED}",
        f"k1:{KEY},old:{PUBLISHED}",  # even inactive: anyone could seal commands with it
    ],
)
def test_the_published_codec_key_is_refused_whatever_its_id(
    production: pytest.MonkeyPatch, keys: str
) -> None:
    production.setenv("IURC_CODEC_KEYS", keys)
    message = refusal(Settings)
    assert "IURC_CODEC_KEYS" in message
    assert "published" in message
    assert "iurc codec-keygen" in message
    assert PUBLISHED not in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://iurc:iurc@postgresql:5432/iurc",  # the old compose default
        "postgresql://postgres:postgres@db.internal/iurc",
        "postgresql://temporal:temporal@db.internal/iurc",
        "postgresql://iurc:@db.internal/iurc",  # empty
        "postgresql://iurc:Password@db.internal/iurc",
        "postgresql://app:app@db.internal/iurc",  # the user name as password
        "postgresql://iurc@db.internal/iurc?password=iurc",
    ],
)
def test_a_default_database_password_is_refused(production: pytest.MonkeyPatch, url: str) -> None:
    production.setenv("IURC_DATABASE_URL", url)
    message = refusal(Settings)
    assert "IURC_DATABASE_URL" in message
    assert "password" in message
    assert "openssl rand" in message, "says how to make a better one"


def test_a_default_password_from_pgpassword_is_refused(production: pytest.MonkeyPatch) -> None:
    production.setenv("IURC_DATABASE_URL", "postgresql://iurc@db.internal/iurc")
    production.setenv("PGPASSWORD", "postgres")
    assert "PGPASSWORD" in refusal(Settings)


def test_a_url_without_a_password_leaves_it_to_libpq_means(production: pytest.MonkeyPatch) -> None:
    """A passfile, PGPASSWORD or a client certificate: asyncpg reads them, not the URL."""
    production.setenv("IURC_DATABASE_URL", "postgresql://iurc@db.internal/iurc")
    assert Settings().unsafe_settings() == []


@pytest.mark.parametrize("address", ["temporal.internal:7233", "10.0.0.7:7233", "temporal:7233"])
def test_a_remote_temporal_without_tls_is_refused(
    production: pytest.MonkeyPatch, address: str
) -> None:
    production.setenv("IURC_TEMPORAL_ADDRESS", address)
    message = refusal(Settings)
    assert "IURC_TEMPORAL_TLS=true" in message
    assert "IURC_TEMPORAL_PLAINTEXT_HOSTS" in message


@pytest.mark.parametrize(
    ("address", "more"),
    [
        ("127.0.0.1:7233", {}),
        ("localhost:7233", {}),
        ("[::1]:7233", {}),
        ("temporal.internal:7233", {"IURC_TEMPORAL_TLS": "true"}),
        ("temporal:7233", {"IURC_TEMPORAL_PLAINTEXT_HOSTS": "temporal"}),
        ("temporal:7233", {"IURC_TEMPORAL_PLAINTEXT_HOSTS": " other , temporal "}),
    ],
)
def test_loopback_tls_or_a_named_private_host_is_accepted(
    production: pytest.MonkeyPatch, address: str, more: dict[str, str]
) -> None:
    production.setenv("IURC_TEMPORAL_ADDRESS", address)
    for name, value in more.items():
        production.setenv(name, value)
    assert Settings().unsafe_settings() == []


@pytest.mark.parametrize(
    ("smtp", "safe"),
    [
        ({"IURC_SMTP_STARTTLS": "false"}, False),
        ({"IURC_SMTP_STARTTLS": "true"}, True),
        ({"IURC_SMTP_STARTTLS": "false", "IURC_SMTP_TLS": "true"}, True),
    ],
)
def test_smtp_credentials_need_tls(
    production: pytest.MonkeyPatch, smtp: dict[str, str], safe: bool
) -> None:
    production.setenv("IURC_SMTP_HOST", "smtp.citynet.example.org")
    production.setenv("IURC_SMTP_USERNAME", "iurc")
    production.setenv("IURC_SMTP_PASSWORD", "relay-secret-123")
    for name, value in smtp.items():
        production.setenv(name, value)
    if safe:
        assert NotifySettings().unsafe_settings() == []
        return
    message = refusal(NotifySettings)
    assert "IURC_SMTP_STARTTLS=true" in message
    assert "IURC_SMTP_TLS=true" in message
    assert "relay-secret-123" not in message


def test_smtp_without_credentials_may_go_without_tls(production: pytest.MonkeyPatch) -> None:
    """A relay on the same host or network that takes mail without a login."""
    production.setenv("IURC_SMTP_HOST", "localhost")
    production.setenv("IURC_SMTP_STARTTLS", "false")
    assert NotifySettings().unsafe_settings() == []


def test_a_plain_http_webhook_is_refused(production: pytest.MonkeyPatch) -> None:
    production.setenv("IURC_WEBHOOK_URL", "http://hooks.citynet.example.org/iurc?token=t0k3n")
    production.setenv("IURC_WEBHOOK_SECRET", "a-webhook-secret-of-16+")
    message = refusal(NotifySettings)
    assert "IURC_WEBHOOK_URL" in message
    assert "https://" in message
    assert "t0k3n" not in message
    production.setenv("IURC_WEBHOOK_URL", "https://hooks.citynet.example.org/iurc?token=t0k3n")
    assert NotifySettings().unsafe_settings() == []


def test_development_accepts_all_of_it_and_lists_what_production_would_refuse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IURC_DATABASE_URL", "postgresql://iurc:iurc@db.internal/iurc")
    monkeypatch.setenv("IURC_CODEC_KEYS", f"insecure-default:{PUBLISHED}")
    monkeypatch.setenv("IURC_TEMPORAL_ADDRESS", "temporal.internal:7233")
    monkeypatch.setenv("IURC_SMTP_HOST", "smtp.citynet.example.org")
    monkeypatch.setenv("IURC_SMTP_USERNAME", "iurc")
    monkeypatch.setenv("IURC_SMTP_STARTTLS", "false")
    monkeypatch.setenv("IURC_WEBHOOK_URL", "http://hooks.citynet.example.org/iurc")
    unsafe = Settings().unsafe_settings() + NotifySettings().unsafe_settings()
    joined = " ".join(unsafe)
    assert len(unsafe) == 5, unsafe
    for variable in (
        "IURC_DATABASE_URL",
        "IURC_CODEC_KEYS",
        "IURC_TEMPORAL_TLS",
        "IURC_SMTP_STARTTLS",
        "IURC_WEBHOOK_URL",
    ):
        assert variable in joined


def test_a_development_worker_warns_of_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_DATABASE_URL", "postgresql://iurc:iurc@db.internal/iurc")
    monkeypatch.setenv("IURC_WEBHOOK_URL", "http://hooks.citynet.example.org/iurc")
    with capture_logs() as logged:
        unsafe = warn_unsafe(Settings(), NotifySettings())
    assert [entry["problem"] for entry in logged] == unsafe
    assert {entry["log_level"] for entry in logged} == {"warning"}
    assert len(unsafe) == 2
