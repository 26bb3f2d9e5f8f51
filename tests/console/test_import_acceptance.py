"""Issue 9's acceptance sheet: a BNBA sheet written by people, not by our export (kop rows, office headers,
spouses as `Istri` and `Suami`, sex as `L`, `P`, `Laki-laki`, `PEREMPUAN`, relationships in mixed case, dates
as real dates and as text, empty rows between families) imports whole through the page and through the CLI;
the same sheet with one unknown code is refused by both, naming the row as Excel numbers it."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.cli import main
from models import AuditAction, AuditEntry, FamilyRelation, Household, MaritalStatus, Member, Role, Sex, User
from tests.conftest import log_in
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, make_user, next_no_kk
from tests.reports.bnba_sheets import member, table_bytes

PAGE = "/admin/bnba-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_DIGEST = re.compile(r'name="digest" value="([0-9a-f]{64})"')
KOP = [
    ["DAFTAR NAMA DAN ALAMAT (BNBA) USULAN DATA TERPADU KESEJAHTERAAN SOSIAL"],
    ["DESA/KELURAHAN PARUGA  KECAMATAN RASANAE BARAT  KOTA BIMA"],
    [],
]
# The header as an office types it (found by its names: case, spaces and punctuation do not matter).
OFFICE_HEADERS = {
    "NO": "No.", "KODE WILAYAH": "Kode Wilayah", "PROVINSI": "Provinsi", "KABUPATEN/KOTA": "Kab/Kota",
    "KECAMATAN": "Kecamatan", "DESA/KELURAHAN": "Desa / Kelurahan", "ALAMAT": "Alamat", "RT": "RT", "RW": "RW",
    "NO KK": "No. KK", "NIK": "NIK", "NAMA": "Nama Lengkap", "HUBUNGAN KELUARGA": "Hubungan Keluarga",
    "JENIS KELAMIN": "Jenis Kelamin", "TEMPAT LAHIR": "Tempat Lahir", "TANGGAL LAHIR": "Tgl. Lahir",
    "NAMA IBU KANDUNG": "Nama Ibu Kandung", "STATUS KAWIN": "Status Kawin", "PEKERJAAN": "Pekerjaan",
    "JENIS USULAN": "Jenis Usulan", "ALASAN": "Alasan", "KETERANGAN": "Keterangan",
}  # fmt: skip
# One person as people write them: relationship, sex as written, female?, birth date, date as text?, status kawin.
Person = tuple[str, str, bool, date, bool, str]
FAMILIES: list[tuple[str, list[Person]]] = [
    ("BARU", [
        ("KEPALA KELUARGA", "L", False, date(1975, 4, 12), False, "Kawin"),
        ("Istri", "P", True, date(1978, 9, 3), True, "K"),
        ("anak", "Laki-laki", False, date(2004, 1, 20), False, "BK"),
        ("ANAK", "PEREMPUAN", True, date(2009, 6, 1), True, "Belum Kawin"),
    ]),
    ("Usulan Baru", [
        ("Kepala Keluarga", "PEREMPUAN", True, date(1980, 2, 28), True, "KAWIN"),
        ("Suami", "L", False, date(1979, 11, 30), False, "kawin"),
        ("Anak", "P", True, date(2012, 3, 15), False, "-"),
        ("Orang Tua", "Perempuan", True, date(1950, 7, 7), True, "Cerai Mati"),
    ]),
    ("baru", [
        ("kepala keluarga", "Laki-laki", False, date(1960, 5, 5), False, "Kawin"),
        ("istri", "p", True, date(1962, 8, 17), True, "K"),
        ("Menantu", "L", False, date(1988, 12, 1), False, "Kawin"),
        ("CUCU", "P", True, date(2015, 10, 10), True, None),
    ]),
    ("", [
        ("KK", "LK", False, date(1990, 1, 9), True, "Kawin"),
        ("ISTRI/SUAMI", "PR", True, date(1992, 4, 4), False, "K"),
        ("Famili Lain", "l", False, date(2001, 2, 2), True, "Belum kawin"),
    ]),
    ("Baru", [
        ("Kepala keluarga", "PEREMPUAN", True, date(1971, 3, 3), False, "Cerai Hidup"),
        ("Anak", "Laki-laki", False, date(1999, 9, 9), True, "BK"),
    ]),
]  # fmt: skip
RELATIONS = {"kepalakeluarga": FamilyRelation.HEAD, "kk": FamilyRelation.HEAD, "istri": FamilyRelation.SPOUSE,
             "suami": FamilyRelation.SPOUSE, "istrisuami": FamilyRelation.SPOUSE, "anak": FamilyRelation.CHILD,
             "orangtua": FamilyRelation.PARENT, "menantu": FamilyRelation.CHILD_IN_LAW,
             "cucu": FamilyRelation.GRANDCHILD, "famililain": FamilyRelation.OTHER_FAMILY}  # fmt: skip


@dataclass
class PeoplesSheet:
    """The sheet's bytes, what every member must become, and the Excel row of each member by NIK."""

    data: bytes = b""
    expected: dict[str, tuple[FamilyRelation, Sex, date]] = field(default_factory=dict)
    excel_row: dict[str, int] = field(default_factory=dict)
    kks: set[str] = field(default_factory=set)


def peoples_sheet(*, unknown_code_at: tuple[int, int] | None = None) -> PeoplesSheet:
    """Five KKs written by people; `unknown_code_at` (family, person) writes "Bini" as that person's relationship."""
    sheet = PeoplesSheet()
    headers = list(OFFICE_HEADERS)
    table: list[list[Any]] = [*KOP, [OFFICE_HEADERS[header] for header in headers]]
    number = 0
    for family_index, (kind, people) in enumerate(FAMILIES):
        if family_index:
            table.append([])  # an empty row between families
        no_kk = next_no_kk(kecamatan_of(DEFAULT_VILLAGE))
        sheet.kks.add(no_kk)
        for person_index, (relation, sex, female, born, as_text, marital) in enumerate(people):
            number += 1
            row = member(no_kk, relation, "P" if female else "L", born, **{"JENIS KELAMIN": sex})
            row.update({"NO": number, "STATUS KAWIN": marital, "JENIS USULAN": kind or None})
            row["TANGGAL LAHIR"] = f"{born.day}/{born.month}/{born.year}" if as_text else born
            if (family_index, person_index) == unknown_code_at:
                row["HUBUNGAN KELUARGA"] = "Bini"
            table.append([row.get(header) for header in headers])
            sheet.excel_row[row["NIK"]] = len(table)
            expected_sex = Sex.FEMALE if female else Sex.MALE
            sheet.expected[row["NIK"]] = (RELATIONS[re.sub(r"[^a-z]", "", relation.lower())], expected_sex, born)
    sheet.data = table_bytes(table, writer="xlsxwriter")
    return sheet


def _assert_imported_whole(db_session: Session, sheet: PeoplesSheet, user: User) -> None:
    db_session.expire_all()
    assert set(db_session.scalars(select(Household.no_kk))) == sheet.kks
    members = {m.nik: (m.family_relation, m.sex, m.birth_date) for m in db_session.scalars(select(Member))}
    assert members == sheet.expected
    widowed = db_session.scalars(select(Member).where(Member.marital_status == MaritalStatus.WIDOWED)).all()
    assert [m.family_relation for m in widowed] == [FamilyRelation.PARENT]
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT))
    assert entry.actor_id == user.id
    assert entry.after is not None and (entry.after["households"], entry.after["members"]) == (5, 17)


def _the_bini_row(sheet: PeoplesSheet) -> int:
    """The Excel row holding "Bini", read back from the file itself (not from our own bookkeeping)."""
    book = openpyxl.load_workbook(io.BytesIO(sheet.data))
    [row] = [cell.row for line in book.active.iter_rows() for cell in line if cell.value == "Bini"]
    return row


def test_the_sheet_is_written_as_people_write_it() -> None:
    sheet = peoples_sheet()
    book = openpyxl.load_workbook(io.BytesIO(sheet.data)).active
    values = [value for line in book.iter_rows(values_only=True) for value in line if value is not None]
    for spelling in ("Istri", "Suami", "L", "P", "Laki-laki", "PEREMPUAN", "KEPALA KELUARGA", "anak"):
        assert spelling in values
    assert any(isinstance(value, str) and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value) for value in values)
    assert book.cell(row=4, column=1).value == "No." and book.cell(row=5, column=11).value in sheet.expected


# --- through the page ----------------------------------------------------------------------------------


def _logged_in_operator(client: ConsoleClient, db_session: Session) -> User:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="operator_paruga")
    db_session.commit()
    log_in(client, user.username)
    return user


def _upload(client: ConsoleClient, data: bytes) -> Response:
    token = _FORM_TOKEN.search(client.get(PAGE).text)
    assert token is not None
    return client.post(
        f"{PAGE}/preview", data={"csrf_token": token.group(1)}, files={"sheet": ("bnba-desa.xlsx", data, XLSX)}
    )


def test_a_sheet_written_by_people_imports_whole_through_the_page(client: ConsoleClient, db_session: Session) -> None:
    user = _logged_in_operator(client, db_session)
    sheet = peoples_sheet()
    page = client.get(PAGE).text
    assert 'id="accepted-spellings"' in page  # the upload form lists what the coded columns accept
    assert "<td>HUBUNGAN KELUARGA</td><td>Istri/Suami</td><td>Istri/Suami, Istri, Suami," in page

    preview = _upload(client, sheet.data)

    assert preview.status_code == 200, preview.text
    assert "judul kolom di baris 4" in preview.text
    counts = dict(re.findall(r'<tr data-count="(\w+)"><td>[^<]*</td><td>(\d+)</td></tr>', preview.text))
    assert counts == {"rows": "17", "households": "5", "members": "17", "proposals": "5",
                      "skipped_households": "0", "errors": "0"}  # fmt: skip
    token, digest = _FORM_TOKEN.search(preview.text), _DIGEST.search(preview.text)
    assert token is not None and digest is not None
    done = client.post(f"{PAGE}/confirm", data={"csrf_token": token.group(1), "digest": digest.group(1)})

    assert "Impor BNBA selesai: 5 keluarga, 17 anggota dan 5 usulan draf dibuat" in done.text
    _assert_imported_whole(db_session, sheet, user)


def test_one_unknown_code_is_refused_on_the_page_naming_the_excel_row(
    client: ConsoleClient, db_session: Session
) -> None:
    _logged_in_operator(client, db_session)
    sheet = peoples_sheet(unknown_code_at=(2, 2))  # the third family's Menantu
    row = _the_bini_row(sheet)
    assert row == 4 + 4 + 1 + 4 + 1 + 3  # kop 3 + header, family 1, empty, family 2, empty, third of family 3

    preview = _upload(client, sheet.data)

    assert preview.status_code == 200
    assert f"ada 1 kesalahan, yang pertama di baris {row}." in preview.text
    assert re.search(
        rf"<tr data-row=\"{row}\"><td>{row}</td><td>HUBUNGAN KELUARGA</td><td>HUBUNGAN KELUARGA &#39;Bini&#39; "
        r"tidak dikenal; isi salah satu: Kepala keluarga \(KK, KRT\), Istri/Suami",
        preview.text,
    )
    assert 'id="confirm-import"' not in preview.text
    assert db_session.scalar(select(Household.id)) is None


# --- through the CLI ------------------------------------------------------------------------------------


def _cli(tmp_path: Path, sheet: PeoplesSheet, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, Any]:
    path = tmp_path / "bnba-desa.xlsx"
    path.write_bytes(sheet.data)
    code = main(["import-bnba", str(path), "--user", "operator_paruga", "--json", *flags])
    return code, json.loads(capsys.readouterr().out)


def test_a_sheet_written_by_people_imports_whole_through_the_cli(
    cli_env: None, db_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="operator_paruga")
    db_session.commit()
    sheet = peoples_sheet()

    code, result = _cli(tmp_path, sheet, capsys, "--confirm")

    assert code == 0
    assert result == {"households": 5, "members": 17, "proposals": 5, "skipped_households": 0, "errors": []}
    _assert_imported_whole(db_session, sheet, user)


def test_one_unknown_code_is_refused_by_the_cli_naming_the_excel_row(
    cli_env: None, db_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="operator_paruga")
    db_session.commit()
    sheet = peoples_sheet(unknown_code_at=(0, 1))  # the first family's Istri
    row = _the_bini_row(sheet)

    code, result = _cli(tmp_path, sheet, capsys, "--confirm")

    assert (code, row) == (2, 6)
    [error] = result["errors"]
    assert (error["row"], error["column"]) == (row, "HUBUNGAN KELUARGA")
    assert error["message"].startswith("HUBUNGAN KELUARGA 'Bini' tidak dikenal; isi salah satu: Kepala keluarga")
    assert db_session.scalar(select(Household.id)) is None
