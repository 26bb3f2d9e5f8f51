"""The demo households: families spread over every village of the regency."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demo.run import DemoRun

FLUSH_EVERY = 500  # households per flush


def create_households(run: DemoRun, total: int, progress: Callable[[int, int], None] | None = None) -> None:
    """`total` households over every village, as even as division allows, flushed in chunks; `progress(done,
    total)` is told each household made (the CLI's bar: console/progress.py)."""
    villages = run.geography.villages
    base, extra = divmod(total, len(villages))
    bonus = set(run.rng.sample(range(len(villages)), extra))
    for index, village in enumerate(villages):
        for _ in range(base + (index in bonus)):
            run.homes.append(run.people.household(village))
            run.session.add(run.homes[-1])
            if len(run.homes) % FLUSH_EVERY == 0:
                run.session.flush()
            if progress is not None:
                progress(len(run.homes), total)
    run.session.flush()
