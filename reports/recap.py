"""Rekap: households per region x DTKS status x desil, with a chart sheet (the dashboard's charts as xlsxwriter
charts, no formulas) and a programme sheet (members, eligible families and members outside the band per region
and programme).

The current recap reads the tallies the database keeps (models/tally.py: the area's kecamatan or village rows,
not the register); a recap as of a period reads the per-period standing (one GROUP BY over the indexed region
column). The handful of result rows are pivoted here. Within the user's scope, optionally narrowed to one
region (`region_code`) and taken as of a determination period (`period`: each household's standing then,
models.determination.StandingAsOf, the rule the roster of a period follows; households with no determined
standing by then are not counted). Regions are kecamatan for a regency or wider area, villages for a kecamatan
or village. Totals are computed in Python and written as numbers; the chart sheet writes the dashboard's series
(chain/dashboard_series.py) as numbers and its charts point at those cells (chart ranges, not formulas).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from chain.dashboard_series import ChartSeries, chart_series, desil_bars
from models.determination import HouseholdPeriod, StandingAsOf
from models.household import DtksStatus, Household
from models.periods import period_of
from models.region import within_region
from models.region_codes import RegionLevel, region_name
from models.tally import NO_DESIL, HouseholdTally, tally_rows
from policies.scope import Scope
from reports.programme_counts import KECAMATAN_CODE_LENGTH, VILLAGE_CODE_LENGTH, eligible_counts, recap_level
from reports.xlsx import Column, ExportFile, Kind, SafeWorkbook, safe_file_name

DESILS = tuple(range(1, 11))


def recap_columns() -> list[Column]:
    return [
        Column("KODE WILAYAH", Kind.DIGITS, 16),
        Column("NAMA WILAYAH", Kind.TEXT, 24),
        *(Column(status.label.upper(), Kind.NUMBER, 14) for status in DtksStatus),
        Column("JUMLAH KELUARGA", Kind.NUMBER, 12),
        *(Column(f"DESIL {desil}", Kind.NUMBER, 9) for desil in DESILS),
        Column("TANPA DESIL", Kind.NUMBER, 10),
    ]


def count_by_region(
    session: Session, scope: Scope, region_code: str | None = None, period: str | None = None
) -> dict[str, dict[tuple[str, int | None], int]]:
    """{region code: {(status, desil): households}} within the scope (and region), now or as of `period`."""
    where = region_code or scope.code
    if not period:
        return _tallied(session, scope, recap_level(where), region_code)
    length = KECAMATAN_CODE_LENGTH if recap_level(where) == RegionLevel.KECAMATAN else VILLAGE_CODE_LENGTH
    region = func.substr(Household.region_code, 1, length)
    area: ColumnElement[bool] = scope.condition(Household.region_code)
    if region_code:
        area = and_(area, within_region(Household.region_code, region_code))
    stmt = _standing_counts(region, area, scope, period)
    counts: dict[str, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for code, status, desil, households in session.execute(stmt):
        counts[code][(DtksStatus(status).value, desil)] = households
    return counts


def _tallied(
    session: Session, scope: Scope, level: RegionLevel, region_code: str | None
) -> dict[str, dict[tuple[str, int | None], int]]:
    area: ColumnElement[bool] = scope.condition(HouseholdTally.region_code)
    if region_code:
        area = and_(area, within_region(HouseholdTally.region_code, region_code))
    stmt = tally_rows(
        HouseholdTally, level, area, HouseholdTally.region_code, HouseholdTally.dtks_status, HouseholdTally.desil
    )
    counts: dict[str, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for code, status, desil, households in session.execute(stmt):
        if households:
            counts[code][(DtksStatus(status).value, None if desil == NO_DESIL else desil)] = households
    return counts


def _standing_counts(
    region: ColumnElement[str], area: ColumnElement[bool], scope: Scope, period: str
) -> Select[*tuple[Any, ...]]:
    standing = StandingAsOf.of(period, scope.condition(HouseholdPeriod.region_code))
    status, desil = standing.status.label("status"), standing.desil.label("desil")
    counted = (
        select(region.label("region"), status, desil)
        .select_from(Household)
        .outerjoin(standing.latest, standing.joined_on(Household.id))
        .where(area, standing.status.is_not(None))
        .subquery("standing_then")
    )
    return select(counted.c.region, counted.c.status, counted.c.desil, func.count()).group_by(
        counted.c.region, counted.c.status, counted.c.desil
    )


def recap_rows(counts: dict[str, dict[tuple[str, int | None], int]]) -> list[list[object]]:
    rows = []
    for code in sorted(counts):
        cells = counts[code]
        by_status = [sum(n for (s, _), n in cells.items() if s == status.value) for status in DtksStatus]
        by_desil = [sum(n for (_, d), n in cells.items() if d == desil) for desil in DESILS]
        no_desil = sum(n for (_, d), n in cells.items() if d is None)
        rows.append([code, region_name(code) or "", *by_status, sum(by_status), *by_desil, no_desil])
    return rows


def build_recap(
    session: Session,
    scope: Scope,
    *,
    region_code: str | None = None,
    period: str | None = None,
    today: date | None = None,
    sheet_rows: int | None = None,
) -> ExportFile:
    """The recap workbook: a data sheet (one row per region and a total row) and a chart sheet."""
    today = today or date.today()
    rows = recap_rows(count_by_region(session, scope, region_code, period))
    totals = [sum(row[position] for row in rows) for position in range(2, len(recap_columns()))]  # type: ignore[misc]
    where = region_code or scope.code or ""
    title = [
        "REKAPITULASI KELUARGA PER WILAYAH, STATUS DTKS DAN DESIL",
        f"WILAYAH: {where or 'Nasional'} {(region_name(where) or '') if where else ''}".strip(),
        f"PERIODE: {period}" if period else "PERIODE: terkini",
        f"PER TANGGAL: {today:%d-%m-%Y}",
    ]
    filename = f"Rekap_DTKS_{safe_file_name(where, 'nasional')}_{_period_part(period, today)}.xlsx"
    workbook = SafeWorkbook(filename, sheet_rows=sheet_rows)
    try:
        table = workbook.table("Rekap", recap_columns(), title=title, totals=1)
        table.rows(rows)
        table.totals(["", "JUMLAH", *totals])  # under the last sheet's rows, outside the filter
        table.finish()
        _chart_sheet(workbook, session, scope, region_code, period)
        _programme_sheet(workbook, session, scope, region_code, period or period_of(today), title[1])
    except BaseException:
        workbook.abandon()
        raise
    return workbook.close(table.data_rows, len(table.sheets))


def programme_columns() -> list[Column]:
    return [
        Column("KODE WILAYAH", Kind.DIGITS, 16),
        Column("NAMA WILAYAH", Kind.TEXT, 24),
        Column("PROGRAM", Kind.TEXT, 12),
        Column("PENERIMA", Kind.NUMBER, 12),
        Column("LAYAK (DESIL DALAM BATAS)", Kind.NUMBER, 16),
        Column("PENERIMA DI LUAR BATAS", Kind.NUMBER, 16),
    ]


def _programme_sheet(
    workbook: SafeWorkbook, session: Session, scope: Scope, region_code: str | None, period: str, where: str
) -> None:
    """Per region and programme: the members of the period (not ended), the families eligible by the programme's
    band as of the period, and the members outside it (reports/programme_counts.py, as Tinjauan Program shows)."""
    counts = eligible_counts(session, scope, period, region_code)
    title = ["REKAPITULASI PROGRAM PER WILAYAH (BATAS DESIL)", where, f"PERIODE PROGRAM: {period}"]
    table = workbook.table("Program", programme_columns(), title=title, totals=1)
    table.rows(
        [c.region_code, region_name(c.region_code) or "", c.programme, c.members, c.eligible, c.outside] for c in counts
    )
    table.totals(
        ["", "JUMLAH", "", *(sum(getattr(c, name) for c in counts) for name in ("members", "eligible", "outside"))]
    )
    table.finish()


def _period_part(period: str | None, today: date) -> str:
    return f"periode-{period}" if period else f"{today:%d-%m-%Y}"


def _chart_sheet(
    workbook: SafeWorkbook, session: Session, scope: Scope, region_code: str | None, period: str | None
) -> None:
    """The dashboard's three charts (chain/dashboard_series.py: same titles, categories and numbers as the
    page for the same area), each beside the table of its numbers, which its series points at.

    A recap as of a period counts the registered families per desil as they stood then (the Rekap sheet's rule);
    proposals have no period, so their two charts are the current ones, and say so.
    """
    area = Scope(region_code, valid=scope.holds(region_code)) if region_code else scope
    charts = list(chart_series(session, area).values())
    if period:
        counts = count_by_region(session, scope, region_code, period)
        registered = [
            sum(cells.get((DtksStatus.REGISTERED.value, desil), 0) for cells in counts.values()) for desil in DESILS
        ]
        undetermined = sum(cells.get((DtksStatus.REGISTERED.value, None), 0) for cells in counts.values())
        desils = desil_bars([*zip(DESILS, registered, strict=True), *([(None, undetermined)] if undetermined else [])])
        charts = [
            ChartSeries(f"{charts[0].title} (terkini)", charts[0].bars),
            ChartSeries(f"{charts[1].title} (terkini)", charts[1].bars),
            ChartSeries(f"{charts[2].title}, periode {period}", desils),
        ]
    sheet = workbook.add_sheet("Grafik")
    sheet.set_column(CHART_DATA_COLUMN, CHART_DATA_COLUMN, 30)
    sheet.set_column(CHART_DATA_COLUMN + 1, CHART_DATA_COLUMN + 1, 12)
    row = 1
    for series in charts:
        row = _chart_with_its_numbers(workbook, sheet, series, row)
    sheet.set_landscape()
    sheet.set_paper(workbook.paper)
    sheet.fit_to_pages(1, 0)


NO_DATA = "Belum ada data."  # an empty chart's one category, as the page's chart says it
CHART_DATA_COLUMN = 13  # column N: each chart's numbers, right of the chart (B to M at 720 px)
CHART_WIDTH_PX, CHART_ROW_PX, ROW_PX = 720, 24, 20


def _chart_with_its_numbers(workbook: SafeWorkbook, sheet: Any, series: ChartSeries, row: int) -> int:
    """A bar chart of `series` at `row` (first category on top, each bar labelled with its number) and its numbers
    in columns N:O from the same row; the row under both."""
    bold = workbook.book.add_format({"bold": True})
    sheet.write_string(row, CHART_DATA_COLUMN, series.title, bold)
    sheet.write_string(row + 1, CHART_DATA_COLUMN, "KATEGORI", bold)
    sheet.write_string(row + 1, CHART_DATA_COLUMN + 1, "JUMLAH", bold)
    bars = series.bars or [(NO_DATA, 0)]
    for index, (label, count) in enumerate(bars):
        sheet.write_string(row + 2 + index, CHART_DATA_COLUMN, label)
        sheet.write_number(row + 2 + index, CHART_DATA_COLUMN + 1, count)
    first, last = row + 2, row + 1 + len(bars)
    chart = workbook.book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": series.title,
            "categories": [sheet.name, first, CHART_DATA_COLUMN, last, CHART_DATA_COLUMN],
            "values": [sheet.name, first, CHART_DATA_COLUMN + 1, last, CHART_DATA_COLUMN + 1],
            "data_labels": {"value": True, "num_format": "#,##0"},
            "fill": {"color": "#206bc4"},
        }
    )
    chart.set_title({"name": series.title, "name_font": {"size": 14}})
    chart.set_legend({"none": True})
    # In an xlsxwriter bar chart y is the category axis: reversed, the first category is on top, as on the page.
    chart.set_y_axis({"reverse": True, "num_font": {"size": 11}})
    chart.set_x_axis({"num_format": "#,##0", "num_font": {"size": 10}})
    height = max(288, 90 + CHART_ROW_PX * len(bars))
    chart.set_size({"width": CHART_WIDTH_PX, "height": height})
    sheet.insert_chart(row, 1, chart)
    return row + max(-(-height // ROW_PX), len(bars) + 2) + 2
