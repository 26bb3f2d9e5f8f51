"""The dashboard's per-region table: per tier its numbers equal a direct SQL count, and each links to the list
that shows exactly that many rows."""

from __future__ import annotations

import html as markup
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import ProposalStatus, Role
from models.household import DtksStatus
from models.region_codes import CODE_LENGTH, RegionLevel, level_of
from tests.console_client import log_in_as_new_user
from tests.factories import make_household, make_proposal

# (village, status, proposals) across two kecamatan of Kota Bima, another regency and another province.
PROPOSALS = [
    ("52.72.01.1001", ProposalStatus.DRAFT, 2),
    ("52.72.01.1001", ProposalStatus.SUBMITTED, 1),
    ("52.72.01.1002", ProposalStatus.AGREED, 1),
    ("52.72.02.1004", ProposalStatus.DETERMINED, 2),
    ("52.71.01.1004", ProposalStatus.DRAFT, 1),
    ("73.02.01.1001", ProposalStatus.SUBMITTED, 1),
]
REGISTERED = [("52.72.01.1001", 2), ("52.72.01.1002", 1), ("52.72.02.1004", 1), ("73.02.01.1001", 1)]
LIST_TOTAL = re.compile(r"dari (\d+) data")
CELL = re.compile(
    r'<td class="text-end" data-region="([^"]*)" data-status="([^"]+)"><a href="([^"]+)" data-value="(\d+)"'
)


@pytest.fixture
def register(db_session: Session) -> None:
    for village, status, count in PROPOSALS:
        for _ in range(count):
            make_proposal(db_session, status, region_code=village)
    for village, count in REGISTERED:
        for _ in range(count):
            make_household(db_session, region_code=village, dtks_status=DtksStatus.REGISTERED, desil=1)
    db_session.commit()  # the tallies count committed work (models/tally.py)


def _region_table(page: str) -> dict[str, dict[str, tuple[int, str]]]:
    """{region code ('' for the scope's total): {status value, 'jumlah' or 'terdaftar': (number, link)}}."""
    body = page.split('id="region-table"', 1)[1].split("</table>", 1)[0]
    rows: dict[str, dict[str, tuple[int, str]]] = {}
    for code, column, link, value in CELL.findall(body):
        rows.setdefault(code, {})[column] = (int(value), markup.unescape(link))
    return rows


def _direct_counts(session: Session, scope: str | None) -> dict[str, dict[str, int]]:
    """Per child region of `scope`: proposals per status and in all, registered households; by plain SQL."""
    level = RegionLevel.PROVINCE if scope is None else min(level_of(scope) + 1, RegionLevel.VILLAGE)
    length = CODE_LENGTH[RegionLevel(level)]
    within = "" if scope is None else f" AND region_code LIKE '{scope}%'"
    counts: dict[str, dict[str, int]] = {}
    statement = (
        f"SELECT substr(region_code, 1, {length}), status, count(*) FROM proposal WHERE 1=1{within} GROUP BY 1, 2"
    )
    for code, status, count in session.execute(text(statement)):
        counts.setdefault(code, {})[status] = count
        counts[code]["jumlah"] = counts[code].get("jumlah", 0) + count
    households = (
        f"SELECT substr(region_code, 1, {length}), count(*) FROM household"
        f" WHERE dtks_status = 'terdaftar'{within} GROUP BY 1"
    )
    for code, count in session.execute(text(households)):
        counts.setdefault(code, {})["terdaftar"] = count
    whole: dict[str, int] = {}  # the Jumlah column: the scope's own total of each
    for cells in counts.values():
        for column, count in cells.items():
            whole[column] = whole.get(column, 0) + count
    return {**counts, "": whole} if counts else {}


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.OPERATOR_DESA, "52.72.01.1001"),
        (Role.TKSK, "52.72.01"),
        (Role.OPERATOR_DINSOS, "52.72"),
        (Role.OPERATOR_PROVINSI, "52"),
        (Role.PUSDATIN, None),
    ],
)
def test_each_tier_s_region_table_equals_a_direct_sql_count_and_its_links_list_as_many_rows(
    client: TestClient, db_session: Session, register: None, role: Role, scope: str | None
) -> None:
    log_in_as_new_user(client, db_session, role, scope)
    shown = _region_table(client.get("/admin/dashboard").text)
    expected = _direct_counts(db_session, scope)

    nonzero = {
        code: {column: number for column, (number, _link) in cells.items() if number} for code, cells in shown.items()
    }
    assert {code: cells for code, cells in nonzero.items() if cells} == expected and expected
    for cells in shown.values():
        for number, link in cells.values():
            listed = LIST_TOTAL.search(client.get(link).text)
            assert (int(listed.group(1)) if listed else 0) == number, link


def test_the_charts_draw_the_table_s_totals_with_region_names_and_status_labels(
    client: TestClient, db_session: Session, register: None
) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    shown = _region_table(client.get("/admin/dashboard").text)
    chart = client.get("/admin/dashboard/chart/region.svg").text

    assert "Usulan per kecamatan" in chart
    assert "52.72.01" not in chart  # names, not codes
    totals = re.findall(r'font-weight="600"[^>]*>([\d.]+)</text>', chart)
    per_region = [cells["jumlah"][0] for code, cells in shown.items() if code]
    assert [int(total.replace(".", "")) for total in totals] == per_region
    status_chart = client.get("/admin/dashboard/chart/status.svg").text
    status_totals = re.findall(r'font-weight="600"[^>]*>([\d.]+)</text>', status_chart)
    whole = {column: number for column, (number, _link) in shown[""].items() if column not in ("jumlah", "terdaftar")}
    assert [int(total.replace(".", "")) for total in status_totals] == list(whole.values())  # the Jumlah column
