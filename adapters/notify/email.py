"""E-mail over SMTP (aiosmtplib): one mail per message, to all its recipients at once.

The Message-ID is derived from `message_id`, so every attempt at the same message carries
the same one and mail systems that keep track of ids drop a repeat. Failures are sorted by
what SMTP says about them: a 4xx reply, a refused connection, a timeout or a dropped line
may pass (retryable); a 5xx reply (unknown mailbox, bad credentials, "STARTTLS first") and a
TLS set-up that cannot work will not, and need someone to fix the settings or the address.
"""

from __future__ import annotations

import re
import ssl
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import aiosmtplib
from pydantic import BaseModel, ConfigDict, EmailStr, Field, SecretStr, model_validator

from adapters.notify.channel import DeliveryError
from domain.messages import OutgoingMessage

_PLAIN = re.compile(r"[A-Za-z0-9_-]")
_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


class SmtpSettings(BaseModel):
    """Where the relay is and how to talk to it; STARTTLS on the submission port by default."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int = Field(default=587, gt=0, lt=65536)
    starttls: bool = True
    use_tls: bool = False
    """Implicit TLS from the first byte (port 465), instead of STARTTLS."""
    username: str | None = None
    password: SecretStr | None = None
    sender_address: EmailStr
    sender_name: str = "IURC Secretariat"
    timeout: float = Field(default=30.0, gt=0)
    """Seconds for connecting and for each SMTP command."""
    ca_file: Path | None = None
    """Extra certificates to trust (an internal relay's CA); the system's are trusted too."""

    @model_validator(mode="after")
    def _consistent(self) -> SmtpSettings:
        if self.starttls and self.use_tls:
            raise ValueError("choose STARTTLS or implicit TLS (use_tls), not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("set both the SMTP username and password, or neither")
        return self


def message_id_header(message_id: str) -> str:
    """`<id@iurc>`, with characters a Message-ID may not hold (such as `:`) written `=XX`.

    The escaping is one-to-one, so distinct messages keep distinct ids.
    """
    left = "".join(
        char if _PLAIN.fullmatch(char) else "".join(f"={b:02X}" for b in char.encode())
        for char in message_id
    )
    return f"<{left}@iurc>"


def build_email(message: OutgoingMessage, settings: SmtpSettings) -> EmailMessage:
    """The MIME message: plain-text body, then each attachment as a part of its own."""
    mail = EmailMessage()
    mail["From"] = formataddr((settings.sender_name, settings.sender_address))
    mail["To"] = ", ".join(formataddr((_line(r.name), r.email)) for r in message.recipients)
    mail["Subject"] = _line(message.subject)
    mail["Message-ID"] = message_id_header(message.message_id)
    mail["X-IURC-Notification-Id"] = message.notification_id
    mail.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if maintype == "text":
            method = _METHOD.search(attachment.content) if subtype == "calendar" else None
            params = {"method": method.group(1)} if method else {}
            mail.add_attachment(
                attachment.content, subtype=subtype, filename=attachment.filename, params=params
            )
        else:
            mail.add_attachment(
                attachment.content.encode(),
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
            )
    # Last: a Content-* header set earlier would move into the body part with the attachments.
    mail["Content-Language"] = message.language
    return mail


def _line(text: str) -> str:
    """One line: a header may not hold a line break (a meeting title typed with one)."""
    return " ".join(text.split())


class EmailChannel:
    """Sends each message through the configured SMTP relay, one connection per message."""

    def __init__(self, settings: SmtpSettings, *, name: str = "email") -> None:
        self.name = name
        self._settings = settings

    async def send(self, message: OutgoingMessage) -> None:
        s = self._settings
        where = f"SMTP server {s.host}:{s.port}"
        try:
            refused = await aiosmtplib.send(
                build_email(message, s),
                sender=s.sender_address,
                recipients=[str(r.email) for r in message.recipients],
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password.get_secret_value() if s.password else None,
                use_tls=s.use_tls,
                start_tls=s.starttls,
                timeout=s.timeout,
                cert_bundle=str(s.ca_file) if s.ca_file else None,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [e.code for e in exc.recipients]
            raise _refused(message, where, codes, len(codes)) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise _failed(exc, f"{where} (message {message.message_id})") from exc
        if refused[0]:
            codes = [response.code for response in refused[0].values()]
            raise _refused(message, where, codes, len(message.recipients))


def _failed(exc: Exception, where: str) -> DeliveryError:
    """Sort a failure other than refused recipients into retryable or not.

    Only aiosmtplib's own texts and TLS errors are quoted: they name a feature, a host or a
    certificate problem. A server's reply text is not, as it may echo an address.
    """
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"{where}: answered {exc.code}", retryable=exc.code < 500)
    tls = exc if isinstance(exc, ssl.SSLError) else exc.__cause__
    if isinstance(tls, ssl.SSLError):
        return DeliveryError(f"{where}: TLS failed: {tls}", retryable=False)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return DeliveryError(f"{where}: timed out", retryable=True)
    if isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected):
        return DeliveryError(f"{where}: connection failed or lost: {exc}", retryable=True)
    if isinstance(exc, aiosmtplib.SMTPException):
        # STARTTLS or AUTH configured but not offered: the settings need changing.
        return DeliveryError(f"{where}: {exc}", retryable=False)
    return DeliveryError(f"{where}: unreachable: {exc}", retryable=True)


def _refused(message: OutgoingMessage, where: str, codes: list[int], total: int) -> DeliveryError:
    """Some recipients refused: worth a retry only if every refusal was temporary (4xx).

    A retry also reaches the recipients who were accepted, with the same Message-ID.
    """
    return DeliveryError(
        f"{where} refused {len(codes)} of {total} recipients of message "
        f"{message.message_id} (replies {', '.join(map(str, sorted(set(codes))))})",
        retryable=all(code < 500 for code in codes),
    )
