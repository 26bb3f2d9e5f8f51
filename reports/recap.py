"""Rekap: households per region x DTKS status x desil, with a chart sheet (xlsxwriter charts, no formulas).

Counted in SQL (one GROUP BY over the indexed region column); the handful of result rows are pivoted here.
Regions are kecamatan for a regency or wider scope, villages for a kecamatan or village scope. Totals are
computed in Python and written as numbers; the charts' series point at those cells (chart ranges, not
cell formulas).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.household import DtksStatus, Household
from models.region_codes import RegionLevel, level_of, region_name
from policies.scope import Scope
from reports.xlsx import Column, ExportFile, Kind, SafeWorkbook, safe_file_name

DESILS = tuple(range(1, 11))
KECAMATAN_CODE_LENGTH = 8  # "35.15.01"
VILLAGE_CODE_LENGTH = 13


def recap_level(scope: Scope) -> RegionLevel:
    """Kecamatan rows for a regency or wider scope; village rows below it."""
    if scope.code is None or level_of(scope.code) <= RegionLevel.REGENCY:
        return RegionLevel.KECAMATAN
    return RegionLevel.VILLAGE


def recap_columns() -> list[Column]:
    return [
        Column("KODE WILAYAH", Kind.DIGITS, 16),
        Column("NAMA WILAYAH", Kind.TEXT, 24),
        *(Column(status.label.upper(), Kind.NUMBER, 14) for status in DtksStatus),
        Column("JUMLAH KELUARGA", Kind.NUMBER, 12),
        *(Column(f"DESIL {desil}", Kind.NUMBER, 9) for desil in DESILS),
        Column("TANPA DESIL", Kind.NUMBER, 10),
    ]


def count_by_region(session: Session, scope: Scope) -> dict[str, dict[tuple[str, int | None], int]]:
    """{region code: {(status, desil): households}} within the scope, at the recap's level."""
    length = KECAMATAN_CODE_LENGTH if recap_level(scope) == RegionLevel.KECAMATAN else VILLAGE_CODE_LENGTH
    region = func.substr(Household.region_code, 1, length)
    stmt = (
        select(region, Household.dtks_status, Household.desil, func.count())
        .where(scope.condition(Household.region_code))
        .group_by(region, Household.dtks_status, Household.desil)
    )
    counts: dict[str, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for code, status, desil, households in session.execute(stmt):
        counts[code][(DtksStatus(status).value, desil)] = households
    return counts


def recap_rows(counts: dict[str, dict[tuple[str, int | None], int]]) -> list[list[object]]:
    rows = []
    for code in sorted(counts):
        cells = counts[code]
        by_status = [sum(n for (s, _), n in cells.items() if s == status.value) for status in DtksStatus]
        by_desil = [sum(n for (_, d), n in cells.items() if d == desil) for desil in DESILS]
        no_desil = sum(n for (_, d), n in cells.items() if d is None)
        rows.append([code, region_name(code) or "", *by_status, sum(by_status), *by_desil, no_desil])
    return rows


def build_recap(session: Session, scope: Scope, *, today: date | None = None) -> ExportFile:
    """The recap workbook: a data sheet (one row per region and a total row) and a chart sheet."""
    today = today or date.today()
    rows = recap_rows(count_by_region(session, scope))
    totals = [sum(row[position] for row in rows) for position in range(2, len(recap_columns()))]  # type: ignore[misc]
    where = scope.code or ""
    filename = f"Rekap_DTKS_{safe_file_name(where, 'nasional')}_{today:%d-%m-%Y}.xlsx"
    workbook = SafeWorkbook(filename)
    try:
        table = workbook.table("Rekap", recap_columns())
        table.line("REKAPITULASI KELUARGA PER WILAYAH, STATUS DTKS DAN DESIL", style="title")
        table.line(f"WILAYAH: {where or 'Nasional'} {(region_name(where) or '') if where else ''}".strip())
        table.line(f"PER TANGGAL: {today:%d-%m-%Y}")
        table.line()
        table.header()
        first_data = table.next_row
        table.rows(rows)
        total_row = table.next_row
        table.rows([["", "JUMLAH", *totals]])
        table.data_rows = len(rows)  # the total row stays outside the filter range
        table.finish()
        _chart_sheet(workbook, first_data, total_row)
    except BaseException:
        workbook.abandon()
        raise
    return workbook.close(len(rows))


def _chart_sheet(workbook: SafeWorkbook, first_data: int, total_row: int) -> None:
    """Column chart of the desil distribution and bar chart of households per status (from the total row)."""
    sheet = workbook.book.add_worksheet("Grafik")
    header_row = first_data - 1
    statuses = len(DtksStatus)
    desil_first = 2 + statuses + 1
    desil_chart = workbook.book.add_chart({"type": "column"})
    desil_chart.add_series(
        {
            "name": "Keluarga per desil",
            "categories": ["Rekap", header_row, desil_first, header_row, desil_first + len(DESILS) - 1],
            "values": ["Rekap", total_row, desil_first, total_row, desil_first + len(DESILS) - 1],
        }
    )
    desil_chart.set_title({"name": "Sebaran keluarga per desil"})
    desil_chart.set_legend({"none": True})
    status_chart = workbook.book.add_chart({"type": "bar"})
    status_chart.add_series(
        {
            "name": "Keluarga per status DTKS",
            "categories": ["Rekap", header_row, 2, header_row, 2 + statuses - 1],
            "values": ["Rekap", total_row, 2, total_row, 2 + statuses - 1],
        }
    )
    status_chart.set_title({"name": "Keluarga per status DTKS"})
    status_chart.set_legend({"none": True})
    sheet.insert_chart(1, 1, desil_chart, {"x_scale": 1.5, "y_scale": 1.2})
    sheet.insert_chart(22, 1, status_chart, {"x_scale": 1.5, "y_scale": 1.2})
    sheet.set_landscape()
    sheet.set_paper(workbook.paper)
    sheet.fit_to_pages(1, 0)
