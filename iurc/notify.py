"""Who hears what, and over which channel: notification settings and the notifier built from them.

Routes map an audience to a channel (`IURC_NOTIFY_ROUTES='{"focal_points": "email",
"head_of_secretariat": "webhook"}'`); an audience without a route uses the log channel, so a
development machine never mails anyone. The escalation chain's people are settings too:
level 1 goes to the programme officer, level 2 to the head of the secretariat.

Messages carry personal data (names, addresses, what a pairing is doing), so production refuses
to send them where they could be read on the way: SMTP credentials over a connection without
TLS, or a webhook over plain http. Development accepts both and says so in a warning.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import EmailStr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from activities.delivery import SecretariatContacts
from adapters.notify.channel import Channel, LogChannel
from adapters.notify.email import EmailChannel, SmtpSettings
from adapters.notify.router import Notifier
from adapters.notify.webhook import WebhookChannel, WebhookSettings
from domain.notifications import Recipient


class NotifySettings(BaseSettings):
    """IURC_* settings of notification delivery."""

    # env_ignore_empty: the compose file passes `IURC_SMTP_HOST=` when no relay is configured.
    model_config = SettingsConfigDict(
        env_prefix="IURC_", extra="ignore", hide_input_in_errors=True, env_ignore_empty=True
    )

    environment: Literal["development", "production"] = "development"
    """IURC_ENVIRONMENT, read here too so that production refuses unsafe channels."""
    notify_routes: dict[str, str] = {}
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: EmailStr = "iurc@citynet.example.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    programme_officer_email: EmailStr | None = "programme.officer@citynet.example.org"
    head_of_secretariat_email: EmailStr | None = "head@citynet.example.org"
    secretariat_email: EmailStr | None = "iurc@citynet.example.org"
    """The escalation chain. The example.org defaults only make sense with the log channel;
    set real addresses before routing an audience to e-mail."""
    secretariat_country: str = "KR"
    secretariat_timezone: str = "Asia/Seoul"

    @field_validator("notify_routes", mode="before")
    @classmethod
    def _json_routes(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _channels_configured(self) -> NotifySettings:
        used = set(self.notify_routes.values())
        if "email" in used and self.smtp_host is None:
            raise ValueError("IURC_NOTIFY_ROUTES uses email, but IURC_SMTP_HOST is not set")
        if "webhook" in used and (self.webhook_url is None or self.webhook_secret is None):
            raise ValueError(
                "IURC_NOTIFY_ROUTES uses webhook: set IURC_WEBHOOK_URL and IURC_WEBHOOK_SECRET"
            )
        return self

    def unsafe_settings(self) -> list[str]:
        """What production refuses here, each naming the variable and what to do."""
        found: list[str] = []
        has_login = self.smtp_username is not None or self.smtp_password is not None
        if self.smtp_host is not None and has_login and not (self.smtp_starttls or self.smtp_tls):
            found.append(
                "IURC_SMTP_USERNAME and IURC_SMTP_PASSWORD would cross the network in plaintext: "
                "set IURC_SMTP_STARTTLS=true (port 587) or IURC_SMTP_TLS=true (port 465)"
            )
        if self.webhook_url is not None and urlsplit(self.webhook_url).scheme.lower() != "https":
            found.append(
                "IURC_WEBHOOK_URL must be an https:// URL: the webhook's messages carry "
                "personal data (names, e-mail addresses)"
            )
        return found

    @model_validator(mode="after")
    def _safe_in_production(self) -> NotifySettings:
        if self.environment == "production" and (unsafe := self.unsafe_settings()):
            raise ValueError("refused in production: " + "; ".join(unsafe))
        return self


def build_notifier(settings: NotifySettings) -> Notifier:
    channels: list[Channel] = [LogChannel()]
    if settings.smtp_host is not None:
        channels.append(
            EmailChannel(
                SmtpSettings(
                    host=settings.smtp_host,
                    port=settings.smtp_port,
                    starttls=settings.smtp_starttls and not settings.smtp_tls,
                    use_tls=settings.smtp_tls,
                    username=settings.smtp_username,
                    password=settings.smtp_password,
                    sender_address=settings.mail_from,
                )
            )
        )
    if settings.webhook_url is not None and settings.webhook_secret is not None:
        channels.append(
            WebhookChannel(
                WebhookSettings.model_validate(
                    {"url": settings.webhook_url, "secret": settings.webhook_secret}
                )
            )
        )
    return Notifier(channels, settings.notify_routes)


def build_contacts(settings: NotifySettings) -> SecretariatContacts:
    def person(name: str, email: str | None) -> Recipient | None:
        if email is None:
            return None
        return Recipient(
            name=name,
            email=email,
            country=settings.secretariat_country,
            timezone=settings.secretariat_timezone,
        )

    return SecretariatContacts(
        programme_officer=person("Programme officer", settings.programme_officer_email),
        head_of_secretariat=person("Head of the secretariat", settings.head_of_secretariat_email),
        secretariat=person("IURC secretariat", settings.secretariat_email),
        organizer_email=settings.mail_from,
    )
