"""A signed SK's annex is the one kept at signing: editing a family afterwards no longer changes it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import Decree, DecreeAnnexRow, Household, Member, ProposalStatus, Role
from models.finality import DECREE_SIGNED, RecordFixed
from reports.bnba_export import build_sk_annex
from tests.console.test_decrees import PDF, _sign
from tests.console_client import client_logged_in_as
from tests.finality_world import place
from tests.reports.export_checks import bnba_index
from tests.reports.test_exports import NO_KK, read

S = ProposalStatus
NAME, ADDRESS = bnba_index("NAMA"), bnba_index("ALAMAT")


def _annex(session: Session, decree: Decree) -> list[tuple]:
    export = build_sk_annex(session, decree)
    try:
        return read(export)
    finally:
        export.discard()


def test_a_signed_decrees_annex_exports_as_it_stood_at_signing(app: Starlette, db_session: Session) -> None:
    placed = place(db_session, S.IN_DECREE)  # a draft SK holding a proposal of a family of two
    db_session.commit()
    decree = db_session.get(Decree, placed.decree_ids[0])
    operator = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "penanda_tangan")
    try:
        draft_rows = _annex(db_session, decree)
        assert _sign(operator, decree, ("sk.pdf", PDF, "application/pdf")).status_code == 303
    finally:
        operator.__exit__(None, None, None)
    db_session.expire_all()
    decree = db_session.get(Decree, decree.id)
    kept = db_session.scalar(select(func.count()).where(DecreeAnnexRow.decree_id == decree.id))
    assert kept == len(draft_rows) == 2

    household = db_session.get(Household, placed.household_id)
    household.address = "Jl. Sesudah SK 1"
    db_session.get(Member, household.members[0].id).name = "Nama Sesudah SK"
    db_session.commit()

    signed_rows = _annex(db_session, decree)
    assert signed_rows == draft_rows
    assert "Nama Sesudah SK" not in {row[NAME] for row in signed_rows}
    assert {row[ADDRESS] for row in signed_rows} == {"Jl. Soekarno-Hatta No. 1"}
    assert [row[NO_KK] for row in signed_rows] == [household.no_kk] * 2


def test_a_drafts_annex_still_follows_the_families(db_session: Session) -> None:
    placed = place(db_session, S.IN_DECREE)
    db_session.get(Household, placed.household_id).address = "Jl. Draf 2"
    db_session.commit()

    rows = _annex(db_session, db_session.get(Decree, placed.decree_ids[0]))

    assert {row[ADDRESS] for row in rows} == {"Jl. Draf 2"}


def test_the_kept_annex_rows_never_change(app: Starlette, db_session: Session) -> None:
    placed = place(db_session, S.IN_DECREE)
    db_session.commit()
    operator = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "penanda_tangan_2")
    try:
        decree = db_session.get(Decree, placed.decree_ids[0])
        assert _sign(operator, decree, ("sk.pdf", PDF, "application/pdf")).status_code == 303
    finally:
        operator.__exit__(None, None, None)
    db_session.expire_all()
    row = db_session.scalars(select(DecreeAnnexRow).where(DecreeAnnexRow.decree_id == placed.decree_ids[0])).first()
    assert row is not None

    row.name = "Ditulis ulang"
    with pytest.raises(RecordFixed, match=DECREE_SIGNED):
        db_session.flush()
    db_session.rollback()
    db_session.delete(row)
    with pytest.raises(RecordFixed, match=DECREE_SIGNED):
        db_session.flush()
    db_session.rollback()
    for statement in ("UPDATE decree_annex_row SET name = 'x'", "DELETE FROM decree_annex_row"):
        with pytest.raises(IntegrityError, match=r"\[finality:decree\]"):
            db_session.execute(text(statement))
        db_session.rollback()
    if db_session.get_bind().dialect.name == "postgresql":  # SQLite leaves child INSERTs to the flush guard
        columns = [column.name for column in DecreeAnnexRow.__table__.columns if column.name != "id"]
        copied = ", ".join("position + 1000" if name == "position" else name for name in columns)
        with pytest.raises(IntegrityError, match=r"\[finality:decree\]"):
            db_session.execute(
                text(f"INSERT INTO decree_annex_row ({', '.join(columns)}) SELECT {copied} FROM decree_annex_row")
            )
        db_session.rollback()
