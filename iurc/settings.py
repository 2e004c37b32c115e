"""Typed settings from the environment (prefix `IURC_`), validated when a process starts.

Built in `main()`, never at import: Temporal re-imports workflow modules, and a test must be
able to build settings of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.messages import TASK_QUEUE


class Settings(BaseSettings):
    """Where Temporal and PostgreSQL are, and how to log."""

    model_config = SettingsConfigDict(env_prefix="IURC_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = TASK_QUEUE
    temporal_tls: bool = False
    temporal_tls_client_cert: Path | None = None
    temporal_tls_client_key: Path | None = None
    temporal_api_key: SecretStr | None = None
    database_url: SecretStr | None = None
    """PostgreSQL URL; unset in development means the embedded server under `data_dir`."""
    data_dir: Path = Path(".iurc")
    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @model_validator(mode="after")
    def _safe_outside_development(self) -> Settings:
        if self.environment == "production":
            if self.database_url is None:
                raise ValueError("IURC_DATABASE_URL is required in production")
            if self.temporal_api_key is not None and not self.temporal_tls:
                raise ValueError("IURC_TEMPORAL_API_KEY needs IURC_TEMPORAL_TLS=true in production")
        if (self.temporal_tls_client_cert is None) != (self.temporal_tls_client_key is None):
            raise ValueError(
                "set both IURC_TEMPORAL_TLS_CLIENT_CERT and IURC_TEMPORAL_TLS_CLIENT_KEY "
                "(mutual TLS), or neither"
            )
        return self
