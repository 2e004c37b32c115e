"""Who hears: a pairing started from the CLI reaches its cities' focal points, in their languages.

The whole path, as a secretariat runs it: `iurc cities import` of the example profiles,
`iurc start`, `iurc confirm` twice, then the kick-off stage stays quiet for half its idle
limit on the time-skipping server, and the reminder arrives at the loopback SMTP server:
to Rotterdam's focal point in English (there is no Dutch template) and to Busan's in Korean.
"""

from __future__ import annotations

import asyncio
import email
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
import structlog
from aiosmtpd.controller import Controller
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from adapters.notify.channel import LogChannel
from adapters.notify.email import EmailChannel, SmtpSettings
from adapters.notify.router import Notifier
from iurc.cli.app import app
from iurc.wiring import build_worker
from tests.notify.peers import Inbox, free_port
from tests.temporal_support import TEST_CODEC_KEYS, TEST_CONTACTS, eventually

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FOCAL_POINTS = {"focal.point@rotterdam.example.org", "focal.point@busan.example.org"}


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    received, port = Inbox(), free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield received, port
    finally:
        controller.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def cli_env(
    env: WorkflowEnvironment,
    pg_pool: asyncpg.Pool,
    database_url: str,
    inbox: tuple[Inbox, int],
    tmp_path: Path,
) -> AsyncIterator[dict[str, str]]:
    """A worker that mails every focal-point message through loopback, and the CLI's settings."""
    await pg_pool.execute("TRUNCATE events, pairings, escalations, notifications, deliveries")
    smtp = SmtpSettings(
        host="127.0.0.1", port=inbox[1], starttls=False, sender_address="iurc@citynet.example.org"
    )
    notifier = Notifier(
        [LogChannel(), EmailChannel(smtp)], {"focal_points": "email", "secretariat": "email"}
    )
    queue = f"who-hears-{uuid.uuid4()}"
    with structlog.testing.capture_logs():
        async with build_worker(
            env.client, pg_pool, queue, notifier=notifier, contacts=TEST_CONTACTS
        ):
            yield {
                "IURC_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "IURC_TASK_QUEUE": queue,
                "IURC_DATABASE_URL": database_url,
                "IURC_DATA_DIR": str(tmp_path / "iurc"),
                "IURC_CODEC_KEYS": TEST_CODEC_KEYS,
                "IURC_OPERATOR": "kim",
                "COLUMNS": "200",
            }


async def iurc(environment: dict[str, str], *args: str) -> Result:
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=environment)
    assert result.exit_code == 0, f"iurc {' '.join(args)}: {result.output}"
    return result


def subject_of(content: bytes) -> str:
    return str(make_header(decode_header(email.message_from_bytes(content)["Subject"])))


async def test_a_pairing_started_from_the_cli_reminds_both_focal_points_in_their_language(
    env: WorkflowEnvironment, cli_env: dict[str, str], inbox: tuple[Inbox, int]
) -> None:
    await iurc(cli_env, "cities", "import", str(EXAMPLES / "cities.yaml"))
    started = await iurc(cli_env, "start", "rotterdam", "busan", "--cycle", "2027")
    assert "no focal point" not in started.output
    pairing = "rotterdam-busan-2027"
    listed = (await iurc(cli_env, "stakeholders", "list", pairing)).output
    assert "Focal Point Rotterdam" in listed
    assert "Focal Point Busan" in listed
    assert "focal.point@" not in listed, "the table shows no e-mail address"
    for city in ("rotterdam", "busan"):
        await iurc(cli_env, "confirm", pairing, city)

    await env.sleep(timedelta(days=16))  # the kick-off's idle limit is 30 days
    received = await eventually(
        lambda: asyncio.sleep(0, inbox[0].received),
        lambda got: {a for item in got for a in item.rcpt_tos} >= FOCAL_POINTS,
        within=20,
    )
    by_recipient = {address: item for item in received for address in item.rcpt_tos}
    assert set(by_recipient) == FOCAL_POINTS, "the focal points, and nobody else, are reminded"
    english = subject_of(by_recipient["focal.point@rotterdam.example.org"].content)
    korean = subject_of(by_recipient["focal.point@busan.example.org"].content)
    assert english.startswith(f"[IURC] {pairing}: no activity for")
    assert f"[IURC] {pairing}: 15일 동안 활동" in korean


async def test_a_city_without_a_focal_point_is_stood_in_for_by_the_secretariat(
    env: WorkflowEnvironment, cli_env: dict[str, str], inbox: tuple[Inbox, int]
) -> None:
    await iurc(cli_env, "cities", "import", str(EXAMPLES / "cities.yaml"))
    pairing = "rotterdam-busan-2028"
    started = await iurc(cli_env, "start", "rotterdam", "busan", "--cycle", "2028")
    assert "no focal point" not in started.output
    await iurc(cli_env, "stakeholders", "focal", pairing, "busan-1", "--off")
    warned = await iurc(cli_env, "stakeholders", "list", pairing)
    assert "busan has no focal point" in warned.output
    for city in ("rotterdam", "busan"):
        await iurc(cli_env, "confirm", pairing, city)
    await env.sleep(timedelta(days=16))
    received = await eventually(
        lambda: asyncio.sleep(0, inbox[0].received),
        lambda got: len({a for item in got for a in item.rcpt_tos}) >= 2,
        within=20,
    )
    recipients = {address for item in received for address in item.rcpt_tos}
    assert recipients == {"focal.point@rotterdam.example.org", "iurc@citynet.example.org"}


def changed_profiles(tmp_path: Path) -> Path:
    """The example profiles with Busan's focal point replaced by someone new."""
    text = (EXAMPLES / "cities.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "      - name: Focal Point Busan\n        email: focal.point@busan.example.org\n",
        "      - name: Ji-woo Park\n        email: jiwoo.park@busan.example.org\n",
    )
    assert changed != text
    path = tmp_path / "cities.yaml"
    path.write_text(changed, encoding="utf-8")
    return path


async def test_importing_a_changed_profile_shows_the_open_pairings_that_differ_and_aligns_them(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    await iurc(cli_env, "cities", "import", str(EXAMPLES / "cities.yaml"))
    pairing = "rotterdam-busan-2029"
    await iurc(cli_env, "start", "rotterdam", "busan", "--cycle", "2029")
    await eventually(  # the import compares the open pairings the read model lists
        lambda: iurc(cli_env, "pairings", "--json"), lambda listed: pairing in listed.stdout
    )
    listed = await iurc(cli_env, "cities", "import", str(changed_profiles(tmp_path)))
    shown = " ".join(listed.output.split())
    assert pairing in shown
    assert "remove busan-1" in shown
    assert "add Ji-woo Park (international cooperation officer, focal point)" in shown
    assert "Left as they are" in shown
    before = (await iurc(cli_env, "stakeholders", "list", pairing, "--json")).stdout
    assert "focal.point@busan.example.org" in before, "nothing changed without --apply"

    applied = await iurc(cli_env, "cities", "import", str(changed_profiles(tmp_path)), "--apply")
    assert "Sent 2 commands" in applied.output
    after = (await iurc(cli_env, "stakeholders", "list", pairing, "--json")).stdout
    assert "focal.point@busan.example.org" not in after
    assert "jiwoo.park@busan.example.org" in after
    again = await iurc(cli_env, "cities", "import", str(changed_profiles(tmp_path)))
    assert pairing not in again.output, "in line now: nothing left to show"


async def test_starting_a_pairing_warns_of_a_city_without_a_focal_point(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    text = (EXAMPLES / "cities.yaml").read_text(encoding="utf-8")
    sofia = text.index("  - slug: sofia")
    without = text[:sofia] + text[sofia:].replace("        focal_point: true\n", "", 1)
    path = tmp_path / "cities.yaml"
    path.write_text(without, encoding="utf-8")
    await iurc(cli_env, "cities", "import", str(path))
    started = await iurc(cli_env, "start", "sofia", "sejong", "--cycle", "2029")
    warning = " ".join(started.output.split())
    assert "warning: sofia has no focal point: its reminders go to the secretariat" in warning
    assert "sejong has no focal point" not in warning
