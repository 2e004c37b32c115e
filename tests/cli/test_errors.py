"""Whatever Temporal raises reaches the user as one line with its exit code, never a traceback;
text a user or a store gives is echoed short and printed harmlessly."""

from __future__ import annotations

import pytest
import typer
from pydantic import ValidationError
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain import commands as cmd
from domain.errors import DomainError
from domain.text import printable, shown
from iurc.cli.errors import EXIT_REFUSED, EXIT_UNREACHABLE
from iurc.cli.services import Services, run
from tests.principals import OFFICER


def ran(failure: BaseException, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    async def command(services: Services) -> None:
        raise failure

    with pytest.raises(typer.Exit) as exited:
        run(command)
    return exited.value.exit_code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("failure", "code", "says"),
    [
        (
            RPCError("Workflow Task in failed state", RPCStatusCode.FAILED_PRECONDITION, b""),
            EXIT_REFUSED,
            "refused by Temporal: Workflow Task in failed state (FAILED_PRECONDITION)",
        ),
        (
            RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b""),
            EXIT_UNREACHABLE,
            "unreachable: Temporal stopped answering: connection refused",
        ),
        (WorkflowQueryFailedError("query timed out"), EXIT_REFUSED, "refused: query timed out"),
        (
            TimeoutError(),
            EXIT_UNREACHABLE,
            "unreachable: Temporal did not answer in time; is the worker running?",
        ),
        (
            DomainError("cannot pause: reason \x1b]0;owned\x07\x1b[2J"),
            EXIT_REFUSED,
            "refused: cannot pause: reason \\x1b]0;owned\\x07\\x1b[2J",
        ),
    ],
)
def test_every_failure_is_one_line_with_its_exit_code(
    failure: BaseException, code: int, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, err = ran(failure, capsys)
    assert exit_code == code
    assert err.strip() == says
    assert "\x1b" not in err


def test_a_control_character_in_free_text_is_refused_where_it_sits() -> None:
    with pytest.raises(
        ValidationError, match=r"command.reason contains the control character U\+001B"
    ):
        cmd.CommandRequest(principal=OFFICER, command=cmd.Pause(reason="a\x1b[2Jb"))
    cmd.CommandRequest(principal=OFFICER, command=cmd.Pause(reason="line one\nline two\ttab"))


def test_echoed_values_are_cut_short() -> None:
    assert len(shown("x" * 100_000)) < 100
    assert printable("ok \u202eevil\x7f") == "ok \\u202eevil\\x7f"
