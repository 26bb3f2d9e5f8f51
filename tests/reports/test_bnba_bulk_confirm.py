"""The BNBA confirmation on the Core bulk path: the rows and audit rows an ORM flush would have written, every
guard of the write path on the rows it inserts, and a refusal in the middle of the writing changing nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import actor_for
from chain.audit import AUDIT_ROWS
from chain.imports import ImportConflict, confirm
from models import AuditAction, AuditEntry, Household, Member, Proposal, ProposalStatus, Role, User, Visit
from models.audit_trail import column_value
from models.finality import RecordFixed
from models.proposal import ProposalHistory, ProposalKind, RemovalReason
from models.text import TextRefused
from policies.scope import OutOfScope, Scope
from reports import bnba_import
from reports.bnba_import import apply_import
from reports.bulk_insert import BulkInsert
from reports.xlsx_upload import UploadLimits
from tests.factories import DEFAULT_VILLAGE, make_proposal, make_user
from tests.reports.bnba_sheets import family, sheet_bytes

REGENCY_VILLAGE = "52.72.02.1004"
LIMITS = UploadLimits()
TABLES = ("household", "member", "proposal", "proposal_history", "audit_entry")
# The keys of each created row's `after` snapshot, as an ORM flush records them (columns without a value or a
# Python default, the household's desil and period, stay out of both).
AFTER_KEYS = {
    "household": [
        "id", "no_kk", "region_code", "address", "rt", "rw", "dtks_status", "notes", "head_name", "created_at",
        "updated_at",
    ],
    "member": [
        "id", "household_id", "region_code", "nik", "name", "sex", "birth_place", "birth_date", "family_relation",
        "mother_name", "marital_status", "occupation", "education", "disability", "created_at", "updated_at",
    ],
    "proposal": [
        "id", "kind", "household_id", "region_code", "reason", "removal_reason", "requested_changes", "has_ktp",
        "has_kk", "has_sktm", "status", "status_changed_at", "return_reason", "version", "created_by_id",
        "created_at", "updated_at",
    ],
    "proposal_history": [
        "id", "proposal_id", "region_code", "from_status", "to_status", "actor_id", "actor_name", "at", "note",
    ],
}  # fmt: skip
MODELS: dict[str, Any] = {
    "household": Household,
    "member": Member,
    "proposal": Proposal,
    "proposal_history": ProposalHistory,
}


@pytest.fixture
def snapshot(count_rows: Callable[[str], int]) -> Callable[[], dict[str, int]]:
    return lambda: {table: count_rows(table) for table in TABLES}


@pytest.fixture
def regency_operator(db_session: Session) -> User:
    user = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    db_session.commit()
    return user


def _confirm_as(db_session: Session, user: User, data: bytes) -> Any:
    """The confirmation as the console runs it: the core's `confirm`, audited as the user, in their scope."""
    actor = actor_for(db_session, user)
    return run_as(user, lambda: confirm(db_session, actor, data, LIMITS))


def _stored(db_session: Session, table: str, row_id: str) -> dict[str, Any]:
    model = MODELS[table]
    row = db_session.execute(select(model.__table__).where(model.__table__.c.id == int(row_id))).one()
    return dict(row._mapping)


def _same_moment(recorded: str, stored: datetime) -> bool:
    moment = datetime.fromisoformat(recorded)
    return moment.replace(tzinfo=None) == stored.replace(tzinfo=None)


def test_the_bulk_confirmation_writes_every_row_and_the_audit_row_a_flush_would_write(
    db_session: Session, regency_operator: User
) -> None:
    rows = family() + family(region=REGENCY_VILLAGE, **{"JENIS USULAN": "Dikeluarkan", "ALASAN": "ganda"})
    data = sheet_bytes(rows)

    plan = _confirm_as(db_session, regency_operator, data)
    db_session.commit()

    assert plan.counts()["households"] == 2
    created = db_session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == AuditAction.CREATE, AuditEntry.object_type.in_(MODELS))
        .order_by(AuditEntry.id)
    ).all()
    by_type: dict[str, list[AuditEntry]] = {}
    for entry in created:
        by_type.setdefault(entry.object_type, []).append(entry)
    assert {kind: len(entries) for kind, entries in by_type.items()} == {
        "household": 2, "member": 6, "proposal": 2, "proposal_history": 2,
    }  # fmt: skip
    request_ids = {entry.request_id for entry in created}
    assert len(request_ids) == 1 and request_ids != {""}  # one confirmation, one request id
    for entry in created:
        assert (entry.actor_id, entry.actor_name, entry.message) == (regency_operator.id, regency_operator.username, "")
        assert entry.before is None
        assert list(entry.after) == AFTER_KEYS[entry.object_type]
        stored = _stored(db_session, entry.object_type, entry.object_id)
        assert entry.region_code == stored["region_code"]
        for key, value in entry.after.items():
            if isinstance(stored[key], datetime):
                assert _same_moment(value, stored[key]), key
            elif key == "head_name":  # the row as inserted; the member triggers fill it after
                assert value == ""
            else:
                assert value == column_value(key, stored[key]), (entry.object_type, key)
    # What the audit row says, against what the sheet said: masked identity numbers, coded values.
    household = next(e.after for e in by_type["household"] if e.after["region_code"] == REGENCY_VILLAGE)
    assert household["no_kk"] == column_value("no_kk", rows[3]["NO KK"]) != rows[3]["NO KK"]
    removal = next(e.after for e in by_type["proposal"] if e.after["kind"] == ProposalKind.REMOVE.value)
    assert (removal["removal_reason"], removal["status"], removal["version"]) == (
        RemovalReason.DUPLICATE.value, ProposalStatus.DRAFT.value, 1
    )  # fmt: skip
    [import_entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT)).all()
    assert import_entry.object_id == hashlib.sha256(data).hexdigest()[:40]


def test_the_head_name_the_triggers_fill_ends_right_after_a_bulk_confirmation(
    db_session: Session, regency_operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bnba_import, "WRITE_CHUNK", 2)  # three rounds of inserts for five households
    rows = [row for _ in range(5) for row in family()]
    rows[3]["NAMA"] = "Ahmad Bulk"
    _confirm_as(db_session, regency_operator, sheet_bytes(rows))
    db_session.commit()

    heads = dict(db_session.execute(select(Household.no_kk, Household.head_name)).all())
    assert heads[rows[3]["NO KK"]] == "Ahmad Bulk"
    assert {heads[rows[index]["NO KK"]] for index in (0, 6, 9, 12)} == {"Warga Kepala keluarga"}
    members = db_session.scalars(select(Member).order_by(Member.id)).all()
    assert [member.nik for member in members] == [row["NIK"] for row in rows]
    assert all(member.household.no_kk == row["NO KK"] for member, row in zip(members, rows, strict=True))
    history = db_session.scalars(select(ProposalHistory)).all()
    assert len(history) == 5 and {h.note for h in history} == {bnba_import.CREATED_NOTE}


def test_a_row_outside_the_acting_scope_refused_in_the_second_round_changes_nothing(
    db_session: Session, snapshot: Callable[[], dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plan is checked in the regency's scope; the acting user holds only the first village: the scope
    # guard of the bulk path refuses the second household, after the first round was inserted.
    village_operator = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    monkeypatch.setattr(bnba_import, "WRITE_CHUNK", 1)
    data = sheet_bytes(family() + family(region=REGENCY_VILLAGE))
    before = snapshot()

    with pytest.raises(OutOfScope, match=REGENCY_VILLAGE):
        run_as(village_operator, lambda: apply_import(db_session, data, Scope("52.72"), village_operator, LIMITS))
    db_session.rollback()

    assert snapshot() == before


def test_a_nik_taken_in_the_middle_of_the_writing_is_a_conflict_and_changes_nothing(
    db_session: Session, regency_operator: User, snapshot: Callable[[], dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = family() + family()
    write = bnba_import._write

    def taken_before_the_second_round(bulk: BulkInsert, households: Any, actor: User, now: datetime) -> None:
        if households[0].no_kk == rows[3]["NO KK"]:  # someone registers a NIK of the second family meanwhile
            other = {"no_kk": "5272010101010099", "region_code": DEFAULT_VILLAGE, "address": "-"}
            [household_id] = bulk.rows(Household, [other])
            bulk.rows(Member, [_member(household_id, rows[4]["NIK"])])
        write(bulk, households, actor, now)

    monkeypatch.setattr(bnba_import, "WRITE_CHUNK", 1)
    monkeypatch.setattr(bnba_import, "_write", taken_before_the_second_round)
    before = snapshot()

    with pytest.raises(ImportConflict):
        _confirm_as(db_session, regency_operator, sheet_bytes(rows))
    db_session.rollback()

    assert snapshot() == before


def _member(household_id: int, nik: str) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "region_code": DEFAULT_VILLAGE,
        "nik": nik,
        "name": "Warga Lain",
        "sex": "P",
        "birth_date": date(1978, 9, 3),
        "family_relation": "kepala_keluarga",
    }


def test_text_a_column_refuses_is_refused_on_the_bulk_path_before_anything_is_written(
    db_session: Session, snapshot: Callable[[], dict[str, int]]
) -> None:
    before = snapshot()
    with pytest.raises(TextRefused, match="household.address"):
        BulkInsert(db_session).rows(
            Household, [{"no_kk": "5272010101010098", "region_code": DEFAULT_VILLAGE, "address": "Jl.\x00Nul"}]
        )
    db_session.rollback()
    assert snapshot() == before


def test_a_bulk_insert_under_a_fixed_record_meets_the_finality_guard(db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.REJECTED_MUSDES)
    db_session.commit()
    visit = {
        "household_id": proposal.household_id,
        "proposal_id": proposal.id,
        "region_code": proposal.region_code,
        "enumerator_name": "Pendata Uji",
        "visited_on": date(2026, 9, 1),
    }
    with pytest.raises(RecordFixed):
        BulkInsert(db_session).rows(Visit, [visit])
    db_session.rollback()
    assert db_session.scalar(select(Visit.id)) is None


def test_a_session_without_the_write_path_writes_the_rows_but_no_audit_rows(engine: Any, regions: Any) -> None:
    with Session(engine) as bare:
        bulk = BulkInsert(bare)
        bulk.rows(Household, [{"no_kk": "5272010101010097", "region_code": DEFAULT_VILLAGE, "address": "-"}])
        bulk.write_audit()
        assert bare.scalar(text("SELECT count(*) FROM household")) == 1
        assert bare.scalar(text("SELECT count(*) FROM audit_entry")) == 0
        bare.rollback()


def test_a_system_session_marked_unaudited_writes_no_row_audit_outside_requests_but_does_inside_one(
    db_session: Session, regency_operator: User
) -> None:
    db_session.info[AUDIT_ROWS] = False  # the demo seeder's bulk session
    bulk = BulkInsert(db_session)
    bulk.rows(Household, [{"no_kk": "5272010101010096", "region_code": DEFAULT_VILLAGE, "address": "-"}])
    bulk.write_audit()

    def inside_a_request() -> None:
        bulk.rows(Household, [{"no_kk": "5272010101010095", "region_code": DEFAULT_VILLAGE, "address": "-"}])
        bulk.write_audit()

    run_as(regency_operator, inside_a_request)
    db_session.commit()
    audited = db_session.scalars(select(AuditEntry.object_id).where(AuditEntry.object_type == "household")).all()
    stored = dict(db_session.execute(select(Household.no_kk, Household.id)).all())
    assert audited == [str(stored["5272010101010095"])]
