"""The annexes print readably (issue 13): LibreOffice prints the first sheet at 8 pt or more, numbered pages.

A real SK annex and a real BA Musdes annex are written, converted to PDF by LibreOffice in one run, and read
back with pypdf: the size of every piece of text as printed (the font size times the text and graphics
matrices' vertical scale), the "Halaman n dari m" footer of each page, the heading and the signature.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from models.proposal import ProposalStatus
from reports.bnba import BNBA_HEADERS, BNBA_PRINT_COLUMNS
from reports.bnba_export import build_musdes_annex, build_sk_annex
from reports.xlsx import ExportFile
from tests.factories import make_household
from tests.reports.export_checks import REMOVAL, decree_with, meeting_with, proposal_for

HOUSEHOLDS = 14  # 3 members each: 42 rows, more than one printed page
LONG_ADDRESS = "Jl. Gatot Subroto Gang Melati No. 17, Lingkungan Sarata, dekat Masjid Nurul Huda"
PAGE_FOOTER = re.compile(r"Halaman (\d+) dari (\d+)")
MINIMUM_PRINTED_POINTS = 8.0


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("DTKS_REQUIRE_BROWSER"):
            pytest.fail("soffice (libreoffice-calc) is not installed; .ci/run installs it")
        pytest.skip("soffice (libreoffice-calc) is not installed")
    return found


def to_pdf(exports: list[ExportFile], folder: Path) -> list[Path]:
    """Every workbook converted by one LibreOffice run; the PDFs in the same order."""
    books = []
    for number, export in enumerate(exports):
        books.append(folder / f"annex{number}.xlsx")
        shutil.copy(export.path, books[-1])
    profile = (folder / "lo").as_uri()
    command = [soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(folder), *map(str, books)], check=True, timeout=120, capture_output=True)
    return [book.with_suffix(".pdf") for book in books]


def printed_sizes(page: Any) -> list[float]:
    """The size each non-blank piece of text on `page` is printed at, in points."""
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes.append(abs(size * tm[3] * cm[3]))

    page.extract_text(visitor_text=visit)
    return sizes


def numbered_pages(reader: PdfReader) -> list[str]:
    """The text of every page, each checked to carry "Halaman n dari m": n its place, m the pages of the file."""
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert PAGE_FOOTER.findall(text)[-1:] == [(str(number), str(len(texts)))], f"page {number}: {text[-60:]!r}"
    return texts


def printable_pages(texts: list[str]) -> int:
    """How many pages the printable sheet took: the first ones, those without the BNBA-only KODE WILAYAH."""
    count = next((number for number, text in enumerate(texts) if "KODE WILAYAH" in text), len(texts))
    assert count < len(texts) and all("KODE WILAYAH" in text for text in texts[count:]), "the BNBA sheet comes second"
    return count


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_sk_and_ba_annexes_print_their_first_sheet_readably(db_session: Session, tmp_path: Path) -> None:
    households = [make_household(db_session, members=3, address=LONG_ADDRESS) for _ in range(HOUSEHOLDS)]
    proposals = [
        proposal_for(db_session, household, ProposalStatus.IN_DECREE, **(REMOVAL if number % 3 == 0 else {}))
        for number, household in enumerate(households)
    ]
    decree = decree_with(db_session, proposals)  # Kota Bima (52.72)
    decree.signer_title = ""  # signed by the head of the region: "Wali Kota Bima", as its heading names him
    meeting = meeting_with(db_session, proposals)  # Kelurahan Paruga, 52.72.01.1001
    niks = [member.nik for household in households for member in household.members]
    exports = [build_sk_annex(db_session, decree), build_musdes_annex(db_session, meeting)]
    try:
        for export in exports:
            book = openpyxl.load_workbook(export.path)
            assert book.sheetnames == ["Lampiran", "BNBA"] and export.rows == 3 * HOUSEHOLDS
            printed, bnba = book.worksheets
            assert [cell.value for cell in printed[7 if export is exports[0] else 6]] == [
                column.header for column in BNBA_PRINT_COLUMNS
            ]
            assert tuple(cell.value for cell in bnba[7 if export is exports[0] else 6]) == BNBA_HEADERS
        sk_pdf, ba_pdf = to_pdf(exports, tmp_path)
    finally:
        for export in exports:
            export.discard()

    for pdf in (sk_pdf, ba_pdf):
        texts = numbered_pages(PdfReader(pdf))
        printed = printable_pages(texts)
        assert printed >= 2, "42 rows of wrapped addresses take more than one page"
        printed_text = "".join(texts[:printed])
        assert [printed_text.count(nik) for nik in niks] == [1] * len(niks)  # every row printed, once
        for text in texts[:printed]:  # one page wide: every column on every page, the header repeated
            assert all(word in text for column in BNBA_PRINT_COLUMNS for word in re.split(r"[ /]", column.header))
        sizes = [size for page in PdfReader(pdf).pages[:printed] for size in printed_sizes(page)]
        assert min(sizes) >= MINIMUM_PRINTED_POINTS, f"{pdf.name}: text printed at {min(sizes):.1f} pt"

    texts = numbered_pages(PdfReader(sk_pdf))
    heading, signature = words(texts[0]), words(texts[printable_pages(texts) - 1])
    assert "PEMERINTAH KOTA BIMA" in heading and "LAMPIRAN KEPUTUSAN WALI KOTA BIMA" in heading
    assert "Bima, 02-03-2026" in signature and "Wali Kota Bima" in signature and "H. Muhammad Lutfi" in signature


def test_the_printable_sheet_is_set_up_for_paper(db_session: Session) -> None:
    household = make_household(db_session, members=2, address=LONG_ADDRESS)
    decree = decree_with(db_session, [proposal_for(db_session, household, ProposalStatus.IN_DECREE)])
    export = build_sk_annex(db_session, decree, paper="F4")
    try:
        printed, bnba = openpyxl.load_workbook(export.path).worksheets
    finally:
        export.discard()
    for sheet in (printed, bnba):
        assert sheet.page_setup.paperSize == 14 and sheet.page_setup.orientation == "landscape"  # F4 (Folio)
        assert sheet.page_setup.fitToWidth in (1, None) and sheet.page_setup.fitToHeight == 0
        assert sheet.oddFooter.center.text == "Halaman &P dari &N"
    assert printed.print_title_rows == "$7:$7" and printed.freeze_panes == "A8"
    assert printed["B8"].value == household.members[0].nik and printed["B8"].data_type == "s"
    assert printed["B8"].number_format == "@" and printed["C8"].value == household.no_kk
    assert {printed.cell(8, column).font.sz for column in range(1, 11)} == {10}
    assert all(printed.cell(8, column).border.left.style == "thin" for column in range(1, 11))  # empty cells too
    assert printed.row_dimensions[8].height > 15 and printed["G8"].alignment.wrap_text  # the address wraps
    assert printed.row_dimensions[7].height >= 2 * 12.5  # "JENIS KELAMIN" on two lines
    widths = [printed.column_dimensions[letter].width for letter in "AB"]  # NO, and NIK (NO KK shares its entry)
    assert widths == pytest.approx([6.71, 16.71], abs=0.01)
