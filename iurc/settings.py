"""Typed settings from the environment (prefix `IURC_`), validated when a process starts.

Built in `main()`, never at import: Temporal re-imports workflow modules, and a test must be
able to build settings of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.pairing import TASK_QUEUE
from iurc.codec import CodecKeyError, KeyRing


class Settings(BaseSettings):
    """Where Temporal and PostgreSQL are, and how to log."""

    # hide_input_in_errors: a validation error must not echo a key or a password into a log.
    model_config = SettingsConfigDict(env_prefix="IURC_", extra="ignore", hide_input_in_errors=True)

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
    codec_keys: SecretStr | None = None
    """Payload encryption keys, `id1:base64key,id2:base64key` (32-byte keys; iurc/codec.py)."""
    codec_active_key: str | None = None
    """The key id that encrypts new payloads; the first of `codec_keys` when unset."""
    codec_admit_plaintext: bool = False
    """Read payloads that are not sealed: only to replay histories recorded before encryption
    was turned on. While set, a client without the keys can send commands."""
    codec_server_token: SecretStr | None = None
    """The bearer token `iurc codec-server` requires; none means no check (loopback only)."""
    codec_server_cors_origin: str = "http://127.0.0.1:8233"
    """The Temporal Web UI origin(s), comma-separated, that may call `iurc codec-server`."""
    operator: str | None = None
    """Who this installation's `iurc` acts as: a secretariat member's name (a login, not an
    e-mail address). Unset in development means the login name; production requires it."""
    operator_role: Literal["operator", "programme_officer", "head_of_secretariat"] | None = None
    """The operator's role (README, who may do what); unset means programme_officer in
    development and operator, the least of the three, in production."""
    max_cached_workflows: int = Field(default=1000, ge=0)
    """Workflows a worker keeps in memory between tasks (the SDK's default); each open pairing
    beyond it is replayed from its history on its next task instead of resumed from memory."""

    def key_ring(self) -> KeyRing | None:
        """The payload encryption keys, or None when IURC_CODEC_KEYS is unset."""
        if self.codec_keys is None:
            return None
        return KeyRing.parse(self.codec_keys.get_secret_value(), self.codec_active_key)

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

    @model_validator(mode="after")
    def _codec_keys_usable(self) -> Settings:
        if self.codec_keys is None:
            if self.environment == "production":
                raise ValueError(
                    "IURC_CODEC_KEYS is required in production: stakeholder data must be "
                    "encrypted in Temporal (`iurc codec-keygen` makes a key)"
                )
            if self.codec_active_key:
                raise ValueError("IURC_CODEC_ACTIVE_KEY is set but IURC_CODEC_KEYS is not")
            return self
        try:
            KeyRing.parse(self.codec_keys.get_secret_value(), self.codec_active_key)
        except CodecKeyError as unusable:
            raise ValueError(f"IURC_CODEC_KEYS: {unusable}") from None
        return self
