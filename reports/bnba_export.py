"""BNBA exports: the SK annex, the Musdes BA annex and a region's DTKS roster (one row per member).

Each is a plain function of a Session (no HTTP): the console, the CLI, the benchmark and the tests call the
same code. Rows are streamed from a Core select (tuples, `yield_per`, a server-side cursor on PostgreSQL)
straight into the constant-memory writer of reports/xlsx.py; region names are resolved once per code.
The columns are the one specification of reports/bnba.py, so an exported sheet imports back unchanged.

Each workbook holds the same rows twice (issue 13): first a printable sheet ("Lampiran", or "Daftar" for the
roster) with the columns a decree's annex lists, laid out to print one page wide on A4/F4 landscape at 8 pt or
more with "Halaman n dari m" on every page; then the full 22-column BNBA sheet ("BNBA"), the one exchanged and
imported (the sheet reader finds it by its header). Past a sheet's row limit both continue ("Lampiran",
"Lampiran (2)", "BNBA", "BNBA (2)", ...); the file's `rows` and `sheets` count the BNBA rows and the BNBA sheets
they run over (the printable sheets carry the same rows again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, exists, func, literal, select, text
from sqlalchemy.orm import Session

from models.decree import Decree, decree_proposal
from models.decree_annex import DecreeAnnexRow, annex_snapshot
from models.determination import HouseholdPeriod, StandingAsOf
from models.household import DtksStatus, Household
from models.identity import mask_identity_number
from models.meeting import Meeting, MeetingDecision
from models.member import FamilyRelation, Member
from models.office_names import names_for
from models.proposal import Proposal, ProposalKind
from models.region import within_region
from models.region_codes import ancestors_of, region_name
from policies.scope import Scope
from reports.bnba import (
    BNBA_COLUMNS,
    BNBA_KEYS,
    BNBA_PRINT_COLUMNS,
    PRINTED_REMARKS,
    BnbaColumn,
    CellKind,
    printed_remarks,
)
from reports.xlsx import Column, ExportFile, Kind, SafeWorkbook, TableSheet, safe_file_name
from reports.xlsx_table import keep_together

YIELD_PER = 2000
SHEET_NAME = "BNBA"
ANNEX_PRINT_SHEET = "Lampiran"
ROSTER_PRINT_SHEET = "Daftar"
FAN_OUT_ROWS = 1000  # rows handed to both sheets at a time: each table writes a batch in its own tight loop
Progress = Callable[[int, int], None]
"""`progress(done, total)`: BNBA rows written so far, after each batch, and the rows in all (0 while unknown; the
last call, once the rows ran out, passes the count written as both): console/progress.py's `Report`."""
_KIND = {
    CellKind.TEXT: Kind.TEXT,
    CellKind.CODED: Kind.TEXT,
    CellKind.DIGITS: Kind.DIGITS,
    CellKind.DATE: Kind.DATE,
    CellKind.NUMBER: Kind.NUMBER,
    CellKind.INTEGER: Kind.NUMBER,
}


def sheet_columns(columns: Iterable[BnbaColumn]) -> tuple[Column, ...]:
    """The writer's columns of a sheet specification's columns (the BNBA's, or an interchange file's)."""
    return tuple(Column(column.header, _KIND[column.kind], column.width) for column in columns)


BNBA_SHEET_COLUMNS: tuple[Column, ...] = sheet_columns(BNBA_COLUMNS)
BNBA_PRINT_SHEET_COLUMNS: tuple[Column, ...] = sheet_columns(BNBA_PRINT_COLUMNS)
# Where each printed column but KETERANGAN sits in a full BNBA row, and where the parts of KETERANGAN do.
_PRINTED = itemgetter(*(BNBA_KEYS.index(column.key) for column in BNBA_PRINT_COLUMNS[:-1]))
_REMARKS = itemgetter(*(BNBA_KEYS.index(key) for key in PRINTED_REMARKS))
if BNBA_PRINT_COLUMNS[-1].key != "remarks":  # pragma: no cover - printed_row writes KETERANGAN last
    raise RuntimeError("the printable BNBA columns must end with KETERANGAN")


def printed_row(row: Sequence[Any]) -> list[Any]:
    """A full BNBA row's cells on the printable sheet."""
    return [*_PRINTED(row), printed_remarks(*_REMARKS(row))]


# The order `bnba_rows` fills a row in; checked against the specification at import, so the two never drift.
_ROW_KEYS = (
    "number",
    "region_code",
    "province_name",
    "regency_name",
    "kecamatan_name",
    "village_name",
    "address",
    "rt",
    "rw",
    "no_kk",
    "nik",
    "name",
    "family_relation",
    "sex",
    "birth_place",
    "birth_date",
    "mother_name",
    "marital_status",
    "occupation",
    "proposal_kind",
    "reason",
    "remarks",
)
if _ROW_KEYS != BNBA_KEYS:  # pragma: no cover - a change to reports/bnba.py must be mirrored here
    raise RuntimeError("reports/bnba_export.py fills BNBA rows in an order that differs from BNBA_COLUMNS")


class RegionNames:
    """Province, regency, kecamatan and village names of a village code, looked up once per code."""

    def __init__(self) -> None:
        self._names: dict[str, tuple[str, str, str, str]] = {}

    def __call__(self, code: str) -> tuple[str, str, str, str]:
        found = self._names.get(code)
        if found is None:
            names = [region_name(part) or "" for part in ancestors_of(code)] + ["", "", "", ""]
            found = self._names[code] = (names[0], names[1], names[2], names[3])
        return found


def write_bnba(
    filename: str,
    print_sheet: str,
    rows: Iterable[Sequence[Any]],
    *,
    title: Sequence[str] = (),
    closing: Sequence[str] = (),
    paper: str = "A4",
    sheet_rows: int | None = None,
    progress: Progress | None = None,
    total: int = 0,
) -> ExportFile:
    """The printable sheet, then the full BNBA sheet, each with the kop and the closing lines, from one pass over
    `rows` (full BNBA rows): a batch at a time goes to both, so memory stays flat whatever the row count.

    `progress` is told the rows written after every batch, against `total` when the caller knows it (else 0)."""
    workbook = SafeWorkbook(filename, paper=paper, sheet_rows=sheet_rows)
    try:
        columns = BNBA_PRINT_SHEET_COLUMNS
        printed = TableSheet(workbook, print_sheet, columns, title=title, closing=closing, printable=True)
        table = workbook.table(SHEET_NAME, BNBA_SHEET_COLUMNS, title=title, closing=closing)
        source = iter(rows)
        while batch := list(islice(source, FAN_OUT_ROWS)):
            printed.rows(map(printed_row, batch))
            table.rows(batch)
            if progress is not None:
                progress(table.data_rows, total)
        if progress is not None:
            progress(table.data_rows, table.data_rows)
        printed.finish()
        table.finish()
        keep_together(workbook, printed, table)
    except BaseException:
        workbook.abandon()
        raise
    return workbook.close(table.data_rows, len(table.sheets))


# --- the query: members of households, with the proposal columns each export needs ---


def _head_first() -> Any:
    return case((Member.family_relation == FamilyRelation.HEAD, 0), else_=1)


def _member_select(*extra: Any) -> Select[*tuple[Any, ...]]:
    return select(
        Household.region_code,
        Household.address,
        Household.rt,
        Household.rw,
        Household.no_kk,
        Member.nik,
        Member.name,
        Member.family_relation,
        Member.sex,
        Member.birth_place,
        Member.birth_date,
        Member.mother_name,
        Member.marital_status,
        Member.occupation,
        *extra,
    )


def streamed(session: Session, stmt: Select[*tuple[Any, ...]]) -> Iterator[Any]:
    """Rows of `stmt` in batches (a server-side cursor on PostgreSQL): never the whole result in memory."""
    if session.get_bind().dialect.name == "postgresql":
        # A cursor is planned for its first 10% of rows by default (fast-start nested loops); an export reads
        # every row, so plan for all of them (the 100,000-row period roster: 39 s with the default, 15 s with this).
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    yield from session.execute(stmt.execution_options(yield_per=YIELD_PER))


def bnba_rows(rows: Iterable[Sequence[Any]], *, full_identity: bool) -> Iterator[list[Any]]:
    """Query tuples (member columns, then kind, reason, remarks) -> BNBA cell values in the spec's order.

    Values after the remarks (an interchange file's own columns, reports/interchange_export.py) follow the BNBA
    cells unchanged."""
    names = RegionNames()
    for number, row in enumerate(rows, start=1):
        (
            code,
            address,
            rt,
            rw,
            no_kk,
            nik,
            name,
            relation,
            sex,
            place,
            born,
            mother,
            marital,
            job,
            kind,
            reason,
            note,
            *extra,
        ) = row
        if not full_identity:
            no_kk, nik = mask_identity_number(no_kk), mask_identity_number(nik)
        province, regency, kecamatan, village = names(code)
        yield [
            number,
            code,
            province,
            regency,
            kecamatan,
            village,
            address,
            rt,
            rw,
            no_kk,
            nik,
            name,
            relation.label if relation else None,
            sex.label if sex else None,
            place,
            born,
            mother,
            marital.label if marital else None,
            job,
            kind.label if kind else None,
            reason,
            note,
            *extra,
        ]


def _reason(kind: ProposalKind | None, reason: str | None, removal: Any) -> str:
    """ALASAN: the removal reason's label for removals, then the proposal's own reason text."""
    parts = [removal.label] if kind == ProposalKind.REMOVE and removal is not None else []
    if reason:
        parts.append(reason)
    return "; ".join(parts)


def _with_reason(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """(..., kind, reason, removal_reason, remarks) -> (..., kind, ALASAN, remarks)."""
    for row in rows:
        *member, kind, reason, removal, remarks = row
        yield (*member, kind, _reason(kind, reason, removal), remarks)


def _date_text(value: date) -> str:
    return value.strftime("%d-%m-%Y")


# --- the exports ---


def decree_annex_rows(session: Session, decree: Decree, *, full_identity: bool = True) -> Iterator[list[Any]]:
    """A decree's annex as full BNBA rows, streamed: one per member of each proposal's household, as kept at
    signing for a signed decree (`signed_annex_source`); the spreadsheet and the PDF text both read these."""
    stmt = (
        _member_select(Proposal.kind, Proposal.reason, Proposal.removal_reason, literal(""))
        .select_from(decree_proposal)
        .join(Proposal, Proposal.id == decree_proposal.c.proposal_id)
        .join(Household, Household.id == Proposal.household_id)
        .join(Member, Member.household_id == Household.id)
        .where(decree_proposal.c.decree_id == decree.id)
        .order_by(Proposal.id, _head_first(), Member.id)
    )
    source = signed_annex_source(session, decree, stmt)
    return bnba_rows(_with_reason(streamed(session, source)), full_identity=full_identity)


def build_sk_annex(
    session: Session, decree: Decree, *, full_identity: bool = True, paper: str = "A4", sheet_rows: int | None = None
) -> ExportFile:
    """Lampiran SK Bupati/Wali Kota: kop, one BNBA row per member of each proposal's household, signature.

    The heading and the signature name the head alike (models/office_names.py): "LAMPIRAN KEPUTUSAN WALI KOTA
    BIMA", signed "Bima, <tanggal>" / the decree's signer title (else "Wali Kota Bima") / the signer's name.

    Past a sheet's rows (`sheet_rows`, Excel's limit by default) the annex continues on "BNBA (2)"... with the
    same kop; the signature block closes the last sheet (reports/xlsx_table.py).
    """
    names = names_for(decree.region_code)  # the regency's (or the ministry's) names, heading and signature alike
    number = decree.number or "(draf)"
    title = [
        names.government,
        f"LAMPIRAN KEPUTUSAN {names.head_title.upper()}",
        f"NOMOR: {number}",
        f"TANGGAL: {_date_text(decree.decree_date)}",
        "TENTANG PENGESAHAN USULAN DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS)",
    ]
    signer = decree.signer_title or names.head_title
    closing = [f"{names.place}, {_date_text(decree.decree_date)}", signer, "", "", "", decree.signer_name]
    filename = f"Lampiran_SK_{safe_file_name(decree.number or '')}_{_date_text(decree.decree_date)}.xlsx"
    rows = decree_annex_rows(session, decree, full_identity=full_identity)
    return write_bnba(
        filename, ANNEX_PRINT_SHEET, rows, title=title, closing=closing, paper=paper, sheet_rows=sheet_rows
    )


def signed_annex_source(session: Session, decree: Decree, live: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """A signed decree's annex rows as kept at signing (models/decree_annex.py), else `live` (a draft, or a
    decree signed before the rows were kept): a member edited after signing no longer changes a signed SK."""
    if decree.is_signed and session.scalar(select(exists().where(DecreeAnnexRow.decree_id == decree.id))):
        return annex_snapshot(decree.id)
    return live


def _decision_text(decision: Any, note: str | None) -> str:
    label = decision.label if decision is not None else "Belum diputus"
    return f"{label}: {note}" if note else label


def build_musdes_annex(
    session: Session, meeting: Meeting, *, full_identity: bool = True, paper: str = "A4", sheet_rows: int | None = None
) -> ExportFile:
    """Lampiran BA Musdes/Muskel: the agenda's BNBA rows with the meeting's decision in KETERANGAN."""
    stmt = (
        _member_select(
            Proposal.kind, Proposal.reason, Proposal.removal_reason, MeetingDecision.decision, MeetingDecision.note
        )
        .select_from(MeetingDecision)
        .join(Proposal, Proposal.id == MeetingDecision.proposal_id)
        .join(Household, Household.id == Proposal.household_id)
        .join(Member, Member.household_id == Household.id)
        .where(MeetingDecision.meeting_id == meeting.id)
        .order_by(Proposal.id, _head_first(), Member.id)
    )
    _, regency, kecamatan, village = RegionNames()(meeting.region_code)
    title = [
        f"LAMPIRAN BERITA ACARA {meeting.kind.label.upper()}",
        f"NOMOR BA: {meeting.ba_number or '-'}",
        f"DESA/KELURAHAN {village.upper()}, KECAMATAN {kecamatan.upper()}, {regency.upper()}",
        f"TANGGAL MUSYAWARAH: {_date_text(meeting.held_on)} · TEMPAT: {meeting.place}",
    ]

    def with_decision(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        for row in rows:
            *member, kind, reason, removal, decision, note = row
            yield (*member, kind, _reason(kind, reason, removal), _decision_text(decision, note))

    filename = f"Lampiran_BA_Musdes_{safe_file_name(village, 'desa')}_{_date_text(meeting.held_on)}.xlsx"
    rows = bnba_rows(with_decision(streamed(session, stmt)), full_identity=full_identity)
    return write_bnba(filename, ANNEX_PRINT_SHEET, rows, title=title, paper=paper, sheet_rows=sheet_rows)


def _desil_text(desil: Any) -> Any:
    """KETERANGAN of a roster row, "Desil 3" (empty without a desil), said by the query: no Python pass per row."""
    return case((desil.is_not(None), literal("Desil ") + cast(desil, String)), else_=literal(""))


def roster_statement(scope: Scope, region_code: str | None, period: str | None) -> Select[*tuple[Any, ...]]:
    """Members of the households in the DTKS within `scope` (and `region_code`): now, or as of `period`.

    As of a period, a household's standing is its latest per-period row at or before it (a household
    removed since still appears in an earlier period's roster): models.determination.StandingAsOf.
    """
    region = scope.condition(Household.region_code)
    if region_code:
        region = and_(region, within_region(Household.region_code, region_code))
    if period:
        standing = StandingAsOf.of(period, scope.condition(HouseholdPeriod.region_code))
        stmt = (
            _member_select(literal(None), literal(""), _desil_text(standing.desil))
            .select_from(Household)
            .outerjoin(standing.latest, standing.joined_on(Household.id))
            .where(standing.registered, region)
        )
    else:
        stmt = (
            _member_select(literal(None), literal(""), _desil_text(Household.desil))
            .select_from(Household)
            .where(Household.dtks_status == DtksStatus.REGISTERED, region)
        )
    stmt = stmt.join(Member, Member.household_id == Household.id)
    return stmt.order_by(Household.region_code, Household.id, _head_first(), Member.id)


def build_roster(
    session: Session,
    scope: Scope,
    *,
    region_code: str | None = None,
    period: str | None = None,
    full_identity: bool = True,
    sheet_rows: int | None = None,
    progress: Progress | None = None,
    count_first: bool = False,
) -> ExportFile:
    """A region's DTKS roster (BNBA rows); KETERANGAN carries the household's desil.

    `progress(done, total)` is told the rows written after every batch of FAN_OUT_ROWS; `total` is 0 (unknown)
    unless `count_first` asks for the rows to be counted before they are written (one more query).

    A province's roster outgrows one sheet (1.25M rows against Excel's 1,048,576): it continues on
    "BNBA (2)"..., and `rows` of the result counts every row written (reports/xlsx_table.py).
    """
    where = region_code or scope.code or ""
    place = region_name(where) if where else "Nasional"
    title = [
        "DAFTAR KELUARGA TERDAFTAR DALAM DTKS",
        f"WILAYAH: {where or '-'} {(place or '').upper()}".strip(),
        f"PERIODE: {period or 'terkini'}",
    ]

    filename = f"DTKS_{safe_file_name(where, 'nasional')}_{safe_file_name(period or '', 'terkini')}.xlsx"
    stmt = roster_statement(scope, region_code, period)
    total = 0
    if progress is not None and count_first:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = bnba_rows(streamed(session, stmt), full_identity=full_identity)
    return write_bnba(
        filename, ROSTER_PRINT_SHEET, rows, title=title, sheet_rows=sheet_rows, progress=progress, total=total
    )
