"""The run's figures: ratios and targets worked out, a table on the terminal, JSON on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

TARGETS = {
    "throughput_ratio": ("lifecycle/baseline commands per second", ">=", 0.8),
    "p99_ratio": ("lifecycle/baseline update p99", "<=", 1.5),
    "idle_kib_per_pairing": ("worker KiB per cached open pairing (largest step)", "<=", 100.0),
    "timer_max_lateness_s": ("latest reminder/escalation after its deadline, s", "<=", 1.0),
}


def ratios(lifecycle: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    """Lifecycle over baseline: above 1 is slower for latency and CPU, faster for throughput."""

    def over(path: tuple[str, ...]) -> float:
        ours: Any = lifecycle
        bare: Any = baseline
        for key in path:
            ours, bare = ours[key], bare[key]
        return round(float(ours) / float(bare), 3) if ours is not None and bare else 0.0

    return {
        "throughput_ratio": over(("commands_per_second",)),
        "p50_ratio": over(("update_round_trip", "p50_ms")),
        "p95_ratio": over(("update_round_trip", "p95_ms")),
        "p99_ratio": over(("update_round_trip", "p99_ms")),
        "worker_cpu_ratio": over(("worker_cpu_ms_per_command",)),
        "server_cpu_ratio": over(("dev_server_cpu_ms_per_command",)),
    }


def targets(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target with the measured value and whether it is met; absent figures are skipped."""
    measured: dict[str, float] = {}
    if "ratios" in figures:
        measured["throughput_ratio"] = figures["ratios"]["throughput_ratio"]
        measured["p99_ratio"] = figures["ratios"]["p99_ratio"]
    if "steps" in figures.get("idle", {}):
        measured["idle_kib_per_pairing"] = figures["idle"]["steps"][-1]["kib_per_pairing"]
    if "lateness_s" in figures.get("timers", {}):
        measured["timer_max_lateness_s"] = figures["timers"]["lateness_s"]["max"]
    verdicts = {}
    for name, value in measured.items():
        label, sense, bound = TARGETS[name]
        met = value >= bound if sense == ">=" else value <= bound
        verdicts[name] = {"label": label, "target": f"{sense} {bound}", "value": value, "met": met}
    return verdicts


def write_json(figures: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n")


def print_tables(figures: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="IURC lifecycle vs the bare engine", show_lines=False)
    for column in ("figure", "lifecycle", "baseline", "ratio"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    lifecycle, baseline, ratio = (
        figures.get("lifecycle"),
        figures.get("baseline"),
        figures.get("ratios", {}),
    )
    if lifecycle and baseline:
        table.add_row(
            "commands/s",
            f"{lifecycle['commands_per_second']:.1f}",
            f"{baseline['commands_per_second']:.1f}",
            f"{ratio['throughput_ratio']:.2f}",
        )
        for pct in ("p50", "p95", "p99"):
            table.add_row(
                f"update {pct}, ms",
                f"{lifecycle['update_round_trip'][f'{pct}_ms']:.1f}",
                f"{baseline['update_round_trip'][f'{pct}_ms']:.1f}",
                f"{ratio[f'{pct}_ratio']:.2f}",
            )
        table.add_row(
            "worker CPU ms/command",
            f"{lifecycle['worker_cpu_ms_per_command']:.2f}",
            f"{baseline['worker_cpu_ms_per_command']:.2f}",
            f"{ratio['worker_cpu_ratio']:.2f}",
        )
        table.add_row(
            "dev server CPU ms/command",
            f"{lifecycle['dev_server_cpu_ms_per_command']}",
            f"{baseline['dev_server_cpu_ms_per_command']}",
            f"{ratio['server_cpu_ratio']:.2f}",
        )
    if table.row_count:
        console.print(table)
    if "lifecycle_compare" in figures and lifecycle:
        _print_comparison(lifecycle, figures["lifecycle_compare"], console)
    _print_others(figures, console)


def _print_comparison(ours: dict[str, Any], other: dict[str, Any], console: Console) -> None:
    """This checkout's lifecycle next to another's, run in the same rounds."""
    table = Table(title=f"lifecycle: this checkout vs {other['worker']}")
    for column in ("figure", "this", "other", "this/other"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    rows = [
        ("commands/s", ("commands_per_second",)),
        ("update p50, ms", ("update_round_trip", "p50_ms")),
        ("update p95, ms", ("update_round_trip", "p95_ms")),
        ("update p99, ms", ("update_round_trip", "p99_ms")),
        ("worker CPU ms/command", ("worker_cpu_ms_per_command",)),
        ("dev server CPU ms/command", ("dev_server_cpu_ms_per_command",)),
    ]
    for label, path in rows:
        mine: Any = ours
        theirs: Any = other
        for key in path:
            mine, theirs = mine[key], theirs[key]
        ratio = f"{mine / theirs:.2f}" if mine is not None and theirs else "-"
        table.add_row(label, f"{mine}", f"{theirs}", ratio)
    console.print(table)


def _print_others(figures: dict[str, Any], console: Console) -> None:
    table = Table(title="Idle scale, timers, replay, targets")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name in ("idle", "idle_bare"):
        for step in (figures.get(name) or {}).get("steps", []):
            table.add_row(
                f"{figures[name]['workflow']} worker RSS, {step['open_pairings']} open",
                f"{step['rss_kib'] / 1024:.0f} MiB, {step['kib_per_pairing']:.1f} KiB/pairing",
            )
    timers = figures.get("timers")
    if timers and "lateness_s" in timers:
        late = timers["lateness_s"]
        table.add_row(
            f"timer lateness, {timers['timers']} timers",
            f"max {late['max']:.3f} s, p99 {late['p99']:.3f} s, p50 {late['p50']:.3f} s",
        )
    replay = figures.get("replay")
    if replay:
        table.add_row(
            f"replay, {replay['histories']} lifecycle histories",
            f"{replay['histories_per_second']:.1f} histories/s "
            f"({replay['events_per_second']} events/s)",
        )
    for verdict in figures.get("targets", {}).values():
        table.add_row(
            f"target: {verdict['label']} {verdict['target']}",
            f"{verdict['value']} {'met' if verdict['met'] else 'NOT met'}",
        )
    if table.row_count:
        console.print(table)
