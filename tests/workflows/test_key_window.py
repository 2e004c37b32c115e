"""Keys older than the pairing's window are answered from the event store.

The window is narrowed to three keys for the test (the worker runs in this process and the
domain is passed through its sandbox, so the same module is patched): five commands push the
first two keys out of the state, and a repeat of one, or a different command under another,
is still recognised.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

import domain.evolve
from domain import commands as cmd
from domain.errors import ReusedKeyError
from domain.meetings import MeetingKind
from iurc.client import PairingClient
from tests.principals import OFFICER

PAIRING = "rotterdam-busan-2021"


async def test_a_key_beyond_the_window_is_still_recognised(
    env: WorkflowEnvironment, pairings: PairingClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(domain.evolve, "KEY_WINDOW", 3)
    now = await env.get_current_time()
    await pairings.start("rotterdam", "busan", cycle=2021, now=now)
    confirm = cmd.ConfirmParticipation(city="rotterdam")
    steps: list[tuple[str, cmd.Command]] = [
        ("k1", confirm),
        ("k2", cmd.ConfirmParticipation(city="busan")),
        *[
            (
                f"k{n}",
                cmd.ScheduleMeeting(
                    meeting_id=f"m{n}",
                    meeting_kind=MeetingKind.BILATERAL,
                    scheduled_for=now + timedelta(days=n),
                ),
            )
            for n in (3, 4, 5)
        ],
    ]
    for key, command in steps:
        await pairings.execute(PAIRING, command, principal=OFFICER, command_id=key)
    state = await pairings.state(PAIRING)
    assert (state.keys_forgotten, "k1" in state.command_ids) == (2, False)

    # The very same command again (as a signal: Temporal answers a repeated update id itself).
    await pairings.signal(PAIRING, confirm, principal=OFFICER, command_id="k1")
    await env.sleep(timedelta(seconds=1))
    assert (await pairings.state(PAIRING)).version == state.version, "recorded once only"

    with pytest.raises(ReusedKeyError, match="'k2' already recorded a different confirm"):
        await pairings.execute(
            PAIRING, cmd.Pause(reason="Elections"), principal=OFFICER, command_id="k2"
        )
    assert (await pairings.state(PAIRING)).version == state.version
