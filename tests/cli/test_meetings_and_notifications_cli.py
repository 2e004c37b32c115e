"""`iurc meeting suggest`, the office-hours warning, and `iurc notifications`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.cli.conftest import Cli
from tests.temporal_support import eventually


async def test_suggest_shows_the_windows_both_offices_keep(iurc: Cli) -> None:
    pairing = "rotterdam-busan-2091"
    await iurc.ok("start", "rotterdam", "busan", "--cycle", "2091")
    result = await iurc.ok(
        "meeting", "suggest", pairing, "--on", "2031-06-02", "--days", "1", "--json"
    )
    [window] = json.loads(result.stdout)
    assert window["local_times"] == (
        "09:00 CEST in Rotterdam, 16:00 KST in Busan to 11:00 CEST in Rotterdam, 18:00 KST in Busan"
    )
    table = await iurc.ok("meeting", "suggest", pairing, "--on", "2031-06-02", "--days", "1")
    assert "07:00-09:00" in table.stdout  # UTC


async def test_scheduling_outside_office_hours_warns_and_still_schedules(iurc: Cli) -> None:
    pairing = "rotterdam-busan-2092"
    await iurc.ok("start", "rotterdam", "busan", "--cycle", "2092")
    for city in ("rotterdam", "busan"):
        await iurc.ok("confirm", pairing, city)
    evening = (datetime.now(UTC) + timedelta(days=30)).replace(hour=19, minute=0)
    night_in_busan = evening.isoformat()
    result = await iurc.ok(
        "meeting",
        "schedule",
        pairing,
        "--id",
        "late",
        "--kind",
        "bilateral",
        "--at",
        night_in_busan,
    )
    warning = " ".join(result.stderr.split())
    assert "is outside office hours in" in warning
    assert "Busan" in warning.split("outside office hours in")[1]
    assert "iurc meeting suggest" in warning


async def test_notifications_list_the_outbox_with_status(iurc: Cli) -> None:
    pairing = "sofia-sejong-2093"
    await iurc.ok("start", "sofia", "sejong", "--cycle", "2093")
    for city in ("sofia", "sejong"):
        await iurc.ok("confirm", pairing, city)
    at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    await iurc.ok("meeting", "schedule", pairing, "--id", "k", "--kind", "kickoff", "--at", at)

    async def listed() -> list[dict[str, object]]:
        result = await iurc.ok("notifications", "--pairing", pairing, "--json")
        rows: list[dict[str, object]] = json.loads(result.stdout)
        return rows

    rows = await eventually(
        listed, lambda found: len(found) == 2 and all(r["status"] != "pending" for r in found)
    )
    assert {(row["kind"], row["audience"]) for row in rows} == {
        ("meeting_scheduled", "focal_points"),
        ("interpretation_needed", "secretariat"),
    }
    table = await iurc.ok("notifications", "--pairing", pairing)
    assert "interpretation_needed" in table.stdout
    assert "@" not in table.stdout, "no addresses in the listing"
    bad = await iurc("notifications", "--status", "lost")
    assert bad.exit_code == 2
