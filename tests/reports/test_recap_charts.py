"""The Rekap DTKS chart sheet shows the dashboard's charts: same titles, categories and numbers for the same area."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from sqlalchemy.orm import Session

from chain.dashboard_series import chart_series
from models import ProposalStatus
from models.household import DtksStatus
from policies.scope import Scope
from reports.recap import NO_DATA, build_recap
from tests.factories import make_household, make_proposal

PROPOSALS = [
    ("52.72.01.1001", ProposalStatus.DRAFT, 2),
    ("52.72.01.1002", ProposalStatus.SUBMITTED, 1),
    ("52.72.02.1004", ProposalStatus.DETERMINED, 3),
    ("73.02.01.1001", ProposalStatus.DRAFT, 1),
]
REGISTERED = [("52.72.01.1001", 1, 2), ("52.72.01.1002", 4, 1), ("52.72.02.1004", 10, 1), ("73.02.01.1001", 2, 1)]


@pytest.fixture
def register(db_session: Session) -> None:
    for village, status, count in PROPOSALS:
        for _ in range(count):
            make_proposal(db_session, status, region_code=village)
    for village, desil, count in REGISTERED:
        for _ in range(count):
            make_household(db_session, region_code=village, dtks_status=DtksStatus.REGISTERED, desil=desil)
    make_household(db_session, region_code="52.72.01.1001", dtks_status=DtksStatus.REGISTERED)  # no desil yet
    db_session.commit()  # the tallies count committed work (models/tally.py)


def _values(book: openpyxl.Workbook, formula: str) -> list[object]:
    """The cells a chart range ('Grafik'!$N$4:$N$6) points at, top to bottom."""
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    low_column, low_row, high_column, high_row = range_boundaries(cells.replace("$", ""))
    assert low_column == high_column
    return [sheet.cell(row, low_column).value for row in range(low_row, high_row + 1)]


def _title(chart: object) -> str:
    rich = chart.title.tx.rich  # type: ignore[attr-defined]
    return "".join(run.t for paragraph in rich.p for run in paragraph.r or [])


def _charts(path: object) -> list[tuple[str, list[tuple[str, int]]]]:
    """(title, [(category, number)]) of each chart on the Grafik sheet, read back from the workbook."""
    book = openpyxl.load_workbook(path)
    shown = []
    for chart in book["Grafik"]._charts:
        (series,) = chart.series
        categories = _values(book, series.cat.strRef.f if series.cat.strRef else series.cat.numRef.f)
        numbers = _values(book, series.val.numRef.f)
        shown.append((_title(chart), [(str(c), int(n)) for c, n in zip(categories, numbers, strict=True)]))  # type: ignore[call-overload]
    return shown


def _page(session: Session, scope: Scope) -> list[tuple[str, list[tuple[str, int]]]]:
    """What the dashboard draws for `scope` (an empty chart: the sheet's one 'Belum ada data.' row of 0)."""
    return [(series.title, series.bars or [(NO_DATA, 0)]) for series in chart_series(session, scope).values()]


@pytest.mark.parametrize(
    ("scope", "region"),
    [
        (Scope("52.72.01.1001"), None),
        (Scope("52.72.01"), None),
        (Scope("52.72"), None),
        (Scope(None), None),
        (Scope("52.72"), "52.72.01"),  # the recap of one kecamatan, as that kecamatan's dashboard shows it
    ],
)
def test_the_chart_sheet_shows_the_dashboard_s_series_for_the_same_area(
    db_session: Session, register: None, scope: Scope, region: str | None
) -> None:
    export = build_recap(db_session, scope, region_code=region, today=date(2026, 5, 1))
    try:
        shown = _charts(export.path)
    finally:
        export.discard()

    page = _page(db_session, Scope(region) if region else scope)
    assert shown == page
    assert [title for title, _bars in shown][0] == "Usulan per status"
    assert shown[2][0] == "Keluarga terdaftar per desil"
    assert [label for label, _n in shown[2][1]][:2] == ["Desil 1", "Desil 2"]
    assert sum(n for _label, n in shown[0][1]) > 0


def test_words_not_codes_label_the_region_chart(db_session: Session, register: None) -> None:
    export = build_recap(db_session, Scope("52.72"), today=date(2026, 5, 1))
    try:
        (_status, (title, regions), _desil) = _charts(export.path)
    finally:
        export.discard()

    assert title == "Usulan per kecamatan"
    assert regions and all(not label[:1].isdigit() for label, _n in regions)
    assert sum(n for _label, n in regions) == sum(count for _village, _status, count in PROPOSALS[:3])


def test_a_period_recap_counts_the_desils_as_they_stood_and_says_the_proposals_are_current(
    db_session: Session, register: None
) -> None:
    export = build_recap(db_session, Scope("52.72"), period="2026-04", today=date(2026, 5, 1))
    try:
        titles = [title for title, _bars in _charts(export.path)]
    finally:
        export.discard()

    assert titles == [
        "Usulan per status (terkini)",
        "Usulan per kecamatan (terkini)",
        "Keluarga terdaftar per desil, periode 2026-04",
    ]
