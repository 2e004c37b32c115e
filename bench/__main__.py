"""`python -m bench`: run every scenario, print the table, write the JSON.

python -m bench [--pairings 200 --clients 20 --idle 1000,5000 --timers 2000
                 --out bench/results/<date>.json] [--plain] [--profile] [--only lifecycle,...]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console

from bench.report import print_tables, write_json
from bench.run import SCENARIOS, Options, run

RESULTS = Path(__file__).resolve().parent / "results"
T = TypeVar("T")


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers") from None
    if any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _scenarios(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    return chosen


def parse(argv: list[str]) -> tuple[Options, Path]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--pairings", type=int, default=200, help="lifecycle pairings (200)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument(
        "--idle", type=_sizes, default=(1000, 5000), help="open pairings to weigh (1000,5000)"
    )
    parser.add_argument("--timers", type=int, default=2000, help="pairings going stale (2000)")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    parser.add_argument("--out", type=Path, default=RESULTS / f"{stamp}.json", help="JSON file")
    parser.add_argument("--plain", action="store_true", help="without payload encryption")
    parser.add_argument(
        "--profile", action="store_true", help="sample the lifecycle worker with py-spy"
    )
    parser.add_argument(
        "--idle-bare", action="store_true", help="also weigh the bare workflow when idle"
    )
    parser.add_argument(
        "--only", type=_scenarios, default=SCENARIOS, help=f"some of {','.join(SCENARIOS)}"
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="turns lifecycle and baseline take (4)"
    )
    parser.add_argument(
        "--pairing-worker", type=Path, help="benchmark another checkout's worker.py instead"
    )
    parser.add_argument(
        "--compare-worker",
        type=Path,
        help="also run the lifecycle on another checkout's worker.py, in the same rounds",
    )
    args = parser.parse_args(argv)
    if min(args.pairings, args.clients, args.rounds) <= 0 or args.timers < 0:
        parser.error("--pairings, --clients and --rounds must be positive, --timers zero or more")
    options = Options(
        pairings=args.pairings,
        clients=args.clients,
        idle=args.idle,
        timers=args.timers,
        encrypted=not args.plain,
        profile=args.out.with_suffix(".pyspy.txt") if args.profile else None,
        idle_bare=args.idle_bare,
        only=args.only,
        logs=args.out.with_suffix(".logs"),
        rounds=args.rounds,
        pairing_worker=args.pairing_worker,
        compare_worker=args.compare_worker,
    )
    return options, args.out


async def _stoppable(work: Coroutine[Any, Any, T]) -> T:
    """Run `work`, cancelling it on SIGINT or SIGTERM so that its servers and workers stop.

    A background job ignores SIGINT, and SIGTERM would otherwise end the process at once,
    leaving the dev server, the workers and the run's database behind.
    """
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    return await task


def main(argv: list[str] | None = None) -> int:
    options, out = parse(sys.argv[1:] if argv is None else argv)
    console = Console()
    if options.profile is not None:
        options.profile.parent.mkdir(parents=True, exist_ok=True)
    figures = asyncio.run(_stoppable(run(options, console)))
    print_tables(figures, console)
    write_json(figures, out)
    console.print(f"figures written to {out}")
    failed = [name for name, part in figures.items() if isinstance(part, dict) and "error" in part]
    if failed:
        console.print(f"failed: {', '.join(failed)} (their logs are in {out.with_suffix('.logs')})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
