"""structlog for the whole process: console on a terminal, JSON otherwise.

Records from the standard library (temporalio's workflow and activity loggers, asyncpg) go
through the same processors, and so do the Temporal core's own (Rust) log lines once
`core_logging` forwards them, so a worker's output is one format that people and log pipelines
both read.

Personal data and secrets are redacted from every line, whatever logged them: e-mail addresses
(`m***@busan.example.org`), the credentials, query and fragment of every URL (a webhook's token,
a database password), and people's names where a line can be seen to carry one: the values of
fields such as `name` and `recipients`, `name='...'` in a logged model's repr, and then every
other occurrence of those names in the same line (a message body that greets them). httpx and
httpcore log each request's URL at INFO; they are held at WARNING.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, Literal, TextIO

import structlog
from temporalio.runtime import LogForwardingConfig, LoggingConfig, TelemetryFilter

LogFormat = Literal["auto", "console", "json"]

EMAIL = re.compile(r"(?<![\w.+%-])([\w+%-])[\w.+%'-]*@([\w-]+(?:\.[\w-]+)+)")
"""An e-mail address; group 1 is its first character and group 2 its domain, which stay."""
URL = re.compile(
    r"\b(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<userinfo>[^\s/?#@]*@)?(?P<rest>[^\s?#]*)"
    r"(?P<query>\?[^\s#]*)?(?P<fragment>#\S*)?",
    re.IGNORECASE,
)
"""A URL: its userinfo (`user:password@`), query and fragment are what may hold a secret."""
NAME_FIELDS = frozenset(
    {
        "name",
        "names",
        "full_name",
        "display_name",
        "person",
        "people",
        "stakeholder",
        "stakeholders",
        "recipient",
        "recipients",
        "to",
        "cc",
        "bcc",
        "focal_point",
        "focal_points",
    }
)
"""Event fields whose text values are people's names (or `Name <address>`)."""
NAME_IN_REPR = re.compile(r"\b(?P<key>name|full_name|display_name)=(?P<q>['\"])(?P<name>.*?)(?P=q)")
NAME_IN_JSON = re.compile(r'"(?P<key>name|full_name|display_name)"\s*:\s*"(?P<name>[^"\\]*)"')
QUOTED_DISPLAY_NAME = re.compile(r'"(?P<name>[^"<>]{1,120})"(?P<address>\s*<[^<>\s]*@)')
QUIET_LOGGERS = ("httpx", "httpcore")
"""Libraries that log every request's URL, query string included, at INFO."""
CORE_LOGGER = "temporalio.core"
"""Where the Temporal core's own log lines arrive once forwarded (`core_logging`)."""


def configure_logging(log_format: LogFormat = "auto", level: str = "info") -> None:
    """Configure structlog and the stdlib root logger once, in the entry point."""
    json_output = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        core_log_fields,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if json_output
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=_redacted_traceback
        )
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if json_output else _keep,
            redact_personal_data,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def core_logging(level: str = "info") -> LoggingConfig:
    """The Temporal core's logging, forwarded to the `temporalio.core` Python logger.

    Without it the core (Rust) writes its warnings to stderr itself, in its own format and past
    every redaction here. The core logs at WARN (ERROR when `level` is error) whatever the
    Python level, because its INFO and DEBUG are per-poll chatter.
    """
    core_level = "ERROR" if level.lower() == "error" else "WARN"
    return LoggingConfig(
        filter=TelemetryFilter(core_level=core_level, other_level="ERROR"),
        forwarding=LogForwardingConfig(
            logger=logging.getLogger(CORE_LOGGER),
            append_target_to_name=False,
            prepend_target_on_message=False,
            append_log_fields_to_message=False,
        ),
    )


def core_log_fields(
    logger: object, method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """A forwarded core record's entry as plain fields: its Rust target and its fields."""
    entry = event.pop("temporal_log", None)
    if entry is not None:
        event["core_target"] = str(getattr(entry, "target", ""))
        fields = getattr(entry, "fields", None)
        if fields:
            event["core_fields"] = dict(fields)
    return event


def _keep(
    logger: object, method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    return event


def mask_name(name: str) -> str:
    """`Ji-woo Park` as `J*** P***`: enough to tell two people apart in a log, not to name them.

    Words that hold an (already redacted) address stay as they are.
    """
    return " ".join(
        word if "@" in word or word.endswith("***") else f"{word[0]}***" for word in name.split()
    )


def _redact_url(match: re.Match[str]) -> str:
    userinfo = "***@" if match["userinfo"] else ""
    query = "?***" if match["query"] else ""
    fragment = "#***" if match["fragment"] else ""
    return f"{match['scheme']}{userinfo}{match['rest']}{query}{fragment}"


def redact_text(text: str) -> str:
    """Addresses, URL secrets, and the names that a repr, JSON or `"Name" <address>` marks."""
    text = EMAIL.sub(r"\1***@\2", URL.sub(_redact_url, text))
    text = NAME_IN_REPR.sub(lambda m: f"{m['key']}={m['q']}{mask_name(m['name'])}{m['q']}", text)
    text = NAME_IN_JSON.sub(lambda m: f'"{m["key"]}": "{mask_name(m["name"])}"', text)
    return QUOTED_DISPLAY_NAME.sub(lambda m: f'"{mask_name(m["name"])}"{m["address"]}', text)


def redact(value: object, names: Iterable[str] = ()) -> object:
    """`value` with addresses, URL secrets and names in its strings redacted, however nested.

    Any other object becomes its redacted repr, which is what the renderers would print: a
    logged stakeholder model shows its fields, name and e-mail address included. `names` are
    people's names known from elsewhere in the same line, masked wherever they appear.
    """
    known = _name_pattern(names)
    return _redact(value, known, in_name_field=False)


def _redact(value: object, known: re.Pattern[str] | None, *, in_name_field: bool) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        text = redact_text(value)
        if known is not None:
            text = known.sub(lambda m: mask_name(m[0]), text)
        return mask_name(text) if in_name_field else text
    if isinstance(value, dict):
        return {
            key: _redact(item, known, in_name_field=str(key).lower() in NAME_FIELDS)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        items = [_redact(item, known, in_name_field=in_name_field) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return _redact(repr(value), known, in_name_field=False)


def names_in(value: object, *, in_name_field: bool = False) -> set[str]:
    """People's names that `value` shows: in name fields, and `name='...'` in reprs and text."""
    found: set[str] = set()
    if isinstance(value, str):
        if in_name_field:
            found.add(EMAIL.sub("", value).strip(" <>\"'"))
        found |= {m["name"] for m in NAME_IN_REPR.finditer(value)}
        found |= {m["name"] for m in NAME_IN_JSON.finditer(value)}
        found |= {m["name"] for m in QUOTED_DISPLAY_NAME.finditer(value)}
    elif isinstance(value, dict):
        for key, item in value.items():
            found |= names_in(item, in_name_field=str(key).lower() in NAME_FIELDS)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            found |= names_in(item, in_name_field=in_name_field)
    elif value is not None and not isinstance(value, bool | int | float):
        found |= names_in(repr(value))
    return {name for name in found if len(name) >= 2}


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Each name, and each capitalised word of three letters or more in it, as a whole word."""
    words = set()
    for name in names:
        words.add(name)
        words |= {word for word in name.split() if len(word) >= 3 and word[0].isupper()}
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w@])")


SKIPPED_FIELDS = frozenset({"exc_info", "logger", "level", "timestamp", "core_target"})
"""Fields that hold no personal data and stay as they are (exc_info: see _redacted_traceback)."""


def redact_personal_data(
    logger: object, method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The processor: runs last before rendering, on structlog's events and stdlib records.

    First the names the line carries are found (name fields, reprs); then every string of the
    line is redacted, those names included wherever they occur. `exc_info`, still there for the
    console renderer, is redacted by `_redacted_traceback`.
    """
    names = names_in({key: value for key, value in event.items() if key not in SKIPPED_FIELDS})
    known = _name_pattern(names)
    redacted: dict[str, Any] = {}
    for key, value in event.items():
        if key in SKIPPED_FIELDS:
            redacted[key] = value
        else:
            redacted[key] = _redact(value, known, in_name_field=key.lower() in NAME_FIELDS)
    return redacted


def _redacted_traceback(out: TextIO, exc_info: structlog.typing.ExcInfo) -> None:
    """A plain traceback, redacted: rich's would show locals, and wraps lines mid-address."""
    text = io.StringIO()
    structlog.dev.plain_traceback(text, exc_info)
    out.write(redact_text(text.getvalue()))
