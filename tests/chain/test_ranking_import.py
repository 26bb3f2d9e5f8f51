"""The BPS ranking file of a period (DTSEN) imported through chain/ranking.py, and the SK Penetapan by its desil.

Real databases (SQLite and, with TEST_DATABASE_URL, PostgreSQL) and real .xlsx bytes (tests/ranking_files.py),
no mocks. Each import is the official's own transaction, run as them (`write_transaction`, `run_as`), as the CLI
and the console run the core: a good file recorded family by family with its audit rows; a catalogue of broken
files each refused whole with nothing changed; families the register does not hold in the importer's region
reported, never created; the same file twice changing nothing; roles without `ranking, import` refused; and the
DTSEN determination deciding a received proposal by the family's ranking of the period.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.determination import NOTHING_RANKED, NUMBER_TAKEN, DeterminationOutcome, determine
from chain.letters import Letter
from chain.ranking import HEAD_DIFFERS, UNKNOWN, RankingPlan, RankingRefused, import_ranking, plan_ranking
from chain.store import write_transaction
from console.database import make_session_factory
from models import (
    AuditAction,
    AuditEntry,
    DecreeKind,
    DtksStatus,
    Household,
    HouseholdPeriod,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RankingImport,
    RankingResult,
    RankingStatus,
    RegisterMode,
    Role,
    User,
)
from models.refusals import Conflict, Invalid, NotAllowed
from reports.xlsx_upload import SheetRefused, UploadLimits
from tests.factories import (
    DEFAULT_VILLAGE,
    kecamatan_of,
    make_decree,
    make_household,
    make_pmt_model,
    make_pmt_result,
    make_proposal,
    make_user,
    next_nik,
    next_no_kk,
)
from tests.ministry_cases import INVALID_NIK
from tests.ranking_files import (
    OTHER_ORDER,
    OTHER_SPELLINGS,
    PERIOD,
    TITLE_ROWS,
    Row,
    ranking_bytes,
    ranking_row,
    row_of,
)
from tests.reports.bnba_sheets import empty_workbook

BIMA, BULUKUMBA = DEFAULT_VILLAGE, "73.02.01.1001"
LIMITS = UploadLimits()
LETTER = Letter("146/HUK/2026", date(2026, 10, 15), "Menteri Sosial", "Menteri Sosial RI")
COUNTED = ("ranking_result", "ranking_import", "household_period", "household", "member", "audit_entry")
Work = Callable[[Session, Actor], Any]


# --- the register, the officials, and their transactions -----------------------------------------


@dataclass
class Register:
    """Households of Kota Bima (and one of Bulukumba) a ranking file names."""

    registered: Household  # terdaftar, desil 3 since 2026-07, no standing of the period yet
    standing: Household  # terdaftar, already with a standing of the period (desil 2)
    proposed: Household  # diusulkan: takes only its ranking result
    refused: Household  # terdaftar, desil 4; BPS reports its head's NIK inactive
    bulukumba: Household  # terdaftar in another regency

    def good_rows(self) -> list[Row]:
        """The results the good file gives: desil 5, 6 (as text) and 2, and one refusal of the matching."""
        return [
            row_of(self.registered, 5, "Padan", PERIODE=PERIOD),
            row_of(self.standing, "6", PERIODE=PERIOD),
            row_of(self.proposed, 2, "Diperingkat"),
            row_of(self.refused, None, "NIK tidak aktif", KETERANGAN="NIK dinonaktifkan Dukcapil"),
        ]


@pytest.fixture
def register(db_session: Session) -> Register:
    registered = make_household(db_session, members=2, dtks_status=DtksStatus.REGISTERED, desil=3, period="2026-07")
    standing = make_household(db_session, members=1, dtks_status=DtksStatus.REGISTERED, desil=2, period="2026-07")
    db_session.add(
        HouseholdPeriod(
            household_id=standing.id, period=PERIOD, dtks_status=DtksStatus.REGISTERED, desil=2, region_code=BIMA
        )
    )
    proposed = make_household(db_session, members=3, dtks_status=DtksStatus.PROPOSED)
    refused = make_household(db_session, members=1, dtks_status=DtksStatus.REGISTERED, desil=4, period="2026-07")
    bulukumba = make_household(
        db_session, region_code=BULUKUMBA, members=1, dtks_status=DtksStatus.REGISTERED, desil=1, period="2026-07"
    )
    db_session.commit()
    return Register(registered, standing, proposed, refused, bulukumba)


def _official(session: Session, role: Role, scope: str | None) -> User:
    user = make_user(session, role, scope)
    session.commit()
    return user


@pytest.fixture
def dinsos(db_session: Session) -> User:
    """The district office of Kota Bima (52.72)."""
    return _official(db_session, Role.OPERATOR_DINSOS, "52.72")


@pytest.fixture
def pusdatin(db_session: Session) -> User:
    """The ministry's data centre: the whole nation."""
    return _official(db_session, Role.PUSDATIN, None)


def _run(db_session: Session, user: User, work: Work) -> Any:
    """The core step as the CLI runs it: its own session and transaction, as `user`, committed or refused."""
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    sessions = make_session_factory(bind)
    db_session.rollback()  # the test's session holds no transaction while the step writes
    result = run_as(user, lambda: write_transaction(sessions, lambda session: work(session, actor), taken=NUMBER_TAKEN))
    db_session.expire_all()
    return result


def _import(
    db_session: Session, user: User, data: bytes, period: str = PERIOD, *, file_name: str = "hasil.xlsx"
) -> RankingPlan:
    def work(session: Session, actor: Actor) -> RankingPlan:
        return import_ranking(session, actor, period, data, LIMITS, file_name=file_name)

    plan: RankingPlan = _run(db_session, user, work)
    return plan


def _refused(db_session: Session, user: User, data: bytes, period: str = PERIOD) -> RankingPlan:
    with pytest.raises(RankingRefused) as refused:
        _import(db_session, user, data, period)
    return refused.value.plan


def _plan(db_session: Session, user: User, data: bytes, period: str = PERIOD) -> RankingPlan:
    plan = plan_ranking(db_session, actor_for(db_session, user), period, data, LIMITS)
    db_session.rollback()
    return plan


def _results(session: Session) -> dict[int, tuple[RankingStatus, int | None]]:
    return {
        result.household_id: (result.status, result.desil)
        for result in session.scalars(select(RankingResult).where(RankingResult.period == PERIOD))
    }


def _standings(session: Session) -> dict[int, int | None]:
    rows = session.scalars(select(HouseholdPeriod).where(HouseholdPeriod.period == PERIOD))
    return {standing.household_id: standing.desil for standing in rows}


def _audited(session: Session, object_type: str, *, after_id: int = 0) -> list[tuple[AuditAction, str]]:
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.object_id)
        .where(AuditEntry.object_type == object_type, AuditEntry.id > after_id)
        .order_by(AuditEntry.id)
    )
    return [(action, object_id) for action, object_id in rows]


def _last_audit_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0


@pytest.fixture
def snapshot(db_session: Session, count_rows: Callable[[str], int]) -> Callable[[], dict[str, Any]]:
    """Every row count the import could change, and every household's standing, result and desil."""

    def take() -> dict[str, Any]:
        db_session.expire_all()
        households = db_session.execute(
            select(Household.id, Household.dtks_status, Household.desil, Household.period).order_by(Household.id)
        ).all()
        state: dict[str, Any] = {table: count_rows(table) for table in COUNTED}
        state.update(results=_results(db_session), standings=_standings(db_session), households=households)
        db_session.rollback()
        return state

    return take


# --- 1. a good file ------------------------------------------------------------------------------


def test_a_good_file_in_other_spellings_records_each_familys_result_and_the_registered_families_desil(
    db_session: Session, register: Register, dinsos: User
) -> None:
    data = ranking_bytes(register.good_rows(), headers=OTHER_ORDER, renamed=OTHER_SPELLINGS, title_rows=TITLE_ROWS)
    first_audit = _last_audit_id(db_session)

    plan = _import(db_session, dinsos, data, " 2026-10 ", file_name="  hasil_bps_2026-10.xlsx ")

    assert (plan.period, plan.header_row, plan.data_rows, plan.errors, plan.unapplied) == (PERIOD, 4, 4, [], [])
    assert plan.counts() == {
        "rows": 4, "new": 4, "changed": 0, "unchanged": 0, "ranked": 3, "refused": 1, "standings": 2, "received": 0,
        "rejected": 0, "unknown": 0, "errors": 0,
    }  # fmt: skip
    r = register
    assert _results(db_session) == {
        r.registered.id: (RankingStatus.RANKED, 5),
        r.standing.id: (RankingStatus.RANKED, 6),
        r.proposed.id: (RankingStatus.RANKED, 2),
        r.refused.id: (RankingStatus.NIK_INACTIVE, None),
    }
    # The registered families take the desil as their standing of the period and as their current desil; the
    # proposed family and the refused one keep theirs.
    assert _standings(db_session) == {r.registered.id: 5, r.standing.id: 6}
    assert db_session.scalar(
        select(func.count()).select_from(HouseholdPeriod).where(HouseholdPeriod.household_id == r.standing.id)
    ) == 1  # fmt: skip
    desils = {h.id: (h.dtks_status, h.desil) for h in db_session.scalars(select(Household))}
    assert desils[r.registered.id] == (DtksStatus.REGISTERED, 5)
    assert desils[r.standing.id] == (DtksStatus.REGISTERED, 6)
    assert desils[r.proposed.id] == (DtksStatus.PROPOSED, None)
    assert desils[r.refused.id] == (DtksStatus.REGISTERED, 4)
    assert desils[r.bulukumba.id] == (DtksStatus.REGISTERED, 1)

    batch = db_session.scalars(select(RankingImport)).one()
    assert (batch.period, batch.scope_code, batch.file_sha256, batch.file_name) == (
        PERIOD, "52.72", hashlib.sha256(data).hexdigest(), "hasil_bps_2026-10.xlsx",
    )  # fmt: skip
    assert (batch.rows, batch.ranked, batch.refused, batch.changed, batch.unknown) == (4, 3, 1, 4, 0)
    assert (batch.imported_by_id, batch.imported_by_name) == (dinsos.id, dinsos.full_name)
    results = list(db_session.scalars(select(RankingResult).order_by(RankingResult.id)))
    assert {result.import_id for result in results} == {batch.id}
    assert all(result.region_code == BIMA and result.regency_code == "52.72" for result in results)

    # The IMPORT entry, named as the official, and one audit row per written row (the flush hooks).
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT)).one()
    assert (entry.object_type, entry.object_id, entry.region_code, entry.actor_name) == (
        "ranking_import", str(batch.id), "52.72", dinsos.username,
    )  # fmt: skip
    assert entry.after is not None and entry.after["file_sha256"] == batch.file_sha256
    assert (entry.after["new"], entry.after["standings"], entry.after["unknown"]) == (4, 2, 0)
    created = [(AuditAction.CREATE, str(result.id)) for result in results]
    assert _audited(db_session, "ranking_result", after_id=first_audit) == created
    standing_ids = {
        standing.household_id: str(standing.id)
        for standing in db_session.scalars(select(HouseholdPeriod).where(HouseholdPeriod.period == PERIOD))
    }
    assert sorted(_audited(db_session, "household_period", after_id=first_audit)) == sorted(
        [(AuditAction.CREATE, standing_ids[r.registered.id]), (AuditAction.UPDATE, standing_ids[r.standing.id])]
    )
    household_updates = _audited(db_session, "household", after_id=first_audit)
    assert sorted(household_updates) == sorted((AuditAction.UPDATE, str(pk)) for pk in (r.registered.id, r.standing.id))
    assert _audited(db_session, "ranking_import", after_id=first_audit)[0] == (AuditAction.CREATE, str(batch.id))


def test_the_ministry_imports_the_whole_nation_and_a_plan_reads_without_writing(
    db_session: Session, register: Register, pusdatin: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    rows = [*register.good_rows(), row_of(register.bulukumba, 9, "Valid")]
    data = ranking_bytes(rows, writer="xlsxwriter")
    before = snapshot()

    planned = _plan(db_session, pusdatin, data)

    assert snapshot() == before
    assert (planned.new, planned.ranked, planned.refused, planned.unknown, planned.standings) == (5, 4, 1, 0, 0)
    plan = _import(db_session, pusdatin, data)
    assert plan.counts() == {**planned.counts(), "standings": 3}
    assert _results(db_session)[register.bulukumba.id] == (RankingStatus.RANKED, 9)
    assert db_session.get_one(Household, register.bulukumba.id).desil == 9
    assert db_session.scalars(select(RankingImport.scope_code)).one() == ""


# --- 2. the catalogue of broken files ------------------------------------------------------------

# Each case spoils the second row (Excel row 3) of the good file, whose header is row 1: the whole file is
# refused with the error of that row and column, nothing written for the good rows either.
Spoil = Callable[[Register], Row]


def _kk_of_14_digits(r: Register) -> Row:
    return row_of(r.standing, 6, **{"NO KK": r.standing.no_kk[:14]})


def _impossible_nik(r: Register) -> Row:
    return row_of(r.standing, 6, **{"NIK KEPALA KELUARGA": INVALID_NIK})


def _nik_as_a_number(r: Register) -> Row:
    row = row_of(r.standing, 6)
    row["NIK KEPALA KELUARGA"] = int(row["NIK KEPALA KELUARGA"])
    return row


def _registered_twice(r: Register) -> Row:
    return row_of(r.registered, 7)


ROW_CASES: dict[str, tuple[Spoil, str, str]] = {
    "No. KK of 14 digits": (_kk_of_14_digits, "NO KK", "tepat 16 digit"),
    "impossible NIK": (_impossible_nik, "NIK KEPALA KELUARGA", "tidak mungkin"),
    "NIK as an Excel number": (_nik_as_a_number, "NIK KEPALA KELUARGA", "sebagai teks, bukan angka"),
    "desil 0": (lambda r: row_of(r.standing, 0), "DESIL", "DESIL harus 1 sampai 10, bukan 0"),
    "desil 11": (lambda r: row_of(r.standing, 11), "DESIL", "DESIL harus 1 sampai 10, bukan 11"),
    "desil as a word": (lambda r: row_of(r.standing, "lima"), "DESIL", "harus bilangan bulat, bukan 'lima'"),
    "desil 6.5": (lambda r: row_of(r.standing, 6.5), "DESIL", "harus bilangan bulat"),
    "desil beside a refusal": (lambda r: row_of(r.standing, 4, "NIK ganda"), "DESIL", "harus kosong bila STATUS"),
    "neither desil nor status": (lambda r: row_of(r.standing), "DESIL", "DESIL atau STATUS wajib diisi"),
    "ranked without a desil": (lambda r: row_of(r.standing, None, "Padan"), "DESIL", "wajib diisi untuk keluarga"),
    "unknown status word": (lambda r: row_of(r.standing, None, "Ditunda"), "STATUS", "'Ditunda' tidak dikenal"),
    "the same No. KK twice": (_registered_twice, "NO KK", "sudah tertulis di baris 2"),
    "another period": (lambda r: row_of(r.standing, 6, PERIODE="2026-07"), "PERIODE", "PERIODE 2026-07 berbeda"),
    "control character in the head's name": (
        lambda r: row_of(r.standing, 6, **{"NAMA KEPALA KELUARGA": "Budi\x85Santoso"}),
        "NAMA KEPALA KELUARGA",
        "karakter kontrol (U+0085)",
    ),
    "No. KK missing": (lambda r: row_of(r.standing, 6, **{"NO KK": None}), "NO KK", "NO KK wajib diisi"),
}


@pytest.mark.parametrize(("spoil", "column", "fragment"), ROW_CASES.values(), ids=ROW_CASES.keys())
def test_a_file_with_a_bad_row_is_refused_whole_with_the_row_and_column_and_changes_nothing(
    spoil: Spoil,
    column: str,
    fragment: str,
    db_session: Session,
    register: Register,
    dinsos: User,
    snapshot: Callable[[], dict[str, Any]],
) -> None:
    rows = register.good_rows()
    rows[1] = spoil(register)
    data = ranking_bytes(rows, writer="xlsxwriter")  # xlsxwriter stores the C1 control character openpyxl refuses
    before = snapshot()

    plan = _refused(db_session, dinsos, data)

    assert snapshot() == before
    assert [(error.row, error.column) for error in plan.errors] == [(3, column)], plan.errors
    assert fragment in plan.errors[0].message
    assert not plan.ok and plan.already_imported is None


def test_every_row_error_of_a_file_is_listed_in_row_order_and_the_message_says_nothing_changed(
    db_session: Session, register: Register, dinsos: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    rows = register.good_rows()
    rows[0] = row_of(register.registered, 12)
    rows[2] = row_of(register.proposed, None, "Ditunda")
    rows[3] = row_of(register.refused, 3, "NIK tidak aktif", PERIODE="2027-01")
    data = ranking_bytes(rows, headers=OTHER_ORDER, renamed=OTHER_SPELLINGS)
    before = snapshot()

    with pytest.raises(RankingRefused) as refused:
        _import(db_session, dinsos, data)

    assert snapshot() == before
    errors = [(error.row, error.column) for error in refused.value.plan.errors]
    assert errors == [(2, "DESIL"), (4, "STATUS"), (5, "DESIL"), (5, "PERIODE")]
    message = str(refused.value)
    assert "4 kesalahan; tidak ada data yang diubah" in message
    assert "Kesalahan pertama: Baris 2, kolom DESIL: DESIL harus 1 sampai 10, bukan 12." in message
    # The plan reads the same errors without writing.
    assert [(error.row, error.column) for error in _plan(db_session, dinsos, data).errors] == errors


def _header_only() -> bytes:
    return ranking_bytes([])


def _no_header_row() -> bytes:
    """Below the titles, a header without the head's NIK (BPS's export of the families alone)."""
    row = ranking_row("5272011403190001", "", 3)
    return ranking_bytes([row], headers=("NO", "NO KK", "NAMA KEPALA KELUARGA", "DESIL"), title_rows=TITLE_ROWS)


def _csv_renamed() -> bytes:
    return b"NO KK;NIK KEPALA KELUARGA;DESIL\n5272011403190001;5272011204750001;3\n"


FILE_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "not an xlsx": (_csv_renamed, "bukan lembar kerja Excel .xlsx"),
    "empty file": (lambda: b"", "Berkas kosong"),
    "empty workbook": (empty_workbook, "Lembar kerja kosong"),
    "no header row": (
        _no_header_row,
        "Baris judul kolom hasil pemeringkatan tidak ditemukan di 20 baris pertama. Baris yang paling mirip (baris 4) "
        "tidak memiliki kolom: NIK KEPALA KELUARGA.",
    ),
    "header only": (_header_only, "hanya berisi judul kolom; tidak ada baris data"),
}


@pytest.mark.parametrize(("make", "fragment"), FILE_CASES.values(), ids=FILE_CASES.keys())
def test_a_file_that_is_no_ranking_sheet_is_refused_before_any_row_and_changes_nothing(
    make: Callable[[], bytes],
    fragment: str,
    db_session: Session,
    register: Register,
    dinsos: User,
    snapshot: Callable[[], dict[str, Any]],
) -> None:
    before = snapshot()

    with pytest.raises(SheetRefused) as refused:
        _import(db_session, dinsos, make())

    assert fragment in str(refused.value)
    assert snapshot() == before


def test_a_period_that_is_no_quarter_is_refused_and_changes_nothing(
    db_session: Session, register: Register, dinsos: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    before = snapshot()

    with pytest.raises(Invalid) as refused:
        _import(db_session, dinsos, ranking_bytes(register.good_rows()), "2026-11")

    assert "period" in refused.value.fields
    assert snapshot() == before


def test_a_period_whose_sk_penetapan_is_signed_is_refused_and_changes_nothing(
    db_session: Session, register: Register, dinsos: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    make_decree(
        db_session,
        DecreeKind.MINISTRY_DETERMINATION,
        "",
        number="99/HUK/2026",
        period=PERIOD,
        signed_at=datetime(2026, 10, 20, tzinfo=UTC),
    )
    db_session.commit()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        _import(db_session, dinsos, ranking_bytes(register.good_rows()))

    assert PERIOD in str(refused.value)
    assert snapshot() == before
    # Another, still open, period is imported as usual.
    assert _import(db_session, dinsos, ranking_bytes([row_of(register.registered, 5)]), "2027-01").new == 1


# --- 3. families the register does not hold in the importer's region ----------------------------


def _stranger() -> Row:
    """A family of Kota Bima the register has never held."""
    kecamatan = kecamatan_of(BIMA)
    return ranking_row(next_no_kk(kecamatan), next_nik(kecamatan, date(1980, 5, 17), False), 1)


def test_families_unknown_in_the_importers_region_are_reported_and_never_created(
    db_session: Session, register: Register, dinsos: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    stranger = _stranger()
    rows = [row_of(register.registered, 5), stranger, row_of(register.bulukumba, 8)]
    before = snapshot()

    plan = _import(db_session, dinsos, ranking_bytes(rows))

    assert [(item.row, item.no_kk, item.reason) for item in plan.unapplied] == [
        (3, stranger["NO KK"], UNKNOWN),
        (4, register.bulukumba.no_kk, UNKNOWN),
    ]
    assert (plan.new, plan.unknown, plan.standings) == (1, 2, 1)
    after = snapshot()
    assert after["results"] == {register.registered.id: (RankingStatus.RANKED, 5)}
    assert (after["household"], after["member"]) == (before["household"], before["member"])
    assert db_session.get_one(Household, register.bulukumba.id).desil == 1
    assert db_session.scalars(select(RankingImport.unknown)).one() == 2


def test_an_operator_of_another_regency_finds_none_of_the_families_and_nothing_is_recorded_for_them(
    db_session: Session, register: Register, snapshot: Callable[[], dict[str, Any]]
) -> None:
    bulukumba_office = _official(db_session, Role.OPERATOR_DINSOS, "73.02")
    before = snapshot()

    plan = _import(db_session, bulukumba_office, ranking_bytes(register.good_rows()))

    assert [item.reason for item in plan.unapplied] == [UNKNOWN] * 4
    assert (plan.new, plan.ranked, plan.refused, plan.standings) == (0, 0, 0, 0)
    after = snapshot()
    assert (after["results"], after["standings"], after["households"]) == (
        before["results"], before["standings"], before["households"],
    )  # fmt: skip
    assert after["ranking_result"] == before["ranking_result"] == 0


def test_a_family_whose_head_has_another_nik_is_reported_and_not_applied(
    db_session: Session, register: Register, dinsos: User
) -> None:
    other_head = next_nik(kecamatan_of(BIMA), date(1971, 2, 3), False)
    rows = [row_of(register.registered, 9, **{"NIK KEPALA KELUARGA": other_head}), row_of(register.standing, 7)]

    plan = _import(db_session, dinsos, ranking_bytes(rows))

    assert [(item.row, item.no_kk, item.reason) for item in plan.unapplied] == [
        (2, register.registered.no_kk, HEAD_DIFFERS)
    ]
    assert _results(db_session) == {register.standing.id: (RankingStatus.RANKED, 7)}
    assert db_session.get_one(Household, register.registered.id).desil == 3
    assert register.registered.id not in _standings(db_session)


# --- 4. the same file twice, and the same results in another file --------------------------------


def test_the_same_file_imported_twice_is_recognised_and_changes_nothing(
    db_session: Session, register: Register, dinsos: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    data = ranking_bytes(register.good_rows())
    first = _import(db_session, dinsos, data)
    batch_id = db_session.scalars(select(RankingImport.id)).one()
    before = snapshot()

    again = _import(db_session, dinsos, data, file_name="salinan.xlsx")

    assert again.already_imported is not None and again.already_imported.id == batch_id
    assert (again.new, again.changed, again.unchanged, again.standings) == (0, 0, 4, 0)
    assert snapshot() == before  # audit_entry included: no IMPORT entry either
    assert first.new == 4
    planned = _plan(db_session, dinsos, data)
    assert planned.already_imported is not None and planned.unchanged == 4


def test_another_file_with_the_same_results_writes_no_change_and_a_changed_desil_is_one_update(
    db_session: Session, register: Register, dinsos: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    rows = register.good_rows()
    _import(db_session, dinsos, ranking_bytes(rows))
    first_batch = db_session.scalars(select(RankingImport.id)).one()
    recorded = {r.id: (r.household_id, r.import_id) for r in db_session.scalars(select(RankingResult))}
    before, since = snapshot(), _last_audit_id(db_session)

    reordered = ranking_bytes(rows[::-1], headers=OTHER_ORDER, renamed=OTHER_SPELLINGS, title_rows=TITLE_ROWS)
    plan = _import(db_session, dinsos, reordered)

    assert plan.already_imported is None
    assert (plan.unchanged, plan.new, plan.changed, plan.standings) == (plan.data_rows, 0, 0, 0)
    after = snapshot()
    assert {key: after[key] for key in ("results", "standings", "households")} == {
        key: before[key] for key in ("results", "standings", "households")
    }
    assert {r.id: (r.household_id, r.import_id) for r in db_session.scalars(select(RankingResult))} == recorded
    for object_type in ("ranking_result", "household_period", "household"):
        assert _audited(db_session, object_type, after_id=since) == []
    # The new file itself is recorded (it is another file), with its IMPORT entry.
    assert after["ranking_import"] == before["ranking_import"] + 1
    assert [action for action, _ in _audited(db_session, "ranking_import", after_id=since)] == [
        AuditAction.CREATE, AuditAction.IMPORT,
    ]  # fmt: skip

    # One family's desil differs in a third file: one result, its standing and its desil change, and are audited.
    changed_rows = [row_of(register.registered, 8), *rows[1:]]
    since = _last_audit_id(db_session)
    plan = _import(db_session, dinsos, ranking_bytes(changed_rows))
    assert (plan.changed, plan.unchanged, plan.standings) == (1, 3, 1)
    result = db_session.scalars(select(RankingResult).where(RankingResult.household_id == register.registered.id)).one()
    assert (result.desil, result.import_id != first_batch) == (8, True)
    assert _audited(db_session, "ranking_result", after_id=since) == [(AuditAction.UPDATE, str(result.id))]
    assert _standings(db_session)[register.registered.id] == 8
    assert db_session.get_one(Household, register.registered.id).desil == 8


# --- 5. who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope"), [(Role.OPERATOR_DESA, BIMA), (Role.KABID, "52.72"), (Role.OPERATOR_PROVINSI, "52")]
)
def test_a_role_without_ranking_import_is_not_allowed_and_nothing_changes(
    role: Role, scope: str, db_session: Session, register: Register, snapshot: Callable[[], dict[str, Any]]
) -> None:
    user = _official(db_session, role, scope)
    data = ranking_bytes(register.good_rows())
    before = snapshot()

    with pytest.raises(NotAllowed):
        _import(db_session, user, data)
    with pytest.raises(NotAllowed):
        _plan(db_session, user, data, "2026-11")  # the permission is asked before the period

    assert snapshot() == before


# --- 6. the SK Penetapan in the DTSEN mode -------------------------------------------------------


@dataclass
class Received:
    """Received proposals of new families: one ranked desil 7, one refused by the matching, one PMT-scored only."""

    ranked: Proposal
    inactive: Proposal
    pmt_only: Proposal


@pytest.fixture
def received(db_session: Session, pusdatin: User) -> Received:
    proposals = Received(*(make_proposal(db_session, ProposalStatus.RECEIVED, members=2) for _ in range(3)))
    make_pmt_result(db_session, make_pmt_model(db_session), proposals.pmt_only.household, 3)
    db_session.commit()
    rows = [row_of(proposals.ranked.household, 7), row_of(proposals.inactive.household, None, "Tidak aktif")]
    plan = _import(db_session, pusdatin, ranking_bytes(rows))
    assert (plan.new, plan.standings) == (2, 0)  # not registered yet: the result only
    return proposals


def _determine(db_session: Session, user: User, mode: RegisterMode) -> DeterminationOutcome:
    outcome: DeterminationOutcome = _run(
        db_session, user, lambda session, actor: determine(session, actor, PERIOD, LETTER, max_desil=4, mode=mode)
    )
    return outcome


def _household(session: Session, proposal: Proposal) -> tuple[ProposalStatus, DtksStatus, int | None, str | None]:
    found = session.get_one(Proposal, proposal.id)
    household = found.household
    return found.status, household.dtks_status, household.desil, household.period


def test_in_the_dtsen_mode_a_received_family_is_determined_by_its_ranking_whatever_its_desil(
    db_session: Session, received: Received, pusdatin: User
) -> None:
    outcome = _determine(db_session, pusdatin, RegisterMode.DTSEN)

    assert (outcome.determined, outcome.not_determined) == ([received.ranked.id], [])
    assert outcome.unscored == sorted([received.inactive.id, received.pmt_only.id])
    assert _household(db_session, received.ranked) == (ProposalStatus.DETERMINED, DtksStatus.REGISTERED, 7, PERIOD)
    assert _standings(db_session) == {received.ranked.household_id: 7}
    for waiting in (received.inactive, received.pmt_only):
        assert _household(db_session, waiting)[:3] == (ProposalStatus.RECEIVED, DtksStatus.NOT_REGISTERED, None)
    # The period is decided: its ranking can no longer be imported.
    with pytest.raises(Conflict):
        _import(db_session, pusdatin, ranking_bytes([row_of(received.pmt_only.household, 2)]))


def test_in_the_dtks_mode_the_ranking_gives_no_desil_and_the_ranked_family_stays_unscored(
    db_session: Session, received: Received, pusdatin: User
) -> None:
    outcome = _determine(db_session, pusdatin, RegisterMode.DTKS)

    assert (outcome.determined, outcome.not_determined) == ([received.pmt_only.id], [])
    assert outcome.unscored == sorted([received.ranked.id, received.inactive.id])
    assert _household(db_session, received.ranked) == (ProposalStatus.RECEIVED, DtksStatus.NOT_REGISTERED, None, None)
    assert _household(db_session, received.pmt_only) == (ProposalStatus.DETERMINED, DtksStatus.REGISTERED, 3, PERIOD)


def test_a_registered_family_ranked_before_its_sk_keeps_one_standing_of_the_period_now_decreed(
    db_session: Session, pusdatin: User
) -> None:
    registered = make_household(db_session, members=2, dtks_status=DtksStatus.REGISTERED, desil=3, period="2026-07")
    kept = Proposal(
        kind=ProposalKind.KEEP, household=registered, status=ProposalStatus.RECEIVED, has_ktp=True, has_kk=True
    )
    db_session.add(kept)
    db_session.commit()
    assert _import(db_session, pusdatin, ranking_bytes([row_of(registered, 6)])).standings == 1

    outcome = _determine(db_session, pusdatin, RegisterMode.DTSEN)

    assert outcome.determined == [kept.id]
    assert _household(db_session, kept) == (ProposalStatus.DETERMINED, DtksStatus.REGISTERED, 6, PERIOD)
    standing = db_session.scalars(select(HouseholdPeriod).where(HouseholdPeriod.household_id == registered.id)).one()
    assert (standing.period, standing.desil, standing.decree_id) == (PERIOD, 6, outcome.decree_id)


def test_in_the_dtsen_mode_an_sk_with_no_ranked_proposal_is_refused_and_changes_nothing(
    db_session: Session, pusdatin: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    scored = make_proposal(db_session, ProposalStatus.RECEIVED, members=2)
    make_pmt_result(db_session, make_pmt_model(db_session), scored.household, 3)
    db_session.commit()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        _determine(db_session, pusdatin, RegisterMode.DTSEN)

    assert str(refused.value) == NOTHING_RANKED
    assert snapshot() == before
    assert db_session.get_one(Proposal, scored.id).status == ProposalStatus.RECEIVED


def test_a_periode_excel_turned_into_the_first_day_of_the_period_is_read_as_the_period(
    db_session: Session, register: Register, dinsos: User
) -> None:
    dated = [row_of(register.registered, 5, PERIODE=datetime(2026, 10, 1))]
    assert _plan(db_session, dinsos, ranking_bytes(dated)).ok
    other_day = [row_of(register.registered, 5, PERIODE=datetime(2026, 10, 2))]
    assert [error.column for error in _plan(db_session, dinsos, ranking_bytes(other_day)).errors] == ["PERIODE"]
