"""Progress bars on stderr for the CLI's long tasks (loading regions, seeding the demo, the PMT run, an export).

A long task takes a `Report`, a plain callable it calls with the units of real work done so far and the units in
all (regions inserted, households written, households scored, rows exported), so chain/ and demo/ know nothing
of tqdm or of the terminal. `progress()` gives the CLI such a callable, drawn by tqdm on stderr.

A bar shows only when stderr is a terminal (tqdm's `disable=None`), so logs, pipes and tests stay clean;
DTKS_PROGRESS=1 forces it on (a test reading stderr, a log that wants the figures), DTKS_PROGRESS=0 off. Read
from the process's environment, not from `.env`: it describes the terminal, not the deployment.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from tqdm import tqdm  # type: ignore[import-untyped]  # tqdm ships no types, the dev set no types-tqdm

__all__ = ["FORCE_VARIABLE", "Report", "progress"]

FORCE_VARIABLE = "DTKS_PROGRESS"
ON, OFF = frozenset({"1", "true", "yes", "ya", "on"}), frozenset({"0", "false", "no", "tidak", "off"})

Report = Callable[[int, int], None]
"""`report(done, total)`: units of work done so far and units in all (the total may be learnt late)."""


def _disable() -> bool | None:
    """tqdm's `disable`: False when forced on, True when forced off, None (off unless stderr is a terminal)."""
    value = os.environ.get(FORCE_VARIABLE, "").strip().lower()
    if value in ON:
        return False
    if value in OFF:
        return True
    return None


@contextmanager
def progress(description: str, *, unit: str, stream: TextIO | None = None) -> Iterator[Report]:
    """A bar `description: 45%|████▌     | 1350/3000 keluarga` from the task's first report to the end of the block,
    then closed with its last figures left on screen (also on an error). A task that never reports (refused at
    once, or with nothing to do) draws no bar."""
    bars: list[Any] = []  # the bar, made at the first report

    def report(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(desc=description, unit=f" {unit}", file=stream or sys.stderr, disable=_disable()))
        bar = bars[0]
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield report
    finally:
        for bar in bars:
            bar.close()
