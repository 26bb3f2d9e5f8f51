"""Shared helpers of the export tests: hostile data, and reading a finished workbook back with openpyxl."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from models import Household
from models.decree import Decree, DecreeKind
from models.household import DtksStatus
from models.meeting import Decision, Meeting, MeetingDecision
from models.proposal import Proposal, ProposalKind, ProposalStatus, RemovalReason
from reports.bnba import BNBA_HEADERS
from tests.factories import DEFAULT_VILLAGE, make_household

# Text a spreadsheet would evaluate or link if written carelessly (OWASP CSV injection catalogue).
HOSTILE = ("=1+1", "@SUM(A1)", "+6281234567890", "-1", "http://x.y", '=HYPERLINK("http://x.y","klik")')
OTHER_REGENCY_VILLAGE = "73.02.01.1001"  # Bulukumba, Sulawesi Selatan


def hostile_household(session: Session, region_code: str = DEFAULT_VILLAGE, **fields: Any) -> Household:
    """A household of three whose free-text fields are all formula or link look-alikes."""
    household = make_household(session, region_code=region_code, members=3, address=HOSTILE[1], **fields)
    for member, text in zip(household.members, HOSTILE, strict=False):
        member.name = text
        member.mother_name = HOSTILE[(HOSTILE.index(text) + 2) % len(HOSTILE)]
        member.birth_place = HOSTILE[2]
        member.occupation = HOSTILE[4]
    session.flush()
    return household


def proposal_for(session: Session, household: Household, status: ProposalStatus, **fields: Any) -> Proposal:
    fields.setdefault("kind", ProposalKind.NEW)
    fields.setdefault("reason", HOSTILE[0])
    proposal = Proposal(household=household, region_code=household.region_code, status=status, **fields)
    session.add(proposal)
    session.flush()
    return proposal


def decree_with(session: Session, proposals: list[Proposal], regency: str = "52.72", **fields: Any) -> Decree:
    decree = Decree(
        kind=DecreeKind.DISTRICT_RATIFICATION,
        region_code=regency,
        number=fields.pop("number", "400.9/12/Dinsos 2026"),
        decree_date=date(2026, 3, 2),
        signer_name="H. Muhammad Lutfi",
        signer_title="WALIKOTA BIMA",
        proposals=proposals,
    )
    session.add(decree)
    session.flush()
    return decree


def meeting_with(session: Session, proposals: list[Proposal], region_code: str = DEFAULT_VILLAGE) -> Meeting:
    meeting = Meeting(region_code=region_code, held_on=date(2026, 2, 10), place="Aula kelurahan", ba_number="BA/7/2026")
    session.add(meeting)
    session.flush()
    for number, proposal in enumerate(proposals):
        decision = Decision.AGREED if number % 2 == 0 else Decision.REJECTED
        session.add(
            MeetingDecision(
                meeting=meeting, proposal=proposal, region_code=region_code, decision=decision, note=HOSTILE[3]
            )
        )
    session.flush()
    return meeting


def registered(
    session: Session, region_code: str = DEFAULT_VILLAGE, period: str = "2026-01", **fields: Any
) -> Household:
    return hostile_household(session, region_code, dtks_status=DtksStatus.REGISTERED, period=period, desil=3, **fields)


REMOVAL = {"kind": ProposalKind.REMOVE, "removal_reason": RemovalReason.DIED, "reason": "wafat 2026"}


def open_sheet(path: Path | bytes, sheet: str | None = None) -> Worksheet:
    if isinstance(path, bytes):
        import io

        book = openpyxl.load_workbook(io.BytesIO(path))
    else:
        book = openpyxl.load_workbook(path)
    if sheet is None and "BNBA" in book.sheetnames:
        sheet = "BNBA"  # a BNBA export's data sheet, not the printable sheet before it (test_annex_print.py)
    return book[sheet] if sheet else book.worksheets[0]


def header_row(sheet: Worksheet, first_header: str = "NO") -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_header:
            return row[0].row
    raise AssertionError("no header row")


def data_rows(sheet: Worksheet, header: int, width: int) -> list[tuple[Any, ...]]:
    """The rows under the header up to the first row whose first cell is empty."""
    rows = []
    for row in sheet.iter_rows(min_row=header + 1, max_col=width, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    return rows


def assert_safe(sheet: Worksheet) -> None:
    """No formula cell, no hyperlink; every hostile text kept verbatim and quote-prefixed."""
    assert not sheet._hyperlinks
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"formula in {cell.coordinate}: {cell.value!r}"
            assert cell.hyperlink is None
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.quotePrefix, f"{cell.coordinate} {cell.value!r} is not quote-prefixed"


def assert_table_setup(sheet: Worksheet, header: int, last_column: str) -> None:
    """Frozen header, autofilter over the table, landscape, one page wide, header row on every page."""
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header}:{last_column}")
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth in (1, None) and sheet.page_setup.fitToHeight == 0  # 1 is the default
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == f"${header}:${header}"


def bnba_index(header: str) -> int:
    return BNBA_HEADERS.index(header)
