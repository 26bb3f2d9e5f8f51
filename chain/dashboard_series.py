"""The dashboard's charts as series in words: one title and (category, number) bars per chart.

The console draws them as SVG (console/dashboard_charts.py) and the recap's chart sheet as Excel charts
(reports/recap.py), so the page and the workbook show the same titles, categories and numbers. The numbers are
chain/dashboard.py's counts (the tallies); only the words are added here: status labels, region names, "Desil 1".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from chain.dashboard import desil_counts, region_counts, status_counts
from models.region_codes import RegionLevel, level_of
from policies.scope import Scope


@dataclass(frozen=True)
class ChartSeries:
    """One chart's title and (category, number) bars, in words: the page's SVG and the recap's chart sheet."""

    title: str
    bars: list[tuple[str, int]]


CHART_KINDS = ("status", "region", "desil")


def chart_series(session: Session, scope: Scope, kinds: tuple[str, ...] = CHART_KINDS) -> dict[str, ChartSeries]:
    """The dashboard's charts of `kinds` (`status`, `region`, `desil`; all three by default), in that order."""
    drawn: dict[str, ChartSeries] = {}
    for kind in kinds:
        if kind == "status":
            drawn[kind] = ChartSeries("Usulan per status", [(s.label, n) for s, n in status_counts(session, scope)])
        elif kind == "region":
            _label, regions = region_counts(session, scope)
            title = f"Usulan per {LEVEL_WORDS[_child_level(scope)]}"
            drawn[kind] = ChartSeries(title, [(name, count) for _code, name, count in regions])
        elif kind == "desil":
            drawn[kind] = ChartSeries("Keluarga terdaftar per desil", desil_bars(desil_counts(session, scope)))
    return drawn


def desil_bars(counts: list[tuple[int | None, int]]) -> list[tuple[str, int]]:
    return [(f"Desil {desil}" if desil is not None else "Belum ada desil", count) for desil, count in counts]


LEVEL_WORDS = {
    RegionLevel.PROVINCE: "provinsi",
    RegionLevel.REGENCY: "kabupaten/kota",
    RegionLevel.KECAMATAN: "kecamatan",
    RegionLevel.VILLAGE: "desa/kelurahan",
}


def _child_level(scope: Scope) -> RegionLevel:
    if scope.code is None:
        return RegionLevel.PROVINCE
    level = level_of(scope.code)
    return level if level == RegionLevel.VILLAGE else RegionLevel(level + 1)
