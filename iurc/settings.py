"""Typed settings from the environment (prefix `IURC_`), validated when a process starts.

Built in `main()`, never at import: Temporal re-imports workflow modules, and a test must be
able to build settings of its own.

Production refuses what is only safe on a developer's machine: the codec key once published in
docker-compose.yml, a database password anyone would guess, and a Temporal frontend reached in
plaintext over a network. Development accepts them, and `unsafe_settings()` lets the entry
points say in a warning what production would refuse.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.pairing import TASK_QUEUE
from iurc.codec import KEY_BYTES, CodecKeyError, KeyRing

PUBLISHED_CODEC_KEY = bytes(KEY_BYTES)
"""The all-zero key that docker-compose.yml once defaulted to (`insecure-default:AAAA...=`).
It is public, so it protects nothing, and anyone could seal commands a worker would accept."""
GUESSABLE_DATABASE_PASSWORDS = frozenset(
    {"", "iurc", "postgres", "temporal", "password", "changeme", "secret", "admin", "root"}
)
"""Passwords of defaults and examples (the old compose default was `iurc`), compared in lower
case; the URL's own user name counts as one too."""
HOW_TO_MAKE_ONE = "use a long random one (`openssl rand -hex 24`)"


def is_loopback_host(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) is this machine."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_host(address: str) -> str:
    """The host of `host:port` or `[v6]:port`."""
    if address.startswith("["):
        return address[1:].partition("]")[0]
    return address.rsplit(":", 1)[0] if address.count(":") == 1 else address


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
    temporal_plaintext_hosts: str = ""
    """Comma-separated Temporal hosts that production may reach without TLS because only a
    private network leads there (`temporal`, the bundled server of docker-compose.yml)."""
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
    codec_server_hosts: str = ""
    """More host names (comma-separated) that `iurc codec-server` answers to, on any port, such
    as a reverse proxy's; it always answers to 127.0.0.1, localhost, [::1] and its listen
    address on its own port, and to nothing else (a defence against DNS rebinding)."""
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

    def unsafe_settings(self) -> list[str]:
        """What production refuses in these settings, each saying which variable and what to do.

        Empty for a safe configuration; development runs anyway and logs these as warnings.
        """
        found = [
            problem
            for problem in (
                self._published_key(),
                self._guessable_database_password(),
                self._plaintext_temporal(),
            )
            if problem is not None
        ]
        if self.temporal_api_key is not None and not self.temporal_tls:
            found.append("IURC_TEMPORAL_API_KEY needs IURC_TEMPORAL_TLS=true in production")
        return found

    def _published_key(self) -> str | None:
        if self.codec_keys is None:
            return None
        try:
            ring = KeyRing.parse(self.codec_keys.get_secret_value(), self.codec_active_key)
        except CodecKeyError:
            return None  # _codec_keys_usable says what is wrong with it
        published = [key_id for key_id, key in ring.keys.items() if key == PUBLISHED_CODEC_KEY]
        if not published:
            return None
        return (
            f"IURC_CODEC_KEYS: key {published[0]!r} is the all-zero key published in "
            "docker-compose.yml: it protects nothing, and anyone could seal commands with it; "
            "make a key with `iurc codec-keygen` and use only that"
        )

    def _guessable_database_password(self) -> str | None:
        if self.database_url is None:
            return None
        url = urlsplit(self.database_url.get_secret_value())
        where = "IURC_DATABASE_URL"
        password = unquote(url.password) if url.password is not None else None
        if password is None:
            password = next(iter(parse_qs(url.query).get("password", [])), None)
        if password is None and "PGPASSWORD" in os.environ:
            where, password = "PGPASSWORD", os.environ["PGPASSWORD"]
        if password is None:
            return None  # a passfile or a client certificate: nothing here to judge
        guessable = GUESSABLE_DATABASE_PASSWORDS | {unquote(url.username or "").lower()}
        if password.lower() not in guessable:
            return None
        return (
            f"{where}: the database password is empty or a default one; {HOW_TO_MAKE_ONE} and "
            "set it in PostgreSQL too (ALTER ROLE ... PASSWORD)"
        )

    def _plaintext_temporal(self) -> str | None:
        host = address_host(self.temporal_address)
        encrypted = self.temporal_tls or self.temporal_tls_client_cert is not None
        if encrypted or is_loopback_host(host) or host in self.plaintext_hosts:
            return None
        return (
            f"IURC_TEMPORAL_ADDRESS {self.temporal_address} is reached without TLS: set "
            "IURC_TEMPORAL_TLS=true, or, for a server that only a private network reaches "
            f"(the bundled one of docker-compose.yml), IURC_TEMPORAL_PLAINTEXT_HOSTS={host}"
        )

    @property
    def plaintext_hosts(self) -> frozenset[str]:
        return frozenset(
            host.strip() for host in self.temporal_plaintext_hosts.split(",") if host.strip()
        )

    @model_validator(mode="after")
    def _safe_outside_development(self) -> Settings:
        if self.environment == "production":
            if self.database_url is None:
                raise ValueError("IURC_DATABASE_URL is required in production")
            if unsafe := self.unsafe_settings():
                raise ValueError("refused in production: " + "; ".join(unsafe))
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
