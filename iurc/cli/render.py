"""Rich renderings of views and rows, for the human side of every read command."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from adapters.postgres.read_model import EscalationRow, PairingRow
from domain.recording import RecordedEvent
from domain.text import printable
from domain.view import PairingView


def plain(text: str) -> Text:
    """Stored text as a terminal may show it: no Rich markup read into it, no control
    character reaching the terminal (what was stored before they were refused included)."""
    return Text(printable(text))


def ago(moment: datetime, now: datetime | None = None) -> str:
    delta = (now or datetime.now(UTC)) - moment
    days = delta.days
    if days >= 1:
        return f"{days} d ago"
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} h ago" if hours else f"{int(delta.total_seconds() // 60)} min ago"


def staleness(
    stale: bool, escalation_level: int, staleness_level: int, closed: bool = False
) -> Text:
    if closed:
        return Text("—", style="dim")
    if stale:
        return Text(f"stale (escalation {escalation_level})", style="bold red")
    if staleness_level:
        return Text("reminded", style="yellow")
    return Text("ok", style="green")


def pairing_view(view: PairingView) -> RenderableType:
    header = Text.assemble(
        (f"{view.pairing_id}", "bold"),
        f"  {view.eu_city} ↔ {view.partner_city}, cycle {view.cycle}\n",
        "stage ",
        (view.stage.label, "bold"),
        f" · {view.status.value} · ",
        staleness(view.stale, view.escalation_level, int(view.staleness), view.stage.is_closed),
        f"\nlast activity {view.last_activity_at:%Y-%m-%d %H:%M} UTC "
        f"({ago(view.last_activity_at)})",
    )
    if view.next_deadline is not None:
        header.append(f"\nnext: {view.next_deadline.description}")
    if view.notice is not None:
        header.append(f"\n{printable(view.notice)}", style="bold red")
    checklist = Table(show_header=False, box=None, padding=(0, 1))
    for item in view.checklist:
        mark = "[green]✔[/]" if item.done else ("[cyan]waived[/]" if item.waived else "[dim]·[/]")
        checklist.add_row(mark, item.stage.label, item.label)
    return Group(header, Text(""), checklist)


def pairing_rows(rows: Sequence[PairingRow]) -> RenderableType:
    table = Table(title=f"{len(rows)} pairings")
    table.add_column("pairing", no_wrap=True)
    for column in ("stage", "status", "staleness", "last activity", "next deadline (UTC)"):
        table.add_column(column)
    for row in rows:
        deadline = (
            f"{row.next_deadline_kind.value.replace('_', ' ')} {row.next_deadline_at:%m-%d %H:%M}"
            if row.next_deadline_at and row.next_deadline_kind
            else "—"
        )
        table.add_row(
            row.pairing_id,
            row.stage.label,
            row.status.value,
            staleness(row.stale, row.escalation_level, row.staleness, row.stage.is_closed),
            ago(row.last_activity_at),
            deadline,
        )
    return table


def history(events: Sequence[RecordedEvent]) -> RenderableType:
    table = Table(title=f"{len(events)} events")
    for column in ("#", "when (UTC)", "event", "by", "details"):
        table.add_column(column)
    for recorded in events:
        event = recorded.event
        details = event.model_dump(
            mode="json",
            exclude={"type", "schema_version", "occurred_at", "command_id", "actor"},
        )
        table.add_row(
            str(recorded.sequence),
            f"{event.occurred_at:%Y-%m-%d %H:%M}",
            event.type,
            plain(event.actor or ""),
            plain(_short(details)),
        )
    return table


def escalation_rows(rows: Sequence[EscalationRow]) -> RenderableType:
    table = Table(title=f"{len(rows)} escalations")
    for column in ("pairing", "level", "stage", "idle days", "opened", "closed"):
        table.add_column(column)
    for row in rows:
        closed = (
            f"{row.closed_at:%Y-%m-%d} ({row.closed_reason})" if row.closed_at else "[red]open[/]"
        )
        table.add_row(
            row.pairing_id,
            str(row.level),
            row.stage.label,
            str(row.idle_days),
            f"{row.opened_at:%Y-%m-%d %H:%M}",
            closed,
        )
    return table


def _brief(value: object) -> object:
    """A city or stakeholder by its slug or name, not its whole profile."""
    if isinstance(value, dict):
        return value.get("slug") or value.get("name") or value.get("title") or "…"
    return value


def _short(details: dict[str, object], limit: int = 90) -> str:
    text = ", ".join(
        f"{key}={_brief(value)}"
        for key, value in details.items()
        if value not in ("", None, [], {}) and key != "policy"
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"
