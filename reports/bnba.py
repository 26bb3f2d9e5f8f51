"""The one BNBA column specification (DESIGN section 7): export writes it, import reads it.

A BNBA sheet has one row per household member. The columns, their order, their Excel header, how a
value is written to a cell and how a cell is read back all live here, so a sheet exported by the
console imports back unchanged. Coded columns are written as their official Indonesian label and read back
from every spelling their list below accepts (the code, the label, its parts, the abbreviations offices use;
reports/bnba_codes.py compares them); dates are written as real dates and read from real dates or DD-MM-YYYY
text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any

from models.base import LabelledEnum
from models.member import FamilyRelation, MaritalStatus, Sex
from models.proposal import ProposalKind, RemovalReason
from reports.bnba_codes import CodeBook, normalise


class CellKind(enum.Enum):
    """How a column's cells are written and read."""

    TEXT = "text"  # free text, neutralised against formulas on export
    DIGITS = "digits"  # identifiers (NIK, No. KK, RT, RW) and region codes: always text cells
    DATE = "date"  # a real Excel date; import also takes DD-MM-YYYY text
    CODED = "coded"  # a LabelledEnum: the label on export, any spelling of its code book on import
    NUMBER = "number"  # the running NO column
    INTEGER = "integer"  # a whole number the record keeps (a desil): a number cell or its digits as text


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


# --- the accepted spellings of each coded column (its code, official label and the label's parts are implied) ---
# Sources: the KK blank (Permendagri 118/2017: status hubungan dalam keluarga, status perkawinan), the BPS/PBDT
# household roster (hubungan dengan kepala rumah tangga: KRT, istri/suami, ..., orang tua/mertua, pembantu ruta),
# the Musdes outcomes (seed 001: usulan baru, perbaikan, dikeluarkan, tetap/tidak ada perbaikan) and the
# pemutakhiran form (seed 000: perubahan/penghapusan/pengusulan). A spelling that names two values is refused.

SEX_SPELLINGS = {
    Sex.MALE: ("LK", "Laki", "Laki2", "Pria"),
    Sex.FEMALE: ("PR", "Wanita"),
}
RELATION_SPELLINGS = {
    FamilyRelation.HEAD: ("KK", "KRT", "Kepala", "Kepala rumah tangga"),
    FamilyRelation.SPOUSE: ("Isteri", "Suami/Istri", "Suami/Isteri", "Istri/Suami KRT"),
    FamilyRelation.CHILD: ("Anak kandung", "Anak tiri", "Anak angkat"),
    FamilyRelation.CHILD_IN_LAW: ("Mantu",),
    FamilyRelation.PARENT: ("Ortu",),
    FamilyRelation.OTHER_FAMILY: ("Famili", "Famili lainnya", "Keluarga lain", "Saudara"),
    FamilyRelation.HOUSEHOLD_HELP: ("PRT", "Pembantu rumah tangga", "Pembantu ruta"),
    FamilyRelation.OTHER: ("Lain-lain", "Lain", "Lainya"),
}
RELATION_AMBIGUOUS = {
    "Orang tua/Mertua": (FamilyRelation.PARENT, FamilyRelation.PARENT_IN_LAW),  # one code on the BPS roster
    "Ibu": (FamilyRelation.SPOUSE, FamilyRelation.PARENT),  # "Bapak/Ibu" lists name the couple, or a parent
    "Bapak": (FamilyRelation.HEAD, FamilyRelation.PARENT),
    "Ayah": (FamilyRelation.HEAD, FamilyRelation.PARENT),
}
MARITAL_SPELLINGS = {
    MaritalStatus.SINGLE: ("BK", "Belum menikah", "Belum nikah"),
    # The KK blank since 2018 writes "Kawin tercatat" and "Kawin belum tercatat": both married for the register.
    MaritalStatus.MARRIED: (
        "K",
        "Menikah",
        "Nikah",
        "Sudah kawin",
        "Sudah menikah",
        "Kawin tercatat",
        "Kawin belum tercatat",
    ),
    MaritalStatus.DIVORCED: ("CH", "Cerai hidup tercatat", "Cerai hidup belum tercatat"),
    MaritalStatus.WIDOWED: ("CM",),
}
MARITAL_AMBIGUOUS = {
    "Cerai": (MaritalStatus.DIVORCED, MaritalStatus.WIDOWED),
    "Janda": (MaritalStatus.DIVORCED, MaritalStatus.WIDOWED),
    "Duda": (MaritalStatus.DIVORCED, MaritalStatus.WIDOWED),
    "Janda/Duda": (MaritalStatus.DIVORCED, MaritalStatus.WIDOWED),
}
KIND_SPELLINGS = {
    ProposalKind.NEW: ("Usul baru", "Pengusulan", "Pengusulan baru"),
    ProposalKind.UPDATE: ("Usulan perbaikan", "Perubahan", "Perubahan data"),
    ProposalKind.REMOVE: ("Keluar", "Usulan dikeluarkan", "Penghapusan", "Hapus"),
    ProposalKind.KEEP: ("Tidak ada perbaikan data", "Tidak ada perubahan"),
}
# ALASAN is free text, except for a removal, where it names one of the reasons (reports/bnba_sheet.py).
REMOVAL_SPELLINGS = {
    RemovalReason.DIED: ("Meninggal", "Wafat"),
    RemovalReason.MOVED: ("Pindah keluar kabupaten", "Pindah keluar kota"),
    RemovalReason.NOT_ELIGIBLE: ("Tidak layak", "Tidak memenuhi kriteria", "Sudah mampu"),
    RemovalReason.DUPLICATE: ("Duplikat", "Data duplikat"),
}

CODE_BOOKS: dict[type[LabelledEnum], CodeBook] = {
    Sex: CodeBook(Sex, SEX_SPELLINGS),
    FamilyRelation: CodeBook(FamilyRelation, RELATION_SPELLINGS, RELATION_AMBIGUOUS),
    MaritalStatus: CodeBook(MaritalStatus, MARITAL_SPELLINGS, MARITAL_AMBIGUOUS),
    ProposalKind: CodeBook(ProposalKind, KIND_SPELLINGS),
}
REMOVAL_REASONS = CodeBook(RemovalReason, REMOVAL_SPELLINGS)


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

# The printable sheet of a Lampiran SK / BA Musdes and of a roster (issue 13): the columns a decree's annex lists,
# in this order, with the width (characters) each takes when printed. Ten columns at 10 pt fit A4 landscape one
# page wide at 8 pt or more even where LibreOffice lacks Calibri (its fallback, DejaVu Sans, is a third wider);
# NIK and No. KK keep room for their 16 digits, NO for five. Headers, kinds and cells are the BNBA's own; the full
# 22 columns stay on the BNBA sheet beside it, the one exchanged and imported. KETERANGAN on paper says what the
# BNBA's last three columns say (`PRINTED_REMARKS`: "Dikeluarkan: Meninggal dunia", "Usulan baru. Disetujui").
# KODE WILAYAH and HUBUNGAN KELUARGA are not printed, so the sheet reader (reports/bnba_sheet.py), which takes the
# first sheet carrying every required header, never mistakes the printable sheet for the BNBA.
BNBA_PRINT_WIDTHS: dict[str, int] = {
    "number": 6,
    "nik": 16,
    "no_kk": 16,
    "name": 17,
    "sex": 9,
    "birth_date": 10,
    "address": 17,
    "village_name": 12,
    "kecamatan_name": 12,
    "remarks": 18,
}
PRINTED_REMARKS = ("proposal_kind", "reason", "remarks")
BNBA_PRINT_COLUMNS: tuple[BnbaColumn, ...] = tuple(
    replace(COLUMN_BY_KEY[key], width=width) for key, width in BNBA_PRINT_WIDTHS.items()
)
if {column.key for column in BNBA_COLUMNS if column.required} <= BNBA_PRINT_WIDTHS.keys():  # pragma: no cover
    raise RuntimeError("the printable BNBA columns must leave out a required column, or it would import as the BNBA")


def printed_remarks(kind: Any, reason: Any, remarks: Any) -> str:
    """KETERANGAN on paper: "Dikeluarkan: Meninggal dunia; wafat 2026", "Usulan baru. Disetujui: ...", "Desil 3"."""
    text = ": ".join(str(part) for part in (kind, reason) if part)
    return ". ".join(part for part in (text, str(remarks or "")) if part)


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def normalise_header(text: Any) -> str:
    """Header names compared ignoring case, spaces and punctuation: "No. KK" == "NO KK" == "nokk"."""
    return normalise(text)


# Other names office sheets give the columns, compared normalised like the headers ("Tgl. Lahir" == "tgl lahir";
# "nama gadis ibu kandung" is the BPNT guideline's). Export writes the headers above.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("No urut",),
    "region_code": ("Kode desa", "Kode wilayah desa"),
    "regency_name": ("Kab/Kota", "Kabupaten"),
    "village_name": ("Desa", "Kelurahan"),
    "address": ("Alamat lengkap",),
    "no_kk": ("Nomor KK", "No kartu keluarga", "Nomor kartu keluarga"),
    "nik": ("No NIK", "Nomor NIK", "Nomor induk kependudukan"),
    "name": ("Nama lengkap", "Nama anggota keluarga", "Nama ART"),
    "family_relation": ("Hub keluarga", "Hubungan dengan kepala keluarga", "Status hubungan dalam keluarga", "SHDK"),
    "sex": ("L/P", "Kelamin"),
    "birth_place": ("Tmp lahir",),
    "birth_date": ("Tgl lahir",),
    "mother_name": ("Nama ibu", "Nama gadis ibu kandung"),
    "marital_status": ("Status perkawinan",),
    "proposal_kind": ("Usulan",),
}


@dataclass(frozen=True)
class SheetSpec:
    """One sheet's column specification: its columns, the other names offices give them, the code books of its
    coded columns. The BNBA is one (`BNBA`, below); the interchange files are others (reports/interchange.py).
    The one reader (reports/bnba_sheet.py `read_sheet`) and the one writer take any of them."""

    title: str  # the sheet's name in messages: "Baris judul kolom BNBA tidak ditemukan ..."
    columns: tuple[BnbaColumn, ...]
    aliases: Mapping[str, tuple[str, ...]]
    books: Mapping[type[LabelledEnum], CodeBook]

    @cached_property
    def by_key(self) -> dict[str, BnbaColumn]:
        return {column.key: column for column in self.columns}

    @cached_property
    def by_header(self) -> dict[str, BnbaColumn]:
        found: dict[str, BnbaColumn] = {}
        for column in self.columns:
            for name in (column.header, *self.aliases.get(column.key, ())):
                if found.setdefault(normalise(name), column) is not column:
                    raise ValueError(f"{self.title} header {name!r} would name two columns")
        return found

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    def find_header_columns(self, cells: Iterable[Any]) -> dict[str, int] | None:
        """Map column key -> position when `cells` is this sheet's header row (every required column present)."""
        positions: dict[str, int] = {}
        for position, cell in enumerate(cells):
            column = self.by_header.get(normalise_header(cell))
            if column is not None and column.key not in positions:
                positions[column.key] = position
        required = {column.key for column in self.columns if column.required}
        return positions if required <= positions.keys() else None

    def missing_headers(self, cells: Iterable[Any]) -> list[str]:
        """The required headers a candidate header row lacks (for the file-level message)."""
        present = {self.by_header[name].key for name in map(normalise_header, cells) if name in self.by_header}
        return [column.header for column in self.columns if column.required and column.key not in present]

    def read_cell(self, column: BnbaColumn, cell: Any) -> Any:
        """The record value of one cell; None for an empty optional cell; CellError when it cannot be read."""
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            if column.required:
                raise CellError(f"{column.header} wajib diisi.")
            return None
        if column.kind is CellKind.CODED:
            assert column.codes is not None
            return _read_coded(column, self.books[column.codes], cell)
        return _READERS[column.kind](column, cell)


BNBA = SheetSpec("BNBA", BNBA_COLUMNS, HEADER_ALIASES, CODE_BOOKS)
COLUMN_BY_HEADER: dict[str, BnbaColumn] = BNBA.by_header


def coded_columns() -> list[tuple[str, CodeBook]]:
    """(header, code book) of every coded column, and of ALASAN as a removal reads it, in sheet order."""
    books = [(column.header, CODE_BOOKS[column.codes]) for column in BNBA_COLUMNS if column.codes is not None]
    return [*books, ("ALASAN (usulan dikeluarkan)", REMOVAL_REASONS)]


def spelling_table() -> str:
    """Every accepted (and every refused ambiguous) spelling as a Markdown table; the README carries it."""
    rows = ["| kolom | nilai | boleh ditulis (huruf besar/kecil, spasi, tanda baca bebas) |", "|---|---|---|"]
    for header, book in coded_columns():
        rows += book.markdown_rows(header)
    return "\n".join(rows)


def find_header_columns(cells: Iterable[Any]) -> dict[str, int] | None:
    """Map column key -> position when `cells` is a BNBA header row (every required column present)."""
    return BNBA.find_header_columns(cells)


def missing_headers(cells: Iterable[Any]) -> list[str]:
    """The required BNBA headers a candidate header row lacks (for the file-level message)."""
    return BNBA.missing_headers(cells)


# --- writing: a record's value -> the cell value xlsxwriter writes ---


def export_value(column: BnbaColumn, value: Any) -> str | int | date | None:
    """The value a BNBA cell carries on export (a label for codes; text for identifiers; a date)."""
    if value is None or value == "":
        return None
    if column.kind is CellKind.CODED:
        return value.label if isinstance(value, LabelledEnum) else column.codes(value).label  # type: ignore[misc]
    if column.kind is CellKind.DATE:
        return value.date() if isinstance(value, datetime) else value
    if column.kind in (CellKind.NUMBER, CellKind.INTEGER):
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


def _read_coded(column: BnbaColumn, book: CodeBook, cell: Any) -> LabelledEnum | None:
    text = _read_text(column, cell)
    member = book.find(text)
    if member is not None:
        return member
    if not normalise(text):  # "-" or "." where offices leave a cell empty
        if column.required:
            raise CellError(f"{column.header} wajib diisi.")
        return None
    raise CellError(book.refusal(column.header, text))


def _read_number(column: BnbaColumn, cell: Any) -> int | None:
    try:
        return int(float(cell))
    except (TypeError, ValueError):
        return None  # the running number is informative only


def _read_integer(column: BnbaColumn, cell: Any) -> int:
    if isinstance(cell, bool):
        raise CellError(f"{column.header} harus bilangan bulat.")
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, int):
        return cell
    text = str(cell).strip()
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    raise CellError(f"{column.header} harus bilangan bulat, bukan {str(cell)[:40]!r}.")


_READERS: dict[CellKind, Callable[[BnbaColumn, Any], Any]] = {
    CellKind.TEXT: _read_text,
    CellKind.DIGITS: _read_digits,
    CellKind.DATE: _read_date,
    CellKind.NUMBER: _read_number,
    CellKind.INTEGER: _read_integer,
}


def read_cell(column: BnbaColumn, cell: Any) -> Any:
    """The record value of one BNBA cell; None for an empty optional cell; CellError when it cannot be read."""
    return BNBA.read_cell(column, cell)
