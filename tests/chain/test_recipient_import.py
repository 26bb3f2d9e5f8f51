"""Importing a programme's recipient list (chain/recipients.py) on SQLite and PostgreSQL: a good list in other
spellings becomes the period's memberships, the same list twice changes nothing, a status change is applied, and a
catalogue of broken lists is refused whole with its row errors, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import actor_for
from chain.recipients import (
    HEAD_DIFFERS,
    TWICE,
    UNKNOWN_FAMILY,
    UNKNOWN_PROGRAMME,
    RecipientPlan,
    RecipientsRefused,
    import_recipients,
)
from chain.store import write_transaction
from console.database import make_session_factory
from models import (
    AuditAction,
    AuditEntry,
    Household,
    MembershipSource,
    MembershipStatus,
    Programme,
    ProgrammeMembership,
    Role,
    User,
)
from models.refusals import Invalid, NotAllowed
from reports.interchange import RECIPIENTS
from reports.xlsx_upload import SheetRefused, UploadLimits
from tests.factories import make_household, make_user
from tests.ranking_files import ranking_bytes

PERIOD = "2026-10"
LIMITS = UploadLimits()
HEADERS = RECIPIENTS.headers
Row = dict[str, Any]


def _row(household: Household, programme: str = "PKH", status: str | None = None, **cells: Any) -> Row:
    head = household.head
    assert head is not None and head.nik is not None
    row: Row = {"NO KK": household.no_kk, "NIK KEPALA KELUARGA": head.nik, "NAMA KEPALA KELUARGA": head.name,
                "PROGRAM": programme, "STATUS": status}  # fmt: skip
    row.update(cells)
    return row


def _list(rows: list[Row], **options: Any) -> bytes:
    return ranking_bytes(rows, headers=options.pop("headers", HEADERS), **options)


@pytest.fixture
def families(db_session: Session) -> list[Household]:
    made = [make_household(db_session, members=2) for _ in range(3)]
    made.append(make_household(db_session, region_code="52.71.01.1004", members=1))  # another regency
    db_session.commit()
    return made


@pytest.fixture
def dinsos(db_session: Session) -> User:
    user = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    db_session.commit()
    return user


def _import(db_session: Session, user: User, data: bytes, period: str = PERIOD) -> RecipientPlan:
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    sessions = make_session_factory(bind)
    db_session.rollback()

    def work(session: Session) -> RecipientPlan:
        return import_recipients(session, actor, period, data, LIMITS)

    plan: RecipientPlan = run_as(user, lambda: write_transaction(sessions, work))
    db_session.expire_all()
    return plan


def _memberships(session: Session) -> set[tuple[int, str, str, str, str]]:
    rows = session.execute(
        select(ProgrammeMembership.household_id, Programme.code, ProgrammeMembership.period,
               ProgrammeMembership.status, ProgrammeMembership.source)
        .join(Programme, Programme.id == ProgrammeMembership.programme_id)
    )  # fmt: skip
    return {(hh, code, period, status.value, source.value) for hh, code, period, status, source in rows}


def _imports_audited(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.IMPORT, AuditEntry.object_type == "programme_membership"
        )
    ) or 0  # fmt: skip


def test_a_good_list_in_other_spellings_becomes_the_periods_memberships_and_twice_changes_nothing(
    db_session: Session, families: list[Household], dinsos: User
) -> None:
    first, second, third = families[:3]
    spellings = {"NO KK": "Nomor KK", "NIK KEPALA KELUARGA": "NIK KRT", "PROGRAM": "Jenis Bansos",
                 "STATUS": "Status KPM", "NAMA KEPALA KELUARGA": "Nama KPM"}  # fmt: skip
    rows = [_row(first, "PKH", "Aktif"), _row(first, "program sembako / bpnt", None), _row(second, "pbi-jk", "Tangguh")]
    data = _list(rows, renamed=spellings, title_rows=[("DAFTAR KPM PKH TAHAP IV",), ()])

    plan = _import(db_session, dinsos, data)

    assert (plan.created, plan.updated, plan.unchanged) == (3, 0, 0)
    expected = {(first.id, "PKH", PERIOD, "aktif", "diimpor"), (first.id, "SEMBAKO", PERIOD, "aktif", "diimpor"),
                (second.id, "PBI-JK", PERIOD, "ditangguhkan", "diimpor")}  # fmt: skip
    assert _memberships(db_session) == expected and _imports_audited(db_session) == 1

    again = _import(db_session, dinsos, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _memberships(db_session) == expected and _imports_audited(db_session) == 1  # no write, no entry

    changed = _import(db_session, dinsos, _list([_row(second, "PBI-JK", "Dihentikan"), _row(third, "KIP")]))
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 0)
    assert (second.id, "PBI-JK", PERIOD, "dihentikan", "diimpor") in _memberships(db_session)
    assert (third.id, "KIP", PERIOD, "aktif", "diimpor") in _memberships(db_session)
    assert _imports_audited(db_session) == 2


def _broken_cases(families: list[Household]) -> list[tuple[str, list[Row], str, str]]:
    first, second, _third, elsewhere = families
    return [
        ("unknown programme", [_row(first, "Bansos Lokal")], "PROGRAM", UNKNOWN_PROGRAMME.format(name="Bansos Lokal")),
        ("family elsewhere", [_row(elsewhere)], "NO KK", UNKNOWN_FAMILY),
        ("family unknown", [_row(first, **{"NO KK": "5272011111110001"})], "NO KK", UNKNOWN_FAMILY),
        ("same family twice", [_row(first), _row(first, "pkh")], "NO KK", TWICE.format(row=3)),
        ("head differs", [_row(first, **{"NIK KEPALA KELUARGA": second.head.nik})], "NIK KEPALA KELUARGA",
         HEAD_DIFFERS.split("(")[0]),
        ("kk too short", [_row(first, **{"NO KK": "52720114031"})], "NO KK", "16"),
        ("bad status", [_row(first, status="Mungkin")], "STATUS", ""),
        ("control character", [_row(first, **{"NAMA KEPALA KELUARGA": "Kepala\x85Uji"})], "NAMA KEPALA KELUARGA", ""),
        ("no kk empty", [_row(first, **{"NO KK": None}), _row(second)], "NO KK", ""),
    ]  # fmt: skip


@pytest.mark.parametrize("case", range(9))
def test_a_broken_list_is_refused_whole_with_its_row_errors(
    db_session: Session, families: list[Household], dinsos: User, case: int
) -> None:
    name, rows, column, message = _broken_cases(families)[case]
    good = _row(families[2], "KIP")  # a good row beside the broken one: not written either

    with pytest.raises(RecipientsRefused) as refused:
        _import(db_session, dinsos, _list([good, *rows], writer="xlsxwriter"))

    errors = refused.value.plan.errors
    assert any(error.column == column and message in error.message for error in errors), (name, errors)
    assert _memberships(db_session) == set() and _imports_audited(db_session) == 0
    assert "tidak ada data yang diubah" in str(refused.value)


def test_a_file_that_is_no_list_a_bad_period_and_a_role_without_the_right_change_nothing(
    db_session: Session, families: list[Household], dinsos: User
) -> None:
    with pytest.raises(SheetRefused):
        _import(db_session, dinsos, b"bukan berkas excel")
    with pytest.raises(SheetRefused):  # no PROGRAM column: the header is not found
        _import(db_session, dinsos, _list([_row(families[0])], headers=("NO", "NO KK", "STATUS")))
    with pytest.raises(Invalid):
        _import(db_session, dinsos, _list([_row(families[0])]), period="2026-11")
    village = make_user(db_session, Role.OPERATOR_DESA, families[0].region_code)
    db_session.commit()
    with pytest.raises(NotAllowed):
        _import(db_session, village, _list([_row(families[0])]))
    assert _memberships(db_session) == set()


def test_the_import_is_held_to_the_importers_scope(
    db_session: Session, families: list[Household], count_rows: Callable[[str], int]
) -> None:
    bima = make_user(db_session, Role.OPERATOR_DINSOS, "52.71")
    db_session.commit()
    with pytest.raises(RecipientsRefused) as refused:
        _import(db_session, bima, _list([_row(families[3]), _row(families[0])]))
    assert [error.row for error in refused.value.plan.errors] == [3]  # Kota Bima's family: unknown to Kab. Bima
    plan = _import(db_session, bima, _list([_row(families[3])]))
    assert plan.created == 1 and count_rows("programme_membership") == 1
    assert {source for *_rest, source in _memberships(db_session)} == {MembershipSource.IMPORTED.value}
    assert MembershipStatus.ACTIVE.value in {status for *_rest, status, _source in _memberships(db_session)}


def test_the_documented_recipient_columns_are_the_spec() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "INTERCHANGE.md").read_text(encoding="utf-8")
    section = text.split("## Direction in: a programme's recipient list", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ") and "|---" not in line]
    documented = [(cells[0].strip(), cells[1].strip() == "ya") for cells in rows[1:]]
    assert documented == [(column.header, column.required) for column in RECIPIENTS.columns]
