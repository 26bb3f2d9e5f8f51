"""Reading an uploaded .xlsx safely: size cap, zip inspection before any decompression, streamed rows.

An .xlsx is a zip of XML parts. Before openpyxl sees the bytes, the zip's central directory is read with the
standard library (nothing is decompressed): it must hold the xlsx parts, few enough entries, a bounded total
uncompressed size and no entry that inflates more than `max_ratio` times (a zip bomb is refused here).
Python's zipfile never inflates an entry past the size its header declares (the CRC check fails instead), so
checking the declared sizes bounds the real work. openpyxl then parses with defusedxml (no entity expansion,
no external entities) in read-only mode, row by row, up to a row cap. Everything stays in memory (BytesIO):
no temporary file is written. Every refusal is a `SheetRefused` whose message, in Bahasa Indonesia, is shown
to the official as is.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import openpyxl
import openpyxl.xml

# openpyxl uses defusedxml when it is installed; without it a crafted sheet could expand entities.
if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - defusedxml is a runtime dependency
    raise RuntimeError("defusedxml harus terpasang: openpyxl tidak boleh membaca XML unggahan tanpa defusedxml.")

MIB = 1024 * 1024
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# Small parts (styles, relationships) of legitimate files compress very well; the ratio matters for big ones.
RATIO_CHECKED_FROM = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx

NOT_XLSX = "Berkas bukan lembar kerja Excel .xlsx. Simpan ulang berkas dari Excel sebagai 'Buku Kerja Excel (.xlsx)'."
OLE_FILE = (
    "Berkas ini format Excel lama (.xls) atau dilindungi kata sandi. Buka di Excel, hapus kata sandinya bila ada, "
    "lalu simpan sebagai 'Buku Kerja Excel (.xlsx)'."
)
UNREADABLE = "Berkas .xlsx rusak atau tidak dapat dibaca. Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi."


class SheetRefused(ValueError):
    """An uploaded file that is not a readable, reasonably sized .xlsx; the message is in Bahasa Indonesia."""


@dataclass(frozen=True)
class UploadLimits:
    """The bounds an uploaded workbook must keep (defaults: issue 5)."""

    max_bytes: int = 10 * MIB
    max_entries: int = 500
    max_uncompressed: int = 100 * MIB
    max_ratio: int = 100
    max_rows: int = 50_000


def size_text(size: int) -> str:
    return f"{size / MIB:.1f} MiB".replace(".0 MiB", " MiB")


def inspect_zip(data: bytes, limits: UploadLimits) -> None:
    """Refuse, before any decompression, what is not an .xlsx or could inflate beyond the limits."""
    if not data:
        raise SheetRefused("Berkas kosong; pilih berkas .xlsx yang berisi data BNBA.")
    if len(data) > limits.max_bytes:
        raise SheetRefused(f"Berkas terlalu besar; batas ukuran {size_text(limits.max_bytes)}.")
    if data.startswith(_OLE_MAGIC):
        raise SheetRefused(OLE_FILE)
    if not data.startswith(_ZIP_MAGIC):
        raise SheetRefused(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SheetRefused(UNREADABLE) from None
    _check_entries(entries, limits)


def _check_entries(entries: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    if len(entries) > limits.max_entries:
        raise SheetRefused(f"Berkas berisi terlalu banyak bagian ({len(entries)}); ini bukan lembar kerja BNBA biasa.")
    names = {entry.filename for entry in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise SheetRefused(NOT_XLSX)
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise SheetRefused(OLE_FILE)
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed:
        raise SheetRefused(
            f"Isi berkas terlalu besar setelah diekstrak ({size_text(total)}; batas "
            f"{size_text(limits.max_uncompressed)}). Berkas ditolak sebelum dibuka."
        )
    for entry in entries:
        if entry.file_size >= RATIO_CHECKED_FROM and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise SheetRefused(
                "Berkas ditolak: salah satu bagiannya memampat secara tidak wajar (kemungkinan 'zip bomb'). "
                "Simpan ulang lembar kerja dari Excel."
            )


def too_many_rows(limits: UploadLimits) -> SheetRefused:
    count = f"{limits.max_rows:,}".replace(",", ".")
    return SheetRefused(
        f"Lembar kerja terlalu panjang: paling banyak {count} baris data per unggahan. Bagi menjadi beberapa berkas."
    )


def _worksheets(workbook: Any) -> list[Any]:
    return [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]


@contextmanager
def open_workbook(data: bytes, limits: UploadLimits) -> Iterator[Any]:
    """The inspected workbook, read-only (streamed) and with cached values instead of formulas; closed after."""
    inspect_zip(data, limits)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; the data is what matters here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetRefused:
        raise
    except Exception:
        # openpyxl raises many kinds (KeyError, InvalidFileException, defusedxml's refusals, zip CRC errors).
        raise SheetRefused(UNREADABLE) from None
    try:
        if not _worksheets(workbook):
            raise SheetRefused("Berkas tidak memiliki lembar kerja (sheet) berisi data.")
        yield workbook
    finally:
        workbook.close()


def sheet_rows(
    sheet: Any, limits: UploadLimits, *, header_allowance: int = 25
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, values) of every non-empty row, streamed; refuses a sheet longer than the row cap.

    The number is the one Excel shows: rows count from 1 and empty rows are counted, not yielded.
    """
    cap = limits.max_rows + header_allowance
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Read-only openpyxl stops at the sheet's recorded dimension; some writers leave a stale one ("A1"),
            # which would silently drop every later row and column. Read what the sheet holds instead.
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > cap:
                    raise too_many_rows(limits)
                if any(value is not None and value != "" for value in values):
                    yield number, tuple(values)
    except SheetRefused:
        raise
    except Exception:
        raise SheetRefused(UNREADABLE) from None
