"""A programme's recipient list (daftar penerima) of a period, imported: every row checked, then applied all or
nothing (issue 12, item 8: memberships "imported recipient lists or recorded").

The district office (casbin `programme-membership, create`, the same right as recording one membership) uploads the
list a programme's office sends: one row per family and programme, its No. KK, optionally the NIK of its head, the
programme by its code or name, and its status (aktif, ditangguhkan, dihentikan; empty reads as aktif). The columns
are reports/interchange.py `RECIPIENTS`, read tolerantly by the one sheet reader.

- A row that cannot be read or breaks a rule (a No. KK or NIK of the wrong shape, a programme the console does not
  know, a family and programme twice, a control character) is a row error; so is a family the register does not
  hold in the importer's scope (never created) and a head whose NIK differs from the register's. Any row error
  refuses the file whole, every error listed, nothing changed.
- Each row becomes the family's membership of the period (source `diimpor`), or changes the status of the one
  already there; a membership already as the row says is left alone, so the same list twice changes nothing (and
  writes no audit entry). Every written row has its audit row (the flush hooks) and the import an IMPORT entry, in
  the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from models import (
    AuditAction,
    FamilyRelation,
    Household,
    Member,
    MembershipSource,
    MembershipStatus,
    Programme,
    ProgrammeMembership,
)
from models.base import regency_join
from models.identity import check_nik, check_no_kk, mask_identity_number
from models.periods import parse_period
from models.text import control_problem
from reports.bnba_codes import normalise
from reports.bnba_sheet import ParsedSheet, RowError, SheetRow, read_sheet
from reports.bulk_insert import in_chunks
from reports.interchange import RECIPIENTS
from reports.xlsx_upload import UploadLimits

IMPORTING = ("programme-membership", "create")
UNKNOWN_FAMILY = "Keluarga dengan No. KK ini tidak terdaftar di register wilayah Anda (tidak dibuat dari daftar)."
HEAD_DIFFERS = "NIK kepala keluarga berbeda dengan data register ({nik}); perbaiki data keluarga lebih dulu."
UNKNOWN_PROGRAMME = "Program '{name}' tidak dikenal; gunakan kode atau nama program yang aktif (Program > Program)."
TWICE = "Keluarga ini sudah tertulis untuk program yang sama di baris {row}."


class RecipientsRefused(ValueError):
    """The list has row errors: nothing was applied. The message is in Bahasa Indonesia."""

    def __init__(self, plan: RecipientPlan) -> None:
        first = f" Kesalahan pertama: {plan.errors[0].describe()}" if plan.errors else ""
        super().__init__(
            f"Impor daftar penerima dibatalkan: {len(plan.errors)} kesalahan; tidak ada data yang diubah.{first}"
        )
        self.plan = plan


@dataclass(frozen=True)
class RecipientRow:
    row: int
    no_kk: str
    head_nik: str | None
    programme_id: int
    status: MembershipStatus


@dataclass
class RecipientPlan:
    """What the list holds and what importing it did (or would have done)."""

    period: str
    sheet_name: str
    data_rows: int
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Family:
    id: int
    region_code: str
    head_nik: str | None


def import_recipients(session: Session, actor: Actor, period: str, data: bytes, limits: UploadLimits) -> RecipientPlan:
    """Check the list against the rules and the register in the actor's scope, then apply it in the caller's
    transaction; RecipientsRefused (nothing written) when any row has an error, SheetRefused for the file itself,
    Invalid for a period that is not a quarter."""
    actor.require(IMPORTING)
    period = parse_period(period)
    parsed = read_sheet(data, limits, RECIPIENTS)
    plan = RecipientPlan(period, parsed.sheet_name, len(parsed.rows), parsed.errors)
    rows = _checked_rows(parsed, _programmes(session))
    families = _families(session, actor, [row.no_kk for row in rows])
    for row in rows:
        family = families.get(row.no_kk)
        if family is None:
            parsed.add(row.row, "no_kk", UNKNOWN_FAMILY)
        elif row.head_nik and family.head_nik and row.head_nik != family.head_nik:
            parsed.add(row.row, "head_nik", HEAD_DIFFERS.format(nik=mask_identity_number(family.head_nik)))
    plan.errors.sort(key=lambda error: (error.row, error.column))
    if not plan.ok:
        raise RecipientsRefused(plan)
    held = _memberships(session, period, [family.id for family in families.values()])
    for row in rows:
        family = families[row.no_kk]
        membership = held.get((family.id, row.programme_id))
        if membership is None:
            session.add(
                ProgrammeMembership(
                    household_id=family.id,
                    programme_id=row.programme_id,
                    period=period,
                    status=row.status,
                    source=MembershipSource.IMPORTED,
                    region_code=family.region_code,
                )
            )
            plan.created += 1
        elif membership.status != row.status:
            membership.status = row.status
            plan.updated += 1
        else:
            plan.unchanged += 1
    session.flush()
    if plan.created or plan.updated:
        record(
            session,
            AuditAction.IMPORT,
            object_type="programme_membership",
            object_id=period,
            region_code=actor.scope.code or "",
            message=(
                f"Impor daftar penerima program {period}: {plan.created} baru, {plan.updated} berubah status, "
                f"{plan.unchanged} tetap."
            ),
            after={"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged},
        )
    return plan


def _programmes(session: Session) -> dict[str, int]:
    """The active programmes by their normalised code and name."""
    found: dict[str, int] = {}
    for pk, code, name in session.execute(
        select(Programme.id, Programme.code, Programme.name).where(Programme.is_active)
    ):
        found.setdefault(normalise(code), pk)
        found.setdefault(normalise(name), pk)
    return found


def _checked_rows(parsed: ParsedSheet, programmes: dict[str, int]) -> list[RecipientRow]:
    rows: list[RecipientRow] = []
    first_row: dict[tuple[str, int], int] = {}
    for sheet_row in parsed.rows:
        before = len(parsed.errors)
        checked = _checked_row(parsed, sheet_row, programmes)
        if checked is not None:
            key = (checked.no_kk, checked.programme_id)
            if key in first_row:
                parsed.add(sheet_row.number, "no_kk", TWICE.format(row=first_row[key]))
            else:
                first_row[key] = sheet_row.number
        if checked is not None and len(parsed.errors) == before:
            rows.append(checked)
    return rows


def _checked_row(parsed: ParsedSheet, row: SheetRow, programmes: dict[str, int]) -> RecipientRow | None:
    add = parsed.add
    no_kk, head_nik, programme, status = (row.get(key) for key in ("no_kk", "head_nik", "programme", "status"))
    if no_kk:
        for message in check_no_kk(no_kk).errors:
            add(row.number, "no_kk", message)
    if head_nik:
        for message in check_nik(head_nik).errors:
            add(row.number, "head_nik", message)
    for key in ("head_name", "programme"):
        value = row.get(key)
        if isinstance(value, str) and (problem := control_problem(value, multiline=False)):
            add(row.number, key, problem)
    programme_id = programmes.get(normalise(programme)) if programme else None
    if programme and programme_id is None:
        add(row.number, "programme", UNKNOWN_PROGRAMME.format(name=str(programme)[:40]))
    if "status" in row.values and status is None:
        status = MembershipStatus.ACTIVE  # an empty STATUS: the list names its recipients
    if not (no_kk and programme_id is not None and isinstance(status, MembershipStatus)):
        return None
    return RecipientRow(row.number, no_kk, head_nik or None, programme_id, status)


def _families(session: Session, actor: Actor, numbers: list[str]) -> dict[str, _Family]:
    """The families of these No. KK in the actor's scope, with the NIK of their head."""
    found: dict[str, _Family] = {}
    for chunk in in_chunks(sorted(set(numbers))):
        statement = (
            select(Household.id, Household.no_kk, Household.region_code, Member.nik)
            .outerjoin(
                Member, regency_join(Household, Member.household_id) & (Member.family_relation == FamilyRelation.HEAD)
            )
            .where(Household.no_kk.in_(chunk), actor.scope.condition(Household.region_code))
        )
        for pk, no_kk, region_code, head_nik in session.execute(statement):
            found[no_kk] = _Family(pk, region_code, head_nik)
    return found


def _memberships(session: Session, period: str, household_ids: list[int]) -> dict[tuple[int, int], ProgrammeMembership]:
    held: dict[tuple[int, int], ProgrammeMembership] = {}
    for chunk in in_chunks(sorted(household_ids)):
        statement = select(ProgrammeMembership).where(
            ProgrammeMembership.period == period, ProgrammeMembership.household_id.in_(chunk)
        )
        for membership in session.scalars(statement):
            held[(membership.household_id, membership.programme_id)] = membership
    return held
