"""The outgoing interchange file (reports/interchange.py `PROPOSALS_OUT`, docs/INTERCHANGE.md "Direction out").

The district's verified proposals that a signed district SK (SK Pengesahan Bupati/Walikota) ratified, for a scope
and optionally one such SK: one row per member of each proposal's household in the BNBA columns, then the
proposal's id, the SK's number and date, the proposal's status and the specification's version. Written by the BNBA
writer (reports/bnba_export.py: the same member query, `bnba_rows`, masking and the constant-memory `write_table`),
so it streams like the other exports and continues on "Usulan (2)"... past a sheet's rows.

A member's row is the SK's annex as it was signed (models/decree_annex.py) where that annex was kept, else the
household as it stands (a decree signed before the annex was kept): the file carries what the Bupati ratified.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, exists, literal, select, union_all
from sqlalchemy.orm import Session

from models.base import regency_join
from models.decree import Decree, DecreeKind, decree_proposal
from models.decree_annex import MEMBER_COLUMNS, DecreeAnnexRow
from models.household import Household
from models.member import Member
from models.proposal import Proposal
from models.region_codes import region_name
from policies.scope import Scope
from reports.bnba import export_value
from reports.bnba_export import _head_first, _reason, bnba_rows, sheet_columns, streamed
from reports.interchange import (
    INTERCHANGE_COLUMNS,
    INTERCHANGE_VERSION,
    PROPOSAL_OUT_COLUMNS,
    PROPOSAL_OUT_STATUSES,
    PROPOSALS_OUT_TITLE,
)
from reports.xlsx import ExportFile, safe_file_name, write_table

SHEET_NAME = "Usulan"
PROPOSALS_OUT_SHEET_COLUMNS = sheet_columns(PROPOSAL_OUT_COLUMNS)
# The columns of both halves of the query, by name: the member's (as the annex keeps them), the proposal's, the
# interchange's, then the keys the rows are ordered by.
_PROPOSAL = ("proposal_kind", "reason", "removal_reason", "remarks")
_INTERCHANGE = ("proposal_id", "decree_number", "decree_date", "proposal_status")
_ORDER = ("decree_id", "sort_first", "sort_second")
_NAMES = (*MEMBER_COLUMNS, *_PROPOSAL, *_INTERCHANGE, *_ORDER)
# The same member columns read from the household as it stands (the first five are the household's).
_LIVE_MEMBER = (
    *(getattr(Household, name) for name in MEMBER_COLUMNS[:5]),
    *(getattr(Member, name) for name in MEMBER_COLUMNS[5:]),
)


def _named(columns: Sequence[Any]) -> list[Any]:
    return [column.label(name) for column, name in zip(columns, _NAMES, strict=True)]


def _ratified(scope: Scope, decree_id: int | None) -> list[ColumnElement[bool]]:
    """Proposals in the file: in a signed district SK, ratified or past it, inside `scope` (and that SK)."""
    conditions = [
        Decree.kind == DecreeKind.DISTRICT_RATIFICATION,
        Decree.signed_at.is_not(None),
        Proposal.status.in_(PROPOSAL_OUT_STATUSES),
        scope.condition(Proposal.region_code),
    ]
    if decree_id is not None:
        conditions.append(Decree.id == decree_id)
    return conditions


def proposals_out_statement(scope: Scope, decree_id: int | None = None) -> Select[*tuple[Any, ...]]:
    """The file's rows in order (SK date, SK, proposal, the head first): member columns, kind, reason, removal
    reason, remarks, then proposal id, SK number, SK date and status; from the kept annex or the live household."""
    conditions = _ratified(scope, decree_id)
    kept = (
        select(
            *_named(
                (
                    *(getattr(DecreeAnnexRow, name) for name in MEMBER_COLUMNS),
                    DecreeAnnexRow.proposal_kind,
                    DecreeAnnexRow.reason,
                    DecreeAnnexRow.removal_reason,
                    literal("", String),
                    Proposal.id,
                    Decree.number,
                    Decree.decree_date,
                    Proposal.status,
                    Decree.id,
                    DecreeAnnexRow.position,
                    literal(0, Integer),
                )
            )
        )
        .select_from(DecreeAnnexRow)
        .join(Decree, Decree.id == DecreeAnnexRow.decree_id)
        .join(Proposal, regency_join(Proposal, DecreeAnnexRow.proposal_id))
        .where(*conditions)
    )
    live_columns = (
        *_LIVE_MEMBER,
        Proposal.kind,
        Proposal.reason,
        Proposal.removal_reason,
        literal("", String),
        Proposal.id,
        Decree.number,
        Decree.decree_date,
        Proposal.status,
        Decree.id,
        _head_first(),
        Member.id,
    )
    live = (
        select(*_named(live_columns))
        .select_from(decree_proposal)
        .join(Decree, Decree.id == decree_proposal.c.decree_id)
        .join(Proposal, regency_join(Proposal, decree_proposal.c.proposal_id))
        .join(Household, regency_join(Household, Proposal.household_id))
        .join(Member, regency_join(Household, Member.household_id))
        .where(*conditions, ~exists().where(DecreeAnnexRow.decree_id == Decree.id))
    )
    rows = union_all(kept, live).subquery("interchange_rows")
    order = (rows.c.decree_date, rows.c.decree_id, rows.c.proposal_id, rows.c.sort_first, rows.c.sort_second)
    return select(*(rows.c[name] for name in _NAMES[: -len(_ORDER)])).order_by(*order)


def _interchange_rows(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """(member..., kind, reason, removal, remarks, id, number, date, status) -> the BNBA tuple `bnba_rows` reads,
    the interchange columns' cell values after it."""
    for row in rows:
        *member, kind, reason, removal, remarks, proposal_id, number, decree_date, status = row
        values = (proposal_id, number, decree_date, status, INTERCHANGE_VERSION)
        cells = [export_value(column, value) for column, value in zip(INTERCHANGE_COLUMNS, values, strict=True)]
        yield (*member, kind, _reason(kind, reason, removal), remarks, *cells)


def build_proposals_out(
    session: Session,
    scope: Scope,
    *,
    decree: Decree | None = None,
    full_identity: bool = True,
    sheet_rows: int | None = None,
) -> ExportFile:
    """The outgoing interchange file of `scope` (or of one signed district SK in it), version INTERCHANGE_VERSION.

    NIK and No. KK are masked unless `full_identity` (as on screen); `rows` counts the member rows written.
    """
    where = scope.code or ""
    if decree is not None and decree.region_code and scope.holds(decree.region_code):
        where = decree.region_code  # the SK's regency, inside the scope
    place = (region_name(where) or "") if where else "Nasional"
    if decree is not None:
        which = f"SK PENGESAHAN: NOMOR {decree.number or '(draf)'} TANGGAL {decree.decree_date.strftime('%d-%m-%Y')}"
    else:
        which = "SK PENGESAHAN: semua SK Bupati/Walikota yang sudah ditandatangani"
    title = [
        "DAFTAR USULAN TERVERIFIKASI YANG DISAHKAN SK BUPATI/WALIKOTA",
        PROPOSALS_OUT_TITLE,
        f"WILAYAH: {where or '-'} {place.upper()}".strip(),
        which,
    ]
    suffix = f"_SK-{safe_file_name(decree.number or '')}" if decree is not None else ""
    filename = f"Usulan_SIKS-NG_v{INTERCHANGE_VERSION}_{safe_file_name(where, 'nasional')}{suffix}.xlsx"
    stmt = proposals_out_statement(scope, decree.id if decree is not None else None)
    rows = bnba_rows(_interchange_rows(streamed(session, stmt)), full_identity=full_identity)
    return write_table(filename, SHEET_NAME, PROPOSALS_OUT_SHEET_COLUMNS, rows, title=title, sheet_rows=sheet_rows)
