"""BNBA sheets built in the tests: families with valid NIKs and No. KKs, written by openpyxl or xlsxwriter."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any

import openpyxl
import xlsxwriter

from reports.bnba import BNBA_HEADERS
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, next_nik, next_no_kk

Row = dict[str, Any]
HEAD_BIRTH = date(1975, 4, 12)
SPOUSE_BIRTH = date(1978, 9, 3)
CHILD_BIRTH = date(2006, 1, 20)


def member(no_kk: str, relation: str, sex: str, birth: date, *, region: str = DEFAULT_VILLAGE, **cells: Any) -> Row:
    """One BNBA row (header -> cell) of a person whose NIK matches their kecamatan, sex and birth date."""
    female = sex in ("P", "Perempuan")
    row: Row = {
        "NO": None,
        "KODE WILAYAH": region,
        "PROVINSI": "Nusa Tenggara Barat",
        "KABUPATEN/KOTA": "Kota Bima",
        "KECAMATAN": "Rasanae Barat",
        "DESA/KELURAHAN": "Paruga",
        "ALAMAT": "Jl. Gajah Mada No. 7",
        "RT": "003",
        "RW": "001",
        "NO KK": no_kk,
        "NIK": next_nik(kecamatan_of(region), birth, female),
        "NAMA": f"Warga {relation}",
        "HUBUNGAN KELUARGA": relation,
        "JENIS KELAMIN": sex,
        "TEMPAT LAHIR": "Bima",
        "TANGGAL LAHIR": birth,
        "NAMA IBU KANDUNG": "Siti Aminah",
        "STATUS KAWIN": "Kawin",
        "PEKERJAAN": "Petani",
        "JENIS USULAN": "Usulan baru",
        "ALASAN": "Keluarga miskin belum terdaftar",
        "KETERANGAN": None,
    }
    row.update(cells)
    return row


def family(*, region: str = DEFAULT_VILLAGE, codes: bool = False, **cells: Any) -> list[Row]:
    """Head, spouse and child of a new No. KK, in Indonesian words (or codes when `codes`)."""
    no_kk = next_no_kk(kecamatan_of(region))
    head, spouse, child = (
        ("kepala_keluarga", "istri_suami", "anak") if codes else ("Kepala keluarga", "Istri/Suami", "Anak")
    )
    male, female = ("L", "P") if codes else ("Laki-laki", "Perempuan")
    rows = [
        member(no_kk, head, male, HEAD_BIRTH, region=region, **cells),
        member(no_kk, spouse, female, SPOUSE_BIRTH, region=region, **cells),
        member(no_kk, child, male, CHILD_BIRTH, region=region, **{"STATUS KAWIN": "Belum kawin", **cells}),
    ]
    if codes:
        for row in rows:
            row["JENIS USULAN"] = "baru"
            row["STATUS KAWIN"] = "kawin" if row["HUBUNGAN KELUARGA"] != "anak" else "belum_kawin"
    return rows


BLANK: Row = {}  # an empty row between data rows, as offices leave between families


def sheet_bytes(
    rows: Sequence[Row],
    *,
    headers: Sequence[str] = BNBA_HEADERS,
    title_rows: Sequence[Sequence[Any]] = (),
    writer: str = "openpyxl",
) -> bytes:
    """An .xlsx of `rows` under `headers` (a header missing from `headers` drops that column; BLANK: empty row)."""
    table = [list(title) for title in title_rows] + [list(headers)]
    position = 0
    for row in rows:
        if row is BLANK:
            table.append([])
            continue
        position += 1
        table.append([{**row, "NO": position}.get(header) for header in headers])
    return table_bytes(table, writer=writer)


def table_bytes(table: list[list[Any]], *, writer: str = "openpyxl") -> bytes:
    """An .xlsx whose first sheet holds `table` row by row from A1 (dates as dd-mm-yyyy date cells)."""
    return _xlsxwriter(table) if writer == "xlsxwriter" else _openpyxl(table)


def _openpyxl(table: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "BNBA"
    for values in table:
        sheet.append(values)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _xlsxwriter(table: list[list[Any]]) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("BNBA")
    dates = book.add_format({"num_format": "dd-mm-yyyy"})
    for row_index, values in enumerate(table):
        for column, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(row_index, column, value, dates)
            elif isinstance(value, str):
                sheet.write_string(row_index, column, value)
            elif value is not None:
                sheet.write(row_index, column, value)
    book.close()
    return output.getvalue()


def empty_workbook() -> bytes:
    output = io.BytesIO()
    openpyxl.Workbook().save(output)
    return output.getvalue()


def zip_bomb(inflated_mib: int = 200) -> bytes:
    """A zip with the xlsx part names whose worksheet inflates from ~200 KiB to `inflated_mib` MiB of zeros."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_mib):
                entry.write(block)
    return output.getvalue()


def ratio_bomb() -> bytes:
    """Under the total-size limit, but one part inflates ~1000 times (a small bomb among small files)."""
    return zip_bomb(inflated_mib=20)
