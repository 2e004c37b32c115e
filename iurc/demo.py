"""The demo programme: the seed's seven pairings, at different stages, under a policy in minutes.

So that `iurc up --demo` shows a living programme: within a few minutes the pairing still
in matching is reminded and then escalated, and the UI and `iurc pairings` show every stage.
Loading it twice changes nothing: pairings that exist are left alone, and every command
carries its journey key as the idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from domain import commands as cmd
from domain.policy import StalenessPolicy
from domain.principals import Principal, Role
from domain.profiles import CityProfile, ProfileFile
from domain.stages import Stage
from iurc.cli.files import load_model
from iurc.client import PairingClient, PairingExistsError
from iurc.journey import journey

DEMO_POLICY = StalenessPolicy(
    idle_limits={
        Stage.MATCHING: timedelta(minutes=4),
        Stage.KICKOFF: timedelta(minutes=6),
        Stage.BILATERAL: timedelta(minutes=8),
        Stage.STUDY_VISIT: timedelta(minutes=10),
        Stage.ACTION_PLAN: timedelta(minutes=8),
        Stage.PILOT: timedelta(minutes=10),
        Stage.FOLLOW_UP: timedelta(minutes=12),
    },
    follow_up_period=timedelta(hours=1),
)
"""Minutes instead of weeks: a quiet pairing is reminded within two to six minutes."""

DEMO_PRINCIPAL = Principal(role=Role.PROGRAMME_OFFICER, name="demo")
"""Who records the demo's history: the secretariat, on the cities' behalf."""
DEMO_PROFILES = Path(__file__).with_name("demo_cities.yaml")
"""The seed's cities with fictional people (also examples/cities.yaml)."""


def demo_profiles() -> tuple[CityProfile, ...]:
    return load_model(DEMO_PROFILES, ProfileFile).cities


@dataclass(frozen=True)
class DemoPairing:
    eu: str
    partner: str
    cycle: int
    until: str
    """The last journey step to record (see iurc.journey)."""
    pause: str | None = None


DEMO_PAIRINGS = (
    DemoPairing("sofia", "sejong", 2021, until="confirm-eu"),
    DemoPairing("dublin", "seoul", 2021, until="confirm-partner"),
    DemoPairing("tampere", "gwangju", 2019, until="held-bilateral-1", pause="Municipal elections"),
    DemoPairing("barcelona", "busan", 2019, until="held-bilateral-2"),
    DemoPairing("scottish-cities", "suwon", 2019, until="plan-v1"),
    DemoPairing("rotterdam", "busan", 2021, until="pilot-m1"),
    DemoPairing("eindhoven", "seoul", 2019, until="follow-up-1"),
)


async def load_demo(client: PairingClient, now: datetime) -> list[str]:
    """Start the demo pairings that do not exist yet and move each to its stage."""
    started = []
    for demo in DEMO_PAIRINGS:
        try:
            view = await client.start(
                demo.eu, demo.partner, cycle=demo.cycle, now=now, policy=DEMO_POLICY
            )
        except PairingExistsError:
            continue
        for key, command in journey(demo.eu, demo.partner, view.last_activity_at):
            await client.execute(view.pairing_id, command, principal=DEMO_PRINCIPAL, command_id=key)
            if key == demo.until:
                break
        if demo.pause:
            pause = cmd.Pause(reason=demo.pause)
            await client.execute(
                view.pairing_id, pause, principal=DEMO_PRINCIPAL, command_id="pause"
            )
        started.append(view.pairing_id)
    return started
