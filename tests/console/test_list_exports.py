"""Every list's Export (.xlsx) for every role, generated over the views the application registers.

The views are read from the running app (console/views/__init__.py ALL_VIEWS and anything added with
`admin.add_view`), so a new list is covered without editing this file. For each role: log in, open each list
page; the Export button shows exactly where casbin allows (`bnba, export` plus `list` on the view); where it
shows, download it and open it with openpyxl: its header is the list's columns, its rows are as many as the
list counts for that user's scope ("dari N data"), over every sheet, and the audit records that count. The
list page's one-click downloads (roster, recap, registers) are taken and opened too.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from sqladmin import ModelView
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import AuditAction, AuditEntry, Role
from policies.rules import Decisions, read_seed
from tests.conftest import log_in
from tests.console.form_posts import TENS
from tests.console.test_access_matrix import SCOPE_OF_ROLE, TARGETS, _seed_targets
from tests.console_client import ConsoleClient
from tests.factories import make_pmt_model, make_user
from tests.reports.export_checks import assert_safe, registered

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECISIONS = Decisions(read_seed())
_TOTAL = re.compile(r"dari (\d+) data")
_EXPORT_LINK = re.compile(r'<a id="list-export-link" class="btn btn-secondary"\s+href="([^"]+)"')
_DOWNLOAD_LINK = re.compile(r'<a class="btn btn-secondary export-download" href="([^"]+)">([^<]+)</a>')
LIST_HEADER_ROW = 3  # the list's title, a blank line, the header


class _HeaderCells(HTMLParser):
    """The text of each <th> of the list table's <thead>."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in_head = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "thead":
            self._in_head = True
        elif tag == "th" and self._in_head:
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag == "th":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def list_columns(page: str) -> list[str]:
    parser = _HeaderCells()
    parser.feed(page)
    return [" ".join(cell.split()) for cell in parser.cells[2:]]  # after the select-all and actions columns


@dataclass
class Tally:
    downloaded: list[str] = field(default_factory=list)
    rows: int = 0
    problems: list[str] = field(default_factory=list)


def _seed(session: Session) -> None:
    """A row of every list in five regions (the access matrix's targets), DTKS households, a PMT model."""
    _seed_targets(session)
    for village in TARGETS.values():
        registered(session, region_code=village)
    weights = (("floor_material", "tanah", -0.14),)
    make_pmt_model(session, name="Model uji", weights=weights, intercept=0.0, desil_cutoffs=TENS)
    session.commit()


def _workbook_rows(body: bytes) -> tuple[list[Any], int, int]:
    """The header of the first sheet, the data rows of all sheets, and how many sheets."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    header = [cell.value for cell in book.worksheets[0][LIST_HEADER_ROW]]
    rows = 0
    for sheet in book.worksheets:
        assert [cell.value for cell in sheet[LIST_HEADER_ROW]] == header, f"sheet {sheet.title} lacks the header"
        assert_safe(sheet)
        rows += sum(
            1
            for row in sheet.iter_rows(min_row=LIST_HEADER_ROW + 1, values_only=True)
            if any(v is not None for v in row)
        )
    return header, rows, len(book.worksheets)


def _last_export_audit(session: Session) -> AuditEntry | None:
    session.expire_all()
    stmt = select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT).order_by(AuditEntry.id.desc())
    return session.scalars(stmt.limit(1)).first()


def _check_list_export(
    client: ConsoleClient, session: Session, role: Role, view: ModelView, tally: Tally
) -> list[tuple[str, str]]:
    """The list page of `view` and its Export; returns the page's one-click downloads (url, label)."""
    page = client.get(f"/admin/{view.identity}/list")
    allowed = DECISIONS.allows(role.value, "bnba", "export") and DECISIONS.allows(role.value, view.identity, "list")
    link = _EXPORT_LINK.search(page.text) if page.status_code == 200 else None
    if (link is not None) != allowed:
        tally.problems.append(f"{view.identity}: Export button shown={link is not None}, casbin allows={allowed}")
    if link is None:
        return []
    counted = int(_TOTAL.search(page.text).group(1)) if _TOTAL.search(page.text) else 0
    response = client.get(link.group(1).replace("&amp;", "&"))
    if response.status_code != 200 or response.headers["content-type"] != XLSX:
        tally.problems.append(f"{view.identity}: export answered {response.status_code}")
        return []
    header, rows, _sheets = _workbook_rows(response.content)
    audit = _last_export_audit(session)
    if header != list_columns(page.text):
        tally.problems.append(f"{view.identity}: header {header} != list columns {list_columns(page.text)}")
    if rows != counted or audit is None or audit.after["rows"] != counted:
        audited = audit.after["rows"] if audit else None
        tally.problems.append(f"{view.identity}: {rows} rows in the file, {audited} audited, the list counts {counted}")
    tally.downloaded.append(view.identity)
    tally.rows += rows
    return [(url.replace("&amp;", "&"), label) for url, label in _DOWNLOAD_LINK.findall(page.text)]


def _check_download(client: ConsoleClient, url: str, label: str, tally: Tally) -> None:
    response = client.get(url)
    if response.status_code != 200 or response.headers["content-type"] != XLSX:
        tally.problems.append(f"{label}: answered {response.status_code}")
        return
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    if not any(sheet.max_row > 1 for sheet in book.worksheets):
        tally.problems.append(f"{label}: an empty workbook")
    tally.downloaded.append(label)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_list_export_a_role_sees_downloads_and_holds_what_the_list_counts(
    role: Role, app: Starlette, db_session: Session
) -> None:
    _seed(db_session)
    user = make_user(db_session, role, SCOPE_OF_ROLE[role], username=f"ekspor_{role.value}")
    db_session.commit()
    views = [view for view in app.state.admin.views if isinstance(view, ModelView)]
    assert len(views) >= 18  # every list of console/views/__init__.py
    tally = Tally()
    with ConsoleClient(app, base_url="http://testserver") as client:
        log_in(client, user.username)
        downloads: dict[str, str] = {}
        for view in views:
            downloads.update(_check_list_export(client, db_session, role, view, tally))
        for url, label in downloads.items():
            _check_download(client, url, label, tally)

    print(f"\nlist exports {role.value}: {len(tally.downloaded)} downloads, {tally.rows} rows: {tally.downloaded}")
    assert tally.problems == []
    if DECISIONS.allows(role.value, "bnba", "export"):
        assert "meeting" in tally.downloaded or not DECISIONS.allows(role.value, "meeting", "list")
        assert tally.rows > 0
    else:
        assert tally.downloaded == []


def test_the_meeting_list_exports_under_a_sheet_name_excel_accepts(app: Starlette, db_session: Session) -> None:
    _seed(db_session)
    user = make_user(db_session, Role.OPERATOR_DINSOS, "52.72", username="ekspor_musdes")
    db_session.commit()
    with ConsoleClient(app, base_url="http://testserver") as client:
        log_in(client, user.username)
        response = client.get("/admin/meeting/export/xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Musdes-Muskel"]
    assert book.worksheets[0]["A1"].value == "MUSDES/MUSKEL"  # the title keeps its slash; only the tab cannot
    assert date.today().strftime("%d-%m-%Y") in response.headers["content-disposition"]
