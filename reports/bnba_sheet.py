"""Reading a BNBA sheet into rows and checking them without the database (DESIGN section 7).

The header row is found by its names within the first rows (title rows above it are normal in village
sheets); every data row is read through the one column specification (reports/bnba.py) and checked: NIK and
No. KK through the one validator, the village code inside the uploader's scope, one head per KK, the household
fields equal on every row of a KK, no NIK twice. Every problem is kept, by Excel row number and column header.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.base import table_of
from models.dates import date_problem
from models.household import Household
from models.identity import check_nik, check_no_kk
from models.member import FamilyRelation, Member, Sex
from models.proposal import Proposal, ProposalKind, RemovalReason
from models.region_codes import RegionLevel, is_code_of_level, village_code_from_digits
from models.text import control_problem, text_problems
from policies.scope import Scope
from reports.bnba import BNBA, COLUMN_BY_KEY, REMOVAL_REASONS, CellError, SheetSpec
from reports.xlsx_upload import SheetRefused, UploadLimits, open_workbook, sheet_rows, too_many_rows

HEADER_SEARCH_ROWS = 20
WHOLE_ROW = ""  # the column of an error about the row as a whole
HOUSEHOLD_KEYS = ("region_code", "address", "rt", "rw", "proposal_kind")
# The column each stored text cell lands in: its text rule (models/text.py) applies here as on the forms.
STORED_TEXT = {
    "name": table_of(Member).c.name,
    "address": table_of(Household).c.address,
    "birth_place": table_of(Member).c.birth_place,
    "mother_name": table_of(Member).c.mother_name,
    "occupation": table_of(Member).c.occupation,
    "reason": table_of(Proposal).c.reason,
}


@dataclass(frozen=True)
class RowError:
    """One problem of one row: its Excel row number, the column header (empty: the whole row), the reason.

    `row` is the number Excel shows at the left of the row (1-based, counting the title rows and the header).
    """

    row: int
    column: str
    message: str

    def describe(self) -> str:
        """The problem as one line for an official: "Baris 17, kolom JENIS KELAMIN: ..."."""
        where = f"Baris {self.row}, kolom {self.column}" if self.column else f"Baris {self.row}"
        return f"{where}: {self.message}"


@dataclass
class SheetRow:
    """One data row: its Excel row number and the values read (a key is missing when its cell was unreadable)."""

    number: int
    values: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class ParsedSheet:
    """The rows of a sheet (a BNBA, or another `SheetSpec`) and every problem found in them."""

    sheet_name: str
    header_row: int
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    spec: SheetSpec = BNBA

    def add(self, row: int, key: str, message: str) -> None:
        column = self.spec.by_key.get(key)
        self.errors.append(RowError(row, column.header if column is not None else key, message))

    def by_kk(self) -> dict[str, list[SheetRow]]:
        groups: dict[str, list[SheetRow]] = defaultdict(list)
        for row in self.rows:
            if row.get("no_kk"):
                groups[row.get("no_kk")].append(row)
        return groups


def read_bnba(data: bytes, limits: UploadLimits) -> ParsedSheet:
    """Find the BNBA header, read every data row, record every unreadable cell; SheetRefused for the file."""
    return read_sheet(data, limits, BNBA)


def read_sheet(data: bytes, limits: UploadLimits, spec: SheetSpec) -> ParsedSheet:
    """Find `spec`'s header row in any sheet, read every data row through `spec`, record every unreadable cell;
    SheetRefused for a problem of the file itself (no header, no data row, too many rows, not a workbook)."""
    with open_workbook(data, limits) as workbook:
        best: tuple[int, list[str]] | None = None
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue
            rows = sheet_rows(sheet, limits)
            for seen, (number, values) in enumerate(rows, start=1):
                positions = spec.find_header_columns(values)
                if positions is not None:
                    parsed = ParsedSheet(sheet.title, number, spec=spec)
                    for row_number, row_values in rows:
                        if len(parsed.rows) >= limits.max_rows:
                            raise too_many_rows(limits)
                        parsed.rows.append(_read_row(parsed, row_number, row_values, positions))
                    if not parsed.rows:
                        raise SheetRefused(f"Lembar '{sheet.title}' hanya berisi judul kolom; tidak ada baris data.")
                    return parsed
                missing = spec.missing_headers(values)
                if best is None or len(missing) < len(best[1]):
                    best = (number, missing)
                if seen >= HEADER_SEARCH_ROWS:
                    break
    if best is None:
        raise SheetRefused("Lembar kerja kosong: tidak ada baris yang berisi data.")
    raise SheetRefused(
        f"Baris judul kolom {spec.title} tidak ditemukan di {HEADER_SEARCH_ROWS} baris pertama. Baris yang paling "
        f"mirip (baris {best[0]}) tidak memiliki kolom: {', '.join(best[1])}."
    )


def _read_row(parsed: ParsedSheet, number: int, cells: tuple[Any, ...], positions: dict[str, int]) -> SheetRow:
    values: dict[str, Any] = {}
    for column in parsed.spec.columns:
        position = positions.get(column.key)
        cell = cells[position] if position is not None and position < len(cells) else None
        if position is None and not column.required:
            values[column.key] = None
            continue
        try:
            values[column.key] = parsed.spec.read_cell(column, cell)
        except CellError as error:
            parsed.add(number, column.key, str(error))
    return SheetRow(number, values)


# --- checks of each row, then of the rows together ---


def check_rows(parsed: ParsedSheet, scope: Scope) -> None:
    """Every check that needs no database, appended to `parsed.errors`; normalises values in place."""
    for row in parsed.rows:
        _check_row(parsed, row, scope)
    _check_duplicate_niks(parsed)
    for rows in parsed.by_kk().values():
        _check_household(parsed, rows)


def _check_row(parsed: ParsedSheet, row: SheetRow, scope: Scope) -> None:
    add = parsed.add
    sex, birth_date = row.get("sex"), row.get("birth_date")
    if row.get("nik"):
        for message in check_nik(row.get("nik"), is_female=_female(sex), birth_date=birth_date).errors:
            add(row.number, "nik", message)
    if row.get("no_kk"):
        for message in check_no_kk(row.get("no_kk")).errors:
            add(row.number, "no_kk", message)
    if row.get("region_code"):
        _check_region(parsed, row, scope)
    for key in ("rt", "rw"):
        text = row.get(key) or ""
        if text and not (text.isascii() and text.isdigit() and len(text) <= 3):
            add(row.number, key, f"{COLUMN_BY_KEY[key].header} harus angka, paling banyak 3 digit.")
        elif text:
            row.values[key] = text.zfill(3)
    _check_text(parsed, row)
    problem = date_problem(table_of(Member).c.birth_date, birth_date) if isinstance(birth_date, date) else None
    if problem:
        add(row.number, "birth_date", f"{COLUMN_BY_KEY['birth_date'].header}: {problem}")
    if "proposal_kind" in row.values and row.get("proposal_kind") is None:
        row.values["proposal_kind"] = ProposalKind.NEW  # DESIGN: an import proposes new households by default
    if row.get("proposal_kind") == ProposalKind.REMOVE and removal_reason(row) is None:
        accepted = REMOVAL_REASONS.values_text()
        add(row.number, "reason", f"Usulan dikeluarkan wajib mengisi ALASAN dengan salah satu: {accepted}.")


def _check_text(parsed: ParsedSheet, row: SheetRow) -> None:
    """Stored text by its column's rule; any other text cell (names of regions, remarks) free of control characters."""
    for key, value in row.values.items():
        if not isinstance(value, str) or not value:
            continue
        if key in STORED_TEXT:
            problems = text_problems(STORED_TEXT[key], value)
        else:
            problems = [problem] if (problem := control_problem(value, multiline=True)) else []
        for problem in problems:
            parsed.add(row.number, key, f"{COLUMN_BY_KEY[key].header}: {problem}")


def _female(sex: Any) -> bool | None:
    return None if sex is None else sex == Sex.FEMALE


def removal_reason(row: SheetRow) -> RemovalReason | None:
    reason = REMOVAL_REASONS.find(row.get("reason") or "")
    return reason if isinstance(reason, RemovalReason) else None


def _check_region(parsed: ParsedSheet, row: SheetRow, scope: Scope) -> None:
    code = str(row.get("region_code"))
    if (dotted := village_code_from_digits(code)) is not None:  # written without dots
        code = row.values["region_code"] = dotted
    if not is_code_of_level(code, RegionLevel.VILLAGE):
        parsed.add(row.number, "region_code", "KODE WILAYAH harus kode desa/kelurahan Kemendagri, mis. 52.72.01.1001.")
    elif not scope.holds(code):
        parsed.add(row.number, "region_code", f"KODE WILAYAH {code} berada di luar wilayah tugas Anda ({scope.code}).")


def _check_duplicate_niks(parsed: ParsedSheet) -> None:
    first_row: dict[str, int] = {}
    for row in parsed.rows:
        nik = row.get("nik")
        if not nik:
            continue
        if nik in first_row:
            parsed.add(
                row.number, "nik", f"NIK ini sudah tertulis di baris {first_row[nik]}; satu NIK hanya satu baris."
            )
        else:
            first_row[nik] = row.number


def _check_household(parsed: ParsedSheet, rows: list[SheetRow]) -> None:
    heads = [row for row in rows if row.get("family_relation") == FamilyRelation.HEAD]
    if not heads and all("family_relation" in row.values for row in rows):
        parsed.add(rows[0].number, "family_relation", "No. KK ini tidak memiliki kepala keluarga (tepat satu per KK).")
    for extra in heads[1:]:
        parsed.add(
            extra.number,
            "family_relation",
            f"No. KK ini sudah memiliki kepala keluarga di baris {heads[0].number}; tepat satu kepala keluarga per KK.",
        )
    first = rows[0]
    for row in rows[1:]:
        for key in HOUSEHOLD_KEYS:
            if key in row.values and key in first.values and row.get(key) != first.get(key):
                parsed.add(
                    row.number,
                    key,
                    f"{COLUMN_BY_KEY[key].header} berbeda dengan baris {first.number} untuk No. KK yang sama.",
                )
