"""Sampling the production worker with py-spy while the lifecycle runs, and reading the samples.

py-spy attaches to the worker process from outside (no code of ours changes), samples the
Python stack of the thread holding the GIL 100 times a second (Python's CPU time, whichever
thread spends it) and writes the samples as collapsed stacks. The summary
counts, per function, the share of samples it was running (self) and on the stack at all
(inclusive), and the share of samples inside each of our packages, the SDK and pydantic.
Profiling slows the worker, so a profiled run's figures are not the benchmark's.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

PY_SPY = Path(sys.executable).parent / "py-spy"
AREAS = {
    "domain": r"\(domain/",
    "workflows": r"\(workflows/",
    "activities": r"\(activities/",
    "adapters": r"\(adapters/",
    "iurc (codec, logs)": r"\(iurc/",
    "pydantic": r"\(pydantic",
    "payload conversion": r"\(temporalio/(converter|contrib/pydantic)",
    "payload visiting": r"\(temporalio/(bridge/_visitor|worker/_command_aware_visitor)",
    "sandbox": r"\(temporalio/worker/workflow_sandbox/",
    "asyncpg": r"\(asyncpg/",
    "structlog/logging": r"\(structlog/|\(logging/",
}
"""Where samples fall, by the frames on their stack (a sample can count for several)."""
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^:()]*)(?::\d+)?\)$")


def py_spy() -> Path | None:
    """py-spy beside the running Python, else on the PATH, else None (the dev extra has it)."""
    if PY_SPY.exists():
        return PY_SPY
    found = shutil.which("py-spy")
    return Path(found) if found else None


@contextlib.asynccontextmanager
async def sampling(pid: int, output: Path) -> AsyncIterator[None]:
    """Record `pid` while the block runs; the collapsed stacks land in `output`."""
    binary = py_spy()
    if binary is None:
        raise FileNotFoundError("py-spy is not installed: pip install -e '.[dev]'")
    process = await asyncio.create_subprocess_exec(
        str(binary),
        "record",
        "--pid",
        str(pid),
        "--rate",
        "100",
        "--format",
        "raw",
        "--gil",  # only the thread holding the GIL: Python's CPU, not threads waiting
        "--nonblocking",  # do not pause the worker to sample it
        "--output",
        str(output),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(1.0)  # attached before the load starts
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)


def _key(frame: str) -> str:
    """`function (file)` without the line number, with the path from the package on."""
    match = _FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['function']} ({path})"


def summarise(collapsed: Path, top: int = 25) -> dict[str, Any]:
    """Top functions by self and inclusive share, and each area's inclusive share."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[_key(frames[-1])] += count
        for key in {_key(frame) for frame in frames}:
            inclusive[key] += count
        for area, pattern in AREAS.items():
            if any(re.search(pattern, frame) for frame in frames):
                areas[area] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(key, round(100 * n / total, 1)) for key, n in counter.most_common(top)]

    return {
        "samples": total,
        "areas_pct": {area: round(100 * areas[area] / total, 1) for area in AREAS} if total else {},
        "top_self_pct": share(own) if total else [],
        "top_inclusive_pct": share(inclusive) if total else [],
    }
