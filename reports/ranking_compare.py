"""The ranking of one period against another (DTSEN): who entered, who left, whose desil moved, per region.

A family counts in a period when BPS ranked it then (a `RankingResult` with a desil). Between period A (earlier)
and period B: it *entered* when ranked in B and not in A, *left* when ranked in A and not in B (absent from B's
file, or refused by the Dukcapil matching), *moved* when ranked in both with another desil (down: a lower desil,
poorer; up: a higher one). Counted per kecamatan for a regency or wider area, per village below it (the recap's
levels, reports/recap.py), within the reader's scope, in one GROUP BY over the two periods' rows. The list of
families (entered, left, moved) comes from the same statement, newest change first by region; the export writes
both as an Excel workbook through the one table writer (reports/xlsx.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func, select
from sqlalchemy.orm import Session

from models.base import regency_join
from models.household import Household
from models.identity import mask_identity_number
from models.ranking import RankingResult, RankingStatus
from models.region_codes import RegionLevel, region_name
from policies.scope import Scope
from reports.programme_counts import KECAMATAN_CODE_LENGTH, VILLAGE_CODE_LENGTH, recap_level
from reports.xlsx import Column, ExportFile, Kind, SafeWorkbook

ENTERED, LEFT, DOWN, UP = "masuk", "keluar", "desil turun", "desil naik"
CHANGE_LABELS = {ENTERED: "Masuk", LEFT: "Keluar", DOWN: "Desil turun", UP: "Desil naik"}
LISTED = 200  # families the page lists; the export writes every one


@dataclass
class RegionChanges:
    """One region's counts between the two periods."""

    code: str
    ranked_before: int = 0
    ranked_after: int = 0
    entered: int = 0
    left: int = 0
    down: int = 0
    up: int = 0

    @property
    def name(self) -> str:
        return region_name(self.code) or ""

    @property
    def moved(self) -> int:
        return self.down + self.up


@dataclass(frozen=True)
class FamilyChange:
    """One family that entered, left or moved."""

    household_id: int
    region_code: str
    no_kk: str
    head_name: str
    desil_before: int | None
    desil_after: int | None
    change: str


@dataclass
class Comparison:
    """Period `before` against period `after` within a scope: per-region counts and their total."""

    before: str
    after: str
    regions: list[RegionChanges] = field(default_factory=list)

    @property
    def total(self) -> RegionChanges:
        total = RegionChanges("")
        for region in self.regions:
            for name in ("ranked_before", "ranked_after", "entered", "left", "down", "up"):
                setattr(total, name, getattr(total, name) + getattr(region, name))
        return total


def _pairs(scope: Scope, before: str, after: str) -> Subquery:
    """Each family ranked in either period: its region and its desil in each (NULL: not ranked then)."""
    ranked = RankingResult.status == RankingStatus.RANKED

    def desil_in(period: str) -> ColumnElement[Any]:
        return func.max(case((RankingResult.period == period, RankingResult.desil)))

    return (
        select(
            RankingResult.household_id,
            RankingResult.regency_code,
            RankingResult.region_code,
            desil_in(before).label("before"),
            desil_in(after).label("after"),
        )
        .where(ranked, RankingResult.period.in_((before, after)), scope.condition(RankingResult.region_code))
        .group_by(RankingResult.household_id, RankingResult.regency_code, RankingResult.region_code)
        .subquery("pairs")
    )


def _change(pairs: Subquery) -> ColumnElement[Any]:
    before, after = pairs.c.before, pairs.c.after
    return case(
        (before.is_(None), ENTERED),
        (after.is_(None), LEFT),
        (after < before, DOWN),
        (after > before, UP),
        else_=None,
    )


def compare(session: Session, scope: Scope, before: str, after: str) -> Comparison:
    """The per-region counts of `before` against `after` within `scope`."""
    pairs = _pairs(scope, before, after)
    length = KECAMATAN_CODE_LENGTH if recap_level(scope.code) == RegionLevel.KECAMATAN else VILLAGE_CODE_LENGTH
    region = func.substr(pairs.c.region_code, 1, length).label("region")
    change = _change(pairs)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    stmt = select(
        region,
        count(pairs.c.before.is_not(None)),
        count(pairs.c.after.is_not(None)),
        count(change == ENTERED),
        count(change == LEFT),
        count(change == DOWN),
        count(change == UP),
    ).group_by(region)
    comparison = Comparison(before, after)
    for code, *numbers in session.execute(stmt.order_by(region)):
        comparison.regions.append(RegionChanges(code, *(int(number or 0) for number in numbers)))
    return comparison


def family_changes(
    session: Session, scope: Scope, before: str, after: str, limit: int | None = None
) -> Iterator[FamilyChange]:
    """The families that entered, left or moved, by region then No. KK (at most `limit`)."""
    pairs = _pairs(scope, before, after)
    change = _change(pairs).label("change")
    stmt = (
        select(
            pairs.c.household_id,
            pairs.c.region_code,
            Household.no_kk,
            Household.head_name,
            pairs.c.before,
            pairs.c.after,
            change,
        )  # fmt: skip
        .join(Household, regency_join(Household, pairs.c.household_id))
        .where(change.is_not(None))
        .order_by(pairs.c.region_code, Household.no_kk)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    for row in session.execute(stmt):
        yield FamilyChange(*row)


COUNT_COLUMNS = [
    Column("KODE WILAYAH", Kind.DIGITS, 16),
    Column("NAMA WILAYAH", Kind.TEXT, 24),
    Column("DIPERINGKAT (AWAL)", Kind.NUMBER, 14),
    Column("DIPERINGKAT (AKHIR)", Kind.NUMBER, 14),
    Column("MASUK", Kind.NUMBER, 10),
    Column("KELUAR", Kind.NUMBER, 10),
    Column("DESIL TURUN", Kind.NUMBER, 12),
    Column("DESIL NAIK", Kind.NUMBER, 12),
]
FAMILY_COLUMNS = [
    Column("KODE WILAYAH", Kind.DIGITS, 16),
    Column("NO KK", Kind.DIGITS, 19),
    Column("NAMA KEPALA KELUARGA", Kind.TEXT, 26),
    Column("DESIL AWAL", Kind.NUMBER, 10),
    Column("DESIL AKHIR", Kind.NUMBER, 10),
    Column("PERUBAHAN", Kind.TEXT, 14),
]


def comparison_export(
    session: Session, scope: Scope, before: str, after: str, *, full_identity: bool = False
) -> ExportFile:
    """The comparison as a workbook: the per-region counts, then the families that changed (No. KK masked unless
    the reader sees identity numbers in full)."""
    shown = (lambda number: number) if full_identity else mask_identity_number
    comparison = compare(session, scope, before, after)
    total = comparison.total
    title = [
        f"PERBANDINGAN HASIL PEMERINGKATAN {before} DAN {after}",
        f"Wilayah: {scope.code or 'nasional'}",
        f"Diperingkat {before}: {total.ranked_before}; {after}: {total.ranked_after}; masuk {total.entered}, "
        f"keluar {total.left}, desil turun {total.down}, desil naik {total.up}.",
    ]
    rows = (
        [change.region_code, shown(change.no_kk), change.head_name, change.desil_before, change.desil_after,
         CHANGE_LABELS[change.change]]
        for change in family_changes(session, scope, before, after)
    )  # fmt: skip
    workbook = SafeWorkbook(f"Perbandingan_Pemeringkatan_{before}_{after}.xlsx")
    try:
        counts = workbook.table("Per wilayah", COUNT_COLUMNS, title=title, totals=1)
        counts.rows(region_rows(comparison))
        counts.totals(["", "JUMLAH", total.ranked_before, total.ranked_after, total.entered, total.left,
                           total.down, total.up])  # fmt: skip
        counts.finish()
        families = workbook.table("Perubahan", FAMILY_COLUMNS, title=title[:2])
        families.rows(rows)
        families.finish()
    except BaseException:
        workbook.abandon()
        raise
    return workbook.close(counts.data_rows + families.data_rows, len(counts.sheets) + len(families.sheets))


def region_rows(comparison: Comparison) -> list[list[Any]]:
    """The per-region counts as table rows (the page shows them; the export's title sums them)."""
    return [
        [r.code, r.name, r.ranked_before, r.ranked_after, r.entered, r.left, r.down, r.up] for r in comparison.regions
    ]
