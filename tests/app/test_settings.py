"""Settings are read from IURC_* variables and refuse unsafe combinations at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from iurc.settings import Settings


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_TEMPORAL_ADDRESS", "temporal.internal:7233")
    monkeypatch.setenv("IURC_DATABASE_URL", "postgresql://iurc@db/iurc")
    monkeypatch.setenv("IURC_TASK_QUEUE", "pairings-eu-korea")
    settings = Settings()
    assert settings.temporal_address == "temporal.internal:7233"
    assert settings.task_queue == "pairings-eu-korea"
    assert settings.database_url is not None
    assert "db/iurc" in settings.database_url.get_secret_value()
    assert "db/iurc" not in repr(settings), "secrets must not leak into logs through repr"


def test_production_requires_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="IURC_DATABASE_URL is required in production"):
        Settings()


def test_production_api_key_requires_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_ENVIRONMENT", "production")
    monkeypatch.setenv("IURC_DATABASE_URL", "postgresql://iurc@db/iurc")
    monkeypatch.setenv("IURC_TEMPORAL_API_KEY", "secret")
    with pytest.raises(ValidationError, match="needs IURC_TEMPORAL_TLS=true"):
        Settings()


def test_mutual_tls_needs_both_halves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_TEMPORAL_TLS_CLIENT_CERT", str(tmp_path / "client.pem"))
    with pytest.raises(ValidationError, match="set both IURC_TEMPORAL_TLS_CLIENT_CERT"):
        Settings()
