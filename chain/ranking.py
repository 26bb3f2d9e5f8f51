"""The BPS ranking file of a period, imported (DTSEN): every row checked, then applied all or nothing.

The ministry desk imports the file BPS and Kemensos send back (the whole nation, or any region); a district office
imports the one for its own families (casbin `ranking, import`, the importer's scope on every row). A row names a
family by its No. KK and the NIK of its head and gives its desil, or the Dukcapil matching's refusal (NIK not found,
inactive, duplicate); the columns are reports/interchange.py `RESULTS`, read tolerantly by the one sheet reader.

- A row that cannot be read or breaks a rule (a No. KK or NIK of the wrong shape, a desil outside 1-10, a desil
  beside a refusal, a family twice, another period than the one imported) is a row error: the file is refused whole
  with every error listed, nothing changed.
- A family the register does not hold in the importer's scope is reported as unknown, never created; one whose head
  in the register has another NIK is reported too and not applied (the family's data needs a correction first).
- Each known family's result of the period is recorded (`RankingResult`, one per family per period, the periods its
  history). A family already in the register (terdaftar) takes the desil as its standing of the period
  (`HouseholdPeriod`) and its current desil; a proposed family keeps its standing until the SK Penetapan of the
  period determines it by this desil (chain/determination.py in the DTSEN mode).
- When the importer takes the ministry's matching steps (pusdatin), a forwarded proposal of a family in the file is
  received (ranked) or rejected with the refusal as its reason (`reject_nik`): it returns to its village, which
  proposes it again through its next Musdes (chain/resubmission.py).
- The same file for the same period and region is recognised by its SHA-256 and changes nothing; another file with
  the same results changes nothing either (only a result that differs is written). Every written row has its audit
  row (the flush hooks), and the import its IMPORT entry, in the caller's one transaction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from chain.periods import open_period
from chain.proposals import apply_recorded, permission
from models import (
    AuditAction,
    DtksStatus,
    FamilyRelation,
    Household,
    HouseholdPeriod,
    Member,
    Proposal,
    ProposalStatus,
)
from models.identity import check_nik, check_no_kk
from models.ranking import RankingImport, RankingResult, RankingStatus
from models.text import control_problem
from reports.bnba_sheet import ParsedSheet, RowError, SheetRow, read_sheet
from reports.bulk_insert import BulkInsert, in_chunks
from reports.interchange import RESULTS
from reports.xlsx_upload import UploadLimits

IMPORTING = ("ranking", "import")
_DATED_PERIOD = re.compile(r"([0-9]{4}-[0-9]{2})-01(?: 00:00:00)?")
WRITE_CHUNK = 1000  # new results per bulk insert
FILE_NAME_LENGTH = 200


class RankingRefused(ValueError):
    """The file has row errors: nothing was applied. The message is in Bahasa Indonesia."""

    def __init__(self, plan: RankingPlan) -> None:
        first = f" Kesalahan pertama: {plan.errors[0].describe()}" if plan.errors else ""
        super().__init__(
            f"Impor hasil pemeringkatan dibatalkan: {len(plan.errors)} kesalahan; tidak ada data yang diubah.{first}"
        )
        self.plan = plan


@dataclass(frozen=True)
class RankedRow:
    """One checked row of the file."""

    row: int
    no_kk: str
    head_nik: str
    status: RankingStatus
    desil: int | None


@dataclass(frozen=True)
class Unapplied:
    """A row not applied, with why: the family is unknown in the importer's scope, or its head's NIK differs."""

    row: int
    no_kk: str
    reason: str


UNKNOWN = "No. KK tidak ada di register wilayah Anda; keluarga tidak dibuat dari berkas pemeringkatan."
HEAD_DIFFERS = "NIK kepala keluarga berbeda dengan register; perbaiki data keluarga lalu impor ulang."


@dataclass
class RankingPlan:
    """What the import would do (or did) for one period."""

    period: str
    sheet_name: str
    header_row: int
    data_rows: int
    digest: str
    errors: list[RowError] = field(default_factory=list)
    unapplied: list[Unapplied] = field(default_factory=list)
    new: int = 0  # families with their first result of the period
    changed: int = 0  # families whose result of the period differs from the one recorded
    unchanged: int = 0
    ranked: int = 0
    refused: int = 0  # rows with a matching refusal (NIK not found, inactive, duplicate)
    standings: int = 0  # registered families whose standing of the period took the desil
    received: int = 0  # forwarded proposals the file matched and ranked (received by the ministry)
    rejected: int = 0  # forwarded proposals the file refused: back to their village with the reason
    already_imported: RankingImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unknown(self) -> int:
        return len(self.unapplied)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.data_rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "ranked": self.ranked,
            "refused": self.refused,
            "standings": self.standings,
            "received": self.received,
            "rejected": self.rejected,
            "unknown": self.unknown,
            "errors": len(self.errors),
        }


@dataclass
class _Known:
    """A family of the file found in the register: its household, its head's NIK, its result of the period."""

    household_id: int
    region_code: str
    dtks_status: DtksStatus
    head_nik: str | None
    result: RankingResult | None = None


def plan_ranking(session: Session, actor: Actor, period: str, data: bytes, limits: UploadLimits) -> RankingPlan:
    """Read and check the file for `period` against the rules and the register in the actor's scope; reads only.

    SheetRefused for a problem of the file itself; the period's shape and openness are refused first."""
    return _planned(session, actor, period, data, limits)[0]


def import_ranking(
    session: Session, actor: Actor, period: str, data: bytes, limits: UploadLimits, *, file_name: str = ""
) -> RankingPlan:
    """Plan and apply in the caller's transaction: RankingRefused (nothing written) when any row has an error.

    A file already imported for the period and region is reported (`already_imported`) and changes nothing."""
    plan, rows, known = _planned(session, actor, period, data, limits)
    if not plan.ok:
        raise RankingRefused(plan)
    if plan.already_imported is not None:
        return plan
    user = actor.require(IMPORTING)
    skipped = {item.no_kk for item in plan.unapplied}
    applied = [(known[row.no_kk], row) for row in rows if row.no_kk in known and row.no_kk not in skipped]
    batch = RankingImport(
        period=plan.period,
        scope_code=actor.scope.code or "",
        file_sha256=plan.digest,
        file_name=file_name.strip()[:FILE_NAME_LENGTH],
        rows=plan.data_rows,
        ranked=plan.ranked,
        refused=plan.refused,
        changed=plan.new + plan.changed,
        unknown=plan.unknown,
        imported_by_id=user.id,
        imported_by_name=actor.name[:120],
    )
    session.add(batch)
    session.flush()
    bulk = BulkInsert(session)
    _record_results(session, bulk, batch, applied, plan.period)
    plan.standings = _apply_standings(session, bulk, applied, plan.period)
    bulk.write_audit()
    _move_forwarded(session, actor, applied, plan)
    session.flush()
    _record_import(session, plan, batch)
    return plan


def _planned(
    session: Session, actor: Actor, period: str, data: bytes, limits: UploadLimits
) -> tuple[RankingPlan, list[RankedRow], dict[str, _Known]]:
    actor.require(IMPORTING)
    period = open_period(session, period)
    digest = hashlib.sha256(data).hexdigest()
    earlier = session.scalar(
        select(RankingImport).where(
            RankingImport.period == period,
            RankingImport.scope_code == (actor.scope.code or ""),
            RankingImport.file_sha256 == digest,
        )
    )
    if earlier is not None:  # the very same bytes: recognised before the file is even read
        plan = RankingPlan(period, "", 0, earlier.rows, digest, already_imported=earlier)
        plan.ranked, plan.refused, plan.unchanged = earlier.ranked, earlier.refused, earlier.rows - earlier.unknown
        return plan, [], {}
    parsed = read_sheet(data, limits, RESULTS)
    plan = RankingPlan(period, parsed.sheet_name, parsed.header_row, len(parsed.rows), digest, parsed.errors)
    rows = _checked_rows(parsed, period)
    plan.errors.sort(key=lambda error: (error.row, error.column))
    if not plan.ok:
        return plan, [], {}
    known = _known_families(session, actor, period, [row.no_kk for row in rows])
    for row in rows:
        family = known.get(row.no_kk)
        if family is None:
            plan.unapplied.append(Unapplied(row.row, row.no_kk, UNKNOWN))
            continue
        if family.head_nik is not None and family.head_nik != row.head_nik:
            plan.unapplied.append(Unapplied(row.row, row.no_kk, HEAD_DIFFERS))
            continue
        plan.ranked += row.status is RankingStatus.RANKED
        plan.refused += row.status.is_refusal
        result = family.result
        if result is None:
            plan.new += 1
        elif (result.status, result.desil) != (row.status, row.desil):
            plan.changed += 1
        else:
            plan.unchanged += 1
    return plan, rows, known


# --- checks of the rows, without the database ---


def _checked_rows(parsed: ParsedSheet, period: str) -> list[RankedRow]:
    """Each readable row as a RankedRow; every problem appended to `parsed.errors` (such a row is left out)."""
    rows: list[RankedRow] = []
    first_row: dict[str, int] = {}
    for sheet_row in parsed.rows:
        before = len(parsed.errors)
        checked = _checked_row(parsed, sheet_row, period)
        no_kk = sheet_row.get("no_kk")
        if no_kk:
            if no_kk in first_row:
                message = f"No. KK ini sudah tertulis di baris {first_row[no_kk]}; satu keluarga hanya satu baris."
                parsed.add(sheet_row.number, "no_kk", message)
            else:
                first_row[no_kk] = sheet_row.number
        if checked is not None and len(parsed.errors) == before:
            rows.append(checked)
    return rows


def _checked_row(parsed: ParsedSheet, row: SheetRow, period: str) -> RankedRow | None:
    add = parsed.add
    no_kk, head_nik, desil, status = (row.get(key) for key in ("no_kk", "head_nik", "desil", "status"))
    if no_kk:
        for message in check_no_kk(no_kk).errors:
            add(row.number, "no_kk", message)
    if head_nik:
        for message in check_nik(head_nik).errors:
            add(row.number, "head_nik", message)
    for key in ("period", "head_name", "remarks"):
        value = row.get(key)
        if isinstance(value, str) and (problem := control_problem(value, multiline=False)):
            add(row.number, key, problem)
    written_period = _period_written(row.get("period"))
    if written_period and written_period != period:
        add(row.number, "period", f"PERIODE {written_period[:10]} berbeda dengan periode yang diimpor ({period}).")
    if status is None and "status" in row.values:
        status = RankingStatus.RANKED if desil is not None else None
        if status is None and "desil" in row.values:
            add(row.number, "desil", "DESIL atau STATUS wajib diisi: desil 1-10, atau alasan NIK tidak padan.")
    if desil is not None and not 1 <= desil <= 10:
        add(row.number, "desil", f"DESIL harus 1 sampai 10, bukan {desil}.")
    if status is RankingStatus.RANKED and desil is None and "desil" in row.values:
        add(row.number, "desil", "DESIL wajib diisi untuk keluarga yang diperingkat.")
    if isinstance(status, RankingStatus) and status.is_refusal and desil is not None:
        add(row.number, "desil", f"DESIL harus kosong bila STATUS '{status.label}'.")
    if not (no_kk and head_nik and isinstance(status, RankingStatus)):
        return None
    return RankedRow(row.number, no_kk, head_nik, status, desil)


def _period_written(cell: Any) -> str:
    """The PERIODE cell as TTTT-BB: Excel turns a typed "2026-10" into the date 1 October 2026 (read as
    "2026-10-01 00:00:00"), so a date's year and month are its period."""
    text = (cell or "").strip()
    dated = _DATED_PERIOD.fullmatch(text)
    return dated.group(1) if dated else text


# --- the register ---


def _known_families(session: Session, actor: Actor, period: str, numbers: list[str]) -> dict[str, _Known]:
    """The families of the file the register holds in the actor's scope, by No. KK, with head and period result."""
    found: dict[str, _Known] = {}
    by_id: dict[int, _Known] = {}
    columns = (Household.id, Household.no_kk, Household.region_code, Household.dtks_status)
    for chunk in in_chunks(numbers):
        query = select(*columns).where(Household.no_kk.in_(chunk), actor.scope.condition(Household.region_code))
        for household_id, no_kk, region_code, dtks_status in session.execute(query):
            found[no_kk] = by_id[household_id] = _Known(household_id, region_code, dtks_status, None)
    for household_ids in in_chunks(list(by_id)):
        heads = select(Member.household_id, Member.nik).where(
            Member.household_id.in_(household_ids), Member.family_relation == FamilyRelation.HEAD
        )
        for household_id, nik in session.execute(heads):
            by_id[household_id].head_nik = nik
        results = select(RankingResult).where(
            RankingResult.household_id.in_(household_ids), RankingResult.period == period
        )
        for result in session.scalars(results):
            by_id[result.household_id].result = result
    return found


def _record_results(
    session: Session, bulk: BulkInsert, batch: RankingImport, applied: list[tuple[_Known, RankedRow]], period: str
) -> None:
    """Each family's result of the period: new ones in bulk inserts (with their audit rows), a changed one updated
    through the session (its audit row says what it was), an equal one left alone."""
    new = []
    for family, row in applied:
        result = family.result
        if result is None:
            new.append({"household_id": family.household_id, "period": period, "status": row.status,
                        "desil": row.desil, "import_id": batch.id, "region_code": family.region_code})  # fmt: skip
        elif (result.status, result.desil) != (row.status, row.desil):
            result.status, result.desil, result.import_id = row.status, row.desil, batch.id
    for start in range(0, len(new), WRITE_CHUNK):
        bulk.rows(RankingResult, new[start : start + WRITE_CHUNK])
    session.flush()


def _apply_standings(session: Session, bulk: BulkInsert, applied: list[tuple[_Known, RankedRow]], period: str) -> int:
    """Registered families ranked in the file: their standing of the period and current desil take the desil;
    returns how many standings were added or changed. Only the rows that differ are loaded and written."""
    ranked = {
        family.household_id: (row.desil, family.region_code)
        for family, row in applied
        if family.dtks_status == DtksStatus.REGISTERED and row.desil is not None
    }
    changed = 0
    for chunk in in_chunks(list(ranked)):
        held = dict(
            session.execute(
                select(HouseholdPeriod.household_id, HouseholdPeriod.desil).where(
                    HouseholdPeriod.household_id.in_(chunk), HouseholdPeriod.period == period
                )
            ).all()
        )
        new = [
            {"household_id": household_id, "period": period, "dtks_status": DtksStatus.REGISTERED,
             "desil": ranked[household_id][0], "region_code": ranked[household_id][1]}
            for household_id in chunk
            if household_id not in held
        ]  # fmt: skip
        bulk.rows(HouseholdPeriod, new)
        moved = [
            household_id
            for household_id in chunk
            if household_id in held and held[household_id] != ranked[household_id][0]
        ]
        for standing in session.scalars(
            select(HouseholdPeriod).where(HouseholdPeriod.household_id.in_(moved), HouseholdPeriod.period == period)
        ):
            standing.desil = ranked[standing.household_id][0]
        changed += len(new) + len(moved)
        current = session.execute(select(Household.id, Household.desil).where(Household.id.in_(chunk))).all()
        stale = [household_id for household_id, desil in current if desil != ranked[household_id][0]]
        for household in session.scalars(select(Household).where(Household.id.in_(stale))):
            household.desil = ranked[household.id][0]
        session.flush()
    return changed


def _move_forwarded(session: Session, actor: Actor, applied: list[tuple[_Known, RankedRow]], plan: RankingPlan) -> None:
    """The forwarded proposals of the file's families, when the importer takes the ministry's matching steps: a
    ranked family's proposal is received, a refused one's rejected with the refusal as its reason (it returns to
    its village, which may propose it again: chain/resubmission.py)."""
    if not all(actor.allows(*permission(action)) for action in ("match_nik", "reject_nik")):
        return
    rows = {family.household_id: row for family, row in applied}
    for chunk in in_chunks(list(rows)):
        waiting = select(Proposal).where(
            Proposal.household_id.in_(chunk),
            Proposal.status == ProposalStatus.FORWARDED,
            actor.scope.condition(Proposal.region_code),
        )
        for proposal in session.scalars(waiting.order_by(Proposal.id)):
            row = rows[proposal.household_id]
            if row.status is RankingStatus.RANKED:
                note = f"Padan Dukcapil dan diperingkat BPS periode {plan.period}: desil {row.desil}"
                apply_recorded(session, actor, proposal, "match_nik", note=note)
                plan.received += 1
            else:
                note = f"{row.status.label} (hasil pemeringkatan BPS periode {plan.period})"
                apply_recorded(session, actor, proposal, "reject_nik", note=note)
                plan.rejected += 1


def _record_import(session: Session, plan: RankingPlan, batch: RankingImport) -> None:
    counts = plan.counts()
    record(
        session,
        AuditAction.IMPORT,
        object_type="ranking_import",
        object_id=batch.id,
        region_code=batch.scope_code,
        message=(
            f"Impor hasil pemeringkatan {plan.period}: {counts['new']} baru, {counts['changed']} berubah, "
            f"{counts['unchanged']} tetap, {counts['unknown']} tidak dikenal; {counts['standings']} status periode; "
            f"usulan diteruskan: {counts['received']} diterima, {counts['rejected']} ditolak."
        ),
        after={"file_sha256": plan.digest, **counts},
    )
