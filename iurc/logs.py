"""structlog for the whole process: console on a terminal, JSON otherwise.

Records from the standard library (temporalio's workflow and activity loggers, asyncpg) go
through the same processors, so a worker's output is one format that people and log
pipelines both read. E-mail addresses are redacted from every line, whatever logged them.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from typing import Literal, TextIO

import structlog

LogFormat = Literal["auto", "console", "json"]

EMAIL = re.compile(r"(?<![\w.+%-])([\w+%-])[\w.+%'-]*@([\w-]+(?:\.[\w-]+)+)")
"""An e-mail address; group 1 is its first character and group 2 its domain, which stay."""


def configure_logging(log_format: LogFormat = "auto", level: str = "info") -> None:
    """Configure structlog and the stdlib root logger once, in the entry point."""
    json_output = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
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
            redact_emails,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def _keep(
    logger: object, method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    return event


def redact_text(text: str) -> str:
    return EMAIL.sub(r"\1***@\2", text)


def redact(value: object) -> object:
    """`value` with every e-mail address in its strings, however nested, as `f***@domain`.

    Any other object becomes its redacted repr, which is what the renderers would print: a
    logged stakeholder model shows its fields, e-mail address included.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact(item) for item in value)
    return redact_text(repr(value))


def redact_emails(
    logger: object, method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The processor: runs last before rendering, on structlog's events and stdlib records.

    `exc_info`, still there for the console renderer, is redacted by `_redacted_traceback`.
    """
    return {key: value if key == "exc_info" else redact(value) for key, value in event.items()}


def _redacted_traceback(out: TextIO, exc_info: structlog.typing.ExcInfo) -> None:
    """A plain traceback, redacted: rich's would show locals, and wraps lines mid-address."""
    text = io.StringIO()
    structlog.dev.plain_traceback(text, exc_info)
    out.write(redact_text(text.getvalue()))
