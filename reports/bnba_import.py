"""The BNBA import: a checked sheet becomes households, members and draft proposals, all or nothing.

`plan_import` reads the sheet (reports/bnba_sheet.py), checks every row, then checks against the database in
a few IN queries per 500 numbers (never one query per row): NIKs and No. KKs already registered, village codes
that exist. A KK already registered with exactly the same household and members is "already imported" and
skipped, so importing the same sheet twice creates nothing twice; a KK registered with other data is an
error (changes to a registered family go through a correction proposal, not an import).

`apply_import` plans again inside the caller's transaction (someone may have registered a NIK since the
preview) and, only when no row has an error, adds the households, members and draft proposals, each proposal
with the creation row of its status history: Core bulk inserts, WRITE_CHUNK households at a time, with their
audit rows and every guard of the write path (reports/bulk_insert.py), no ORM objects kept. The caller writes
the IMPORT audit entry and commits (DESIGN section 5: reports never import the console).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.household import Household
from models.member import MaritalStatus, Member
from models.proposal import Proposal, ProposalHistory, ProposalKind, ProposalStatus
from models.region import Region
from models.user import User
from policies.scope import Scope
from reports.bnba_sheet import ParsedSheet, RowError, SheetRow, check_rows, read_bnba, removal_reason
from reports.bulk_insert import BulkInsert, in_chunks
from reports.xlsx_upload import UploadLimits

WRITE_CHUNK = 1000  # households per round of inserts (~4,000 members): memory stays flat at the 50,000-row cap
MEMBER_KEYS = ("nik", "name", "sex", "birth_place", "birth_date", "family_relation", "mother_name")
MEMBER_KEYS_WITH_DEFAULTS = (*MEMBER_KEYS, "marital_status", "occupation")
CREATED_NOTE = "Dibuat dari impor BNBA"


class ImportRefused(ValueError):
    """The sheet has errors (or gained some since the preview): nothing was applied."""

    def __init__(self, plan: ImportPlan) -> None:
        first = f" Kesalahan pertama di baris {plan.errors[0].row}." if plan.errors else ""
        super().__init__(f"Impor dibatalkan: {len(plan.errors)} kesalahan; tidak ada data yang diubah.{first}")
        self.plan = plan


@dataclass
class PlannedHousehold:
    """A household to create from the rows of one No. KK."""

    no_kk: str
    rows: list[SheetRow]

    @property
    def first(self) -> SheetRow:
        return self.rows[0]

    def household_fields(self) -> dict[str, Any]:
        first = self.first
        return {
            "no_kk": self.no_kk,
            "region_code": first.get("region_code"),
            "address": first.get("address") or "",
            "rt": first.get("rt") or "",
            "rw": first.get("rw") or "",
        }


@dataclass
class ImportPlan:
    """What an import would do (or did): households to create, KKs skipped as already imported, every error."""

    sheet_name: str
    header_row: int
    data_rows: int
    households: list[PlannedHousehold] = field(default_factory=list)
    skipped_households: int = 0
    skipped_members: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def members(self) -> int:
        return sum(len(planned.rows) for planned in self.households)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.data_rows,
            "households": len(self.households),
            "members": self.members,
            "proposals": len(self.households),
            "skipped_households": self.skipped_households,
            "skipped_members": self.skipped_members,
            "errors": len(self.errors),
        }

    def errors_by_row(self) -> dict[int, list[RowError]]:
        found: dict[int, list[RowError]] = {}
        for error in self.errors:
            found.setdefault(error.row, []).append(error)
        return found


def member_fields(row: SheetRow) -> dict[str, Any]:
    """The member columns as they are stored (empty text as "", the default marital status)."""
    values = {key: row.get(key) for key in MEMBER_KEYS}
    for key in ("birth_place", "mother_name"):
        values[key] = values[key] or ""
    values["marital_status"] = row.get("marital_status") or MaritalStatus.SINGLE
    values["occupation"] = row.get("occupation") or ""
    return values


def plan_import(session: Session, data: bytes, scope: Scope, limits: UploadLimits) -> ImportPlan:
    """Read and check the sheet against the rules and the database; SheetRefused for a file-level problem."""
    parsed = read_bnba(data, limits)
    check_rows(parsed, scope)
    plan = ImportPlan(parsed.sheet_name, parsed.header_row, len(parsed.rows), errors=parsed.errors)
    _check_regions_exist(session, parsed, plan)
    groups = parsed.by_kk()
    registered = _registered_households(session, list(groups))
    owner_of_nik = _registered_niks(session, [row.get("nik") for row in parsed.rows if row.get("nik")])
    for no_kk, rows in groups.items():
        existing = registered.get(no_kk)
        if existing is not None:
            _compare_registered(plan, rows, existing, scope)
            continue
        for row in rows:
            if row.get("nik") in owner_of_nik:
                plan.errors.append(RowError(row.number, "NIK", "NIK ini sudah terdaftar di konsol pada keluarga lain."))
        plan.households.append(PlannedHousehold(no_kk, rows))
    plan.errors.sort(key=lambda error: (error.row, error.column))
    return plan


def _check_regions_exist(session: Session, parsed: ParsedSheet, plan: ImportPlan) -> None:
    codes = sorted({row.get("region_code") for row in parsed.rows if row.get("region_code")})
    known: set[str] = set()
    for chunk in in_chunks(codes):
        known.update(session.scalars(select(Region.code).where(Region.code.in_(chunk))))
    reported = {(error.row, error.column) for error in plan.errors}
    for row in parsed.rows:
        code = row.get("region_code")
        if code and code not in known and (row.number, "KODE WILAYAH") not in reported:
            plan.errors.append(RowError(row.number, "KODE WILAYAH", f"KODE WILAYAH {code} tidak ada di tabel wilayah."))


@dataclass
class _Registered:
    fields: dict[str, Any]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)


def _registered_households(session: Session, numbers: list[str]) -> dict[str, _Registered]:
    found: dict[str, _Registered] = {}
    ids: dict[int, str] = {}
    columns = (Household.id, Household.no_kk, Household.region_code, Household.address, Household.rt, Household.rw)
    for chunk in in_chunks(numbers):
        for household_id, no_kk, region_code, address, rt, rw in session.execute(
            select(*columns).where(Household.no_kk.in_(chunk))
        ):
            fields = {"no_kk": no_kk, "region_code": region_code, "address": address, "rt": rt, "rw": rw}
            found[no_kk] = _Registered(fields)
            ids[household_id] = no_kk
    member_columns = [getattr(Member, key) for key in MEMBER_KEYS_WITH_DEFAULTS]
    for household_ids in in_chunks(list(ids)):
        for household_id, *values in session.execute(
            select(Member.household_id, *member_columns).where(Member.household_id.in_(household_ids))
        ):
            member = dict(zip(MEMBER_KEYS_WITH_DEFAULTS, values, strict=True))
            found[ids[household_id]].members[member["nik"]] = member
    return found


def _registered_niks(session: Session, niks: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in in_chunks(niks):
        found.update(session.scalars(select(Member.nik).where(Member.nik.in_(chunk))))
    return found


def _compare_registered(plan: ImportPlan, rows: list[SheetRow], existing: _Registered, scope: Scope) -> None:
    """Skip a KK registered with the very same data; anything else about a registered KK is an error."""
    first = rows[0]
    if not scope.holds(existing.fields["region_code"]):
        plan.errors.append(RowError(first.number, "NO KK", "No. KK ini sudah terdaftar di wilayah lain."))
        return
    differences = [
        header
        for key, header in (("region_code", "KODE WILAYAH"), ("address", "ALAMAT"), ("rt", "RT"), ("rw", "RW"))
        if PlannedHousehold(first.get("no_kk"), rows).household_fields()[key] != existing.fields[key]
    ]
    sheet_members = {row.get("nik"): member_fields(row) for row in rows}
    if sheet_members.keys() != existing.members.keys():
        differences.append("daftar anggota (NIK)")
    elif any(sheet_members[nik] != existing.members[nik] for nik in sheet_members):
        differences.append("data anggota")
    if differences:
        plan.errors.append(
            RowError(
                first.number,
                "NO KK",
                f"No. KK ini sudah terdaftar dengan data berbeda ({', '.join(differences)}). Perubahan data keluarga "
                "terdaftar diajukan melalui usulan perbaikan data, bukan impor.",
            )
        )
        return
    plan.skipped_households += 1
    plan.skipped_members += len(rows)


def apply_import(session: Session, data: bytes, scope: Scope, actor: User, limits: UploadLimits) -> ImportPlan:
    """Plan again in the caller's transaction and add everything, or raise ImportRefused and add nothing."""
    plan = plan_import(session, data, scope, limits)
    if not plan.ok:
        raise ImportRefused(plan)
    bulk = BulkInsert(session)
    now = datetime.now(UTC)
    for start in range(0, len(plan.households), WRITE_CHUNK):
        _write(bulk, plan.households[start : start + WRITE_CHUNK], actor, now)
        bulk.write_audit()
    return plan


def _write(bulk: BulkInsert, households: Sequence[PlannedHousehold], actor: User, now: datetime) -> None:
    """Households, their members, their draft proposals and each proposal's creation row of its history."""
    household_ids = bulk.rows(Household, [planned.household_fields() for planned in households])
    regions = [planned.first.get("region_code") for planned in households]
    members = [
        {"household_id": household_id, "region_code": region_code, **member_fields(row)}
        for household_id, region_code, planned in zip(household_ids, regions, households, strict=True)
        for row in planned.rows
    ]
    bulk.rows(Member, members)
    proposal_ids = bulk.rows(
        Proposal,
        [
            _proposal_fields(planned.first, household_id, region_code, actor, now)
            for household_id, region_code, planned in zip(household_ids, regions, households, strict=True)
        ],
    )
    # The creation row of the status history, as every draft gets (models/workflow.py moves it from here).
    history = [
        {
            "proposal_id": proposal_id,
            "region_code": region_code,
            "from_status": None,
            "to_status": ProposalStatus.DRAFT,
            "actor_id": actor.id,
            "actor_name": actor.full_name,
            "at": now,
            "note": CREATED_NOTE,
        }
        for proposal_id, region_code in zip(proposal_ids, regions, strict=True)
    ]
    bulk.rows(ProposalHistory, history)


def _proposal_fields(
    first: SheetRow, household_id: int, region_code: str, actor: User, now: datetime
) -> dict[str, Any]:
    kind = first.get("proposal_kind") or ProposalKind.NEW
    return {
        "kind": kind,
        "household_id": household_id,
        "region_code": region_code,
        "reason": first.get("reason") or "",
        "removal_reason": removal_reason(first) if kind == ProposalKind.REMOVE else None,
        "status_changed_at": now,
        "created_by_id": actor.id,
    }
