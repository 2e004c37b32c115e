"""Logs never carry an e-mail address, whoever logged it and however deep it is."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from domain.stakeholders import Helix
from iurc.journey import stakeholder
from iurc.logs import LogFormat, configure_logging, redact

ADDRESSES = ("minji.kim@busan.example.org", "j.o'neill+iurc@dublin.example.org")


@pytest.fixture
def configured() -> Iterator[None]:
    yield
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def log_everything() -> None:
    structlog.get_logger("iurc.test").info(
        f"reminder sent to {ADDRESSES[0]}",
        recipients=list(ADDRESSES),
        contact={"focal_point": {"email": ADDRESSES[1]}, "count": 2},
        person=stakeholder("busan", Helix.CIVIL_SOCIETY),
    )
    logging.getLogger("temporalio.activity").warning(
        "delivery to %s failed",
        ADDRESSES[1],
        extra={"temporal_activity": {"to": (ADDRESSES[0],)}},
    )
    try:
        raise ValueError(f"550 5.1.1 <{ADDRESSES[0]}>: recipient rejected")
    except ValueError:
        logging.getLogger("aiosmtplib").exception("smtp refused")


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize("log_format", ["json", "console"])
def test_structlog_and_stdlib_records_are_redacted(
    log_format: LogFormat, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format)
    log_everything()
    output = capsys.readouterr().err
    for address in ADDRESSES:
        assert address not in output
        assert address.split("@")[0] not in output
    assert "m***@busan.example.org" in output
    assert "j***@dublin.example.org" in output
    assert "smtp refused" in output
    assert "@busan.example.org" in output, "the domain stays: it says which city"
    assert "civil_society.1@" not in output, "a logged model's repr is redacted too"


@pytest.mark.usefixtures("configured")
def test_json_lines_stay_json_with_their_structure(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    log_everything()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["event"] == "reminder sent to m***@busan.example.org"
    assert lines[0]["recipients"] == ["m***@busan.example.org", "j***@dublin.example.org"]
    assert lines[0]["contact"] == {"focal_point": {"email": "j***@dublin.example.org"}, "count": 2}
    assert "email='c***@busan.example.org'" in lines[0]["person"]
    assert lines[1]["event"] == "delivery to j***@dublin.example.org failed"
    assert lines[1]["temporal_activity"] == {"to": ["m***@busan.example.org"]}
    assert "<m***@busan.example.org>: recipient rejected" in lines[2]["exception"]


def test_what_is_not_an_address_stays() -> None:
    kept = "pairing rotterdam-busan-2021 @ stage pilot; user@localhost; 3@4"
    assert redact(kept) == kept
    assert redact({"n": 1, "ok": None, "t": ("x", 2.5, True)}) == {
        "n": 1,
        "ok": None,
        "t": ("x", 2.5, True),
    }
