"""The one BNBA column specification (DESIGN section 7): export writes it, import reads it.

A BNBA sheet has one row per household member. The columns, their order, their Excel header, how a
value is written to a cell and how a cell is read back all live here, so a sheet exported by the
console imports back unchanged. Coded columns are written as their Indonesian label and read back from
the label or the code; dates are written as real dates and read from real dates or DD-MM-YYYY text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.base import LabelledEnum
from models.member import FamilyRelation, MaritalStatus, Sex
from models.proposal import ProposalKind


class CellKind(enum.Enum):
    """How a column's cells are written and read."""

    TEXT = "text"  # free text, neutralised against formulas on export
    DIGITS = "digits"  # identifiers (NIK, No. KK, RT, RW) and region codes: always text cells
    DATE = "date"  # a real Excel date; import also takes DD-MM-YYYY text
    CODED = "coded"  # a LabelledEnum: the label on export, the label or the code on import
    NUMBER = "number"  # the running NO column


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the official in Indonesian."""


@dataclass(frozen=True)
class BnbaColumn:
    """One BNBA column: its header, the record key it carries, and how its cells are written and read."""

    header: str
    key: str
    kind: CellKind
    width: int
    required: bool = False
    codes: type[LabelledEnum] | None = None

    @property
    def normalised_header(self) -> str:
        return normalise_header(self.header)


BNBA_COLUMNS: tuple[BnbaColumn, ...] = (
    BnbaColumn("NO", "number", CellKind.NUMBER, 6),
    BnbaColumn("KODE WILAYAH", "region_code", CellKind.DIGITS, 16, required=True),
    BnbaColumn("PROVINSI", "province_name", CellKind.TEXT, 18),
    BnbaColumn("KABUPATEN/KOTA", "regency_name", CellKind.TEXT, 18),
    BnbaColumn("KECAMATAN", "kecamatan_name", CellKind.TEXT, 18),
    BnbaColumn("DESA/KELURAHAN", "village_name", CellKind.TEXT, 18),
    BnbaColumn("ALAMAT", "address", CellKind.TEXT, 30, required=True),
    BnbaColumn("RT", "rt", CellKind.DIGITS, 5),
    BnbaColumn("RW", "rw", CellKind.DIGITS, 5),
    BnbaColumn("NO KK", "no_kk", CellKind.DIGITS, 19, required=True),
    BnbaColumn("NIK", "nik", CellKind.DIGITS, 19, required=True),
    BnbaColumn("NAMA", "name", CellKind.TEXT, 26, required=True),
    BnbaColumn("HUBUNGAN KELUARGA", "family_relation", CellKind.CODED, 18, required=True, codes=FamilyRelation),
    BnbaColumn("JENIS KELAMIN", "sex", CellKind.CODED, 13, required=True, codes=Sex),
    BnbaColumn("TEMPAT LAHIR", "birth_place", CellKind.TEXT, 16),
    BnbaColumn("TANGGAL LAHIR", "birth_date", CellKind.DATE, 13, required=True),
    BnbaColumn("NAMA IBU KANDUNG", "mother_name", CellKind.TEXT, 24),
    BnbaColumn("STATUS KAWIN", "marital_status", CellKind.CODED, 14, codes=MaritalStatus),
    BnbaColumn("PEKERJAAN", "occupation", CellKind.TEXT, 18),
    BnbaColumn("JENIS USULAN", "proposal_kind", CellKind.CODED, 22, codes=ProposalKind),
    BnbaColumn("ALASAN", "reason", CellKind.TEXT, 28),
    BnbaColumn("KETERANGAN", "remarks", CellKind.TEXT, 28),
)

BNBA_HEADERS: tuple[str, ...] = tuple(column.header for column in BNBA_COLUMNS)
BNBA_KEYS: tuple[str, ...] = tuple(column.key for column in BNBA_COLUMNS)
COLUMN_BY_KEY: dict[str, BnbaColumn] = {column.key: column for column in BNBA_COLUMNS}
DATE_FORMAT = "dd-mm-yyyy"  # the Excel number format of date cells, as offices write dates

_NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def normalise_header(text: Any) -> str:
    """Header names compared ignoring case, spaces and punctuation: "No. KK" == "NO KK" == "nokk"."""
    return _NOT_LETTER_OR_DIGIT.sub("", str(text or "").casefold())


COLUMN_BY_HEADER: dict[str, BnbaColumn] = {column.normalised_header: column for column in BNBA_COLUMNS}


def find_header_columns(cells: Iterable[Any]) -> dict[str, int] | None:
    """Map column key -> position when `cells` is a BNBA header row (every required column present)."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = COLUMN_BY_HEADER.get(normalise_header(cell))
        if column is not None and column.key not in positions:
            positions[column.key] = position
    required = {column.key for column in BNBA_COLUMNS if column.required}
    return positions if required <= positions.keys() else None


def missing_headers(cells: Iterable[Any]) -> list[str]:
    """The required headers a candidate header row lacks (for the file-level message)."""
    present = {normalise_header(cell) for cell in cells}
    return [column.header for column in BNBA_COLUMNS if column.required and column.normalised_header not in present]


# --- writing: a record's value -> the cell value xlsxwriter writes ---


def export_value(column: BnbaColumn, value: Any) -> str | int | date | None:
    """The value a BNBA cell carries on export (a label for codes; text for identifiers; a date)."""
    if value is None or value == "":
        return None
    if column.kind is CellKind.CODED:
        return value.label if isinstance(value, LabelledEnum) else column.codes(value).label  # type: ignore[misc]
    if column.kind is CellKind.DATE:
        return value.date() if isinstance(value, datetime) else value
    if column.kind is CellKind.NUMBER:
        return int(value)
    return str(value)


# --- reading: a cell as openpyxl gives it -> the record's value, or CellError ---


def _read_text(column: BnbaColumn, cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _read_digits(column: BnbaColumn, cell: Any) -> str:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        # 16 digits do not survive as an Excel number (15-digit precision): refuse rather than guess.
        raise CellError(f"{column.header} harus ditulis sebagai teks, bukan angka (Excel membulatkan angka panjang).")
    return str(cell).strip()


def _read_date(column: BnbaColumn, cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    match = _DAY_MONTH_YEAR.fullmatch(str(cell).strip())
    if match is None:
        raise CellError(f"{column.header} harus tanggal atau teks DD-MM-YYYY.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"{column.header} {cell} bukan tanggal yang ada.") from None


def _read_coded(column: BnbaColumn, cell: Any) -> LabelledEnum:
    assert column.codes is not None
    member = column.codes.from_label_or_value(str(cell))
    if member is None:
        accepted = ", ".join(label for _, label in column.codes.choices())
        raise CellError(f"{column.header} '{cell}' tidak dikenal; isi salah satu: {accepted}.")
    return member


def _read_number(column: BnbaColumn, cell: Any) -> int | None:
    try:
        return int(float(cell))
    except (TypeError, ValueError):
        return None  # the running number is informative only


_READERS: dict[CellKind, Callable[[BnbaColumn, Any], Any]] = {
    CellKind.TEXT: _read_text,
    CellKind.DIGITS: _read_digits,
    CellKind.DATE: _read_date,
    CellKind.CODED: _read_coded,
    CellKind.NUMBER: _read_number,
}


def read_cell(column: BnbaColumn, cell: Any) -> Any:
    """The record value of one cell; None for an empty optional cell; CellError when it cannot be read."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        if column.required:
            raise CellError(f"{column.header} wajib diisi.")
        return None
    return _READERS[column.kind](column, cell)
