"""The database's own finality triggers (alembic 3f1e2d4c5b6a): raw SQL cannot change decided rows either.

PostgreSQL holds every rule; SQLite the UPDATE/DELETE rules that need no "written by this transaction" test.
The migration keeps its own frozen copy of the rule: the first tests hold it to the models.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.errors import database_error_message
from models import Meeting, Proposal, ProposalStatus, Role, User, Visit, finality
from models.workflow import TRANSITIONS
from tests.factories import make_user
from tests.finality_world import dump, place

S = ProposalStatus
VERSIONS = Path(__file__).parents[2] / "alembic" / "versions"
MIGRATION = next(VERSIONS.glob("*_3f1e2d4c5b6a_*.py"))
BY_COLUMNS = next(VERSIONS.glob("*_a7c9e1b3d5f7_*.py"))  # PostgreSQL's proposal guard compares columns
GROUND_CHECK = next(VERSIONS.glob("*_b2d4f6a8c0e1_*.py"))  # SQLite's visit trigger compares the ground check too


def _migration(path: Path = MIGRATION) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"finality_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _values(statuses: frozenset[ProposalStatus]) -> set[str]:
    return {status.value for status in statuses}


def test_the_migrations_frozen_rule_is_the_models_rule() -> None:
    frozen = _migration()
    assert set(frozen.OPEN) == _values(finality.OPEN)
    assert set(frozen.DECIDED) == _values(finality.DECIDED)
    assert set(frozen.VISIT_OPEN) == _values(finality.VISIT_OPEN)
    assert set(frozen.ARROWS) == {f"{t.source.value}>{t.target.value}" for t in TRANSITIONS}
    assert set(frozen.TRANSITION_COLUMNS) == finality.TRANSITION_COLUMNS
    assert set(frozen.CHECKLIST) == finality.CHECKLIST


@pytest.mark.parametrize(
    ("model", "content", "kept", "migration"),
    [
        # regency_code is held equal to the compared region code by its CHECK (models/base.RegencyScoped).
        (
            Proposal,
            "PROPOSAL_CONTENT",
            {*finality.TRANSITION_COLUMNS, *finality.CHECKLIST, "created_by_id", "regency_code"},
            MIGRATION,
        ),
        (Visit, "VISIT_CONTENT", {"updated_at", "enumerator_id", "confirmed_by_id", "regency_code"}, GROUND_CHECK),
        (Meeting, "MEETING_CONTENT", {"updated_at", "finalised_by_id", "regency_code"}, MIGRATION),
    ],
    ids=["proposal", "visit", "meeting"],
)
def test_the_sqlite_triggers_compare_every_column_of_the_table(
    model: type, content: str, kept: set[str], migration: Path
) -> None:
    columns = {column.name for column in model.__table__.columns}
    assert set(getattr(_migration(migration), content)) | kept == columns


def test_postgresqls_proposal_guard_compares_every_column_and_keeps_the_rule() -> None:
    frozen, first = _migration(BY_COLUMNS), _migration()
    for name in ("OPEN", "DECIDED", "ARROWS", "TRANSITION_COLUMNS", "CHECKLIST", "PROPOSAL_FIXED", "PROPOSAL_KEPT"):
        assert getattr(frozen, name) == getattr(first, name), name
    kept = {*finality.TRANSITION_COLUMNS, *finality.CHECKLIST, "created_by_id", "regency_code"}
    assert set(frozen.PROPOSAL_CONTENT) | kept == {column.name for column in Proposal.__table__.columns}
    assert set(frozen.AS_JSONB) == {c.name for c in Proposal.__table__.columns if c.type.__class__.__name__ == "JSON"}


def test_every_trigger_message_has_its_indonesian_meaning_in_the_console() -> None:
    source = MIGRATION.read_text()
    for marker in finality.DATABASE_REFUSALS:
        assert marker in source


# --- raw SQL on the test database ---------------------------------------------------------------


@pytest.fixture
def world(db_session: Session) -> Iterator[dict[ProposalStatus, object]]:
    placed = {status: place(db_session, status) for status in (S.DRAFT, S.VISITED, S.RATIFIED, S.DETERMINED)}
    db_session.commit()
    yield placed


def _refused(session: Session, statement: str, **params: object) -> str:
    """Run raw SQL that a trigger must refuse; returns the console's message for the refusal."""
    with pytest.raises(IntegrityError) as refusal:
        session.execute(text(statement), params)
    session.rollback()
    assert "[finality:" in str(refusal.value.orig)
    return database_error_message(refusal.value)


def test_raw_sql_cannot_change_or_delete_what_is_decided(db_session: Session, world: dict) -> None:
    ratified, determined = world[S.RATIFIED], world[S.DETERMINED]
    before = dump(db_session)
    message = _refused(db_session, "UPDATE proposal SET reason = 'x' WHERE id = :id", id=ratified.proposal_id)
    assert "usulan perbaikan baru" in message
    _refused(db_session, "UPDATE proposal SET household_id = :h WHERE id = :id", h=1, id=determined.proposal_id)
    _refused(db_session, "UPDATE proposal SET status = 'draft' WHERE id = :id", id=ratified.proposal_id)
    _refused(db_session, "DELETE FROM proposal WHERE id = :id", id=determined.proposal_id)
    _refused(db_session, "UPDATE visit SET notes = 'x' WHERE id = :id", id=ratified.visit_id)
    _refused(db_session, "DELETE FROM visit WHERE id = :id", id=determined.visit_id)
    assert _refused(db_session, "UPDATE decree SET number = 'x' WHERE id = :id", id=ratified.decree_ids[0]) == (
        finality.DECREE_SIGNED
    )
    _refused(db_session, "DELETE FROM decree WHERE id = :id", id=ratified.decree_ids[0])
    _refused(db_session, "DELETE FROM decree_proposal WHERE decree_id = :id", id=ratified.decree_ids[0])
    _refused(db_session, "UPDATE meeting SET place = 'x' WHERE id = :id", id=ratified.meeting_id)
    _refused(db_session, "DELETE FROM meeting WHERE id = :id", id=ratified.meeting_id)
    _refused(db_session, "DELETE FROM meeting_participant WHERE meeting_id = :id", id=ratified.meeting_id)
    _refused(db_session, "UPDATE meeting_decision SET note = 'x' WHERE meeting_id = :id", id=ratified.meeting_id)
    assert dump(db_session) == before


@pytest.mark.parametrize(
    "change",
    [
        "kind = 'tetap'",
        "region_code = '52.72.01.1002'",
        "removal_reason = 'pindah'",
        'requested_changes = CAST(\'{"rt": "009"}\' AS JSON)',
        "created_at = created_at + interval '1 day'",
        "id = id + 100000",
        "has_ktp = NOT has_ktp",
    ],
)
def test_raw_sql_cannot_change_any_content_column_of_a_fixed_proposal(
    postgresql_only: None, db_session: Session, world: dict, change: str
) -> None:
    before = dump(db_session)
    _refused(db_session, f"UPDATE proposal SET {change} WHERE id = :id", id=world[S.RATIFIED].proposal_id)
    assert dump(db_session) == before


def test_a_fixed_proposals_requested_changes_rewritten_as_equal_json_are_not_a_change(
    postgresql_only: None, db_session: Session, world: dict
) -> None:
    proposal_id = world[S.RATIFIED].proposal_id
    db_session.execute(
        text("UPDATE proposal SET requested_changes = CAST(CAST(requested_changes AS jsonb) AS json) WHERE id = :id"),
        {"id": proposal_id},
    )
    db_session.execute(
        text("UPDATE proposal SET has_ktp = NOT has_ktp WHERE id = :id"), {"id": world[S.VISITED].proposal_id}
    )
    db_session.commit()  # the checklist of a proposal decided in the village may still change


def test_raw_sql_may_still_move_a_fixed_proposal_along_an_arrow_and_change_open_rows(
    db_session: Session, world: dict
) -> None:
    db_session.execute(
        text("UPDATE proposal SET status = 'forwarded', version = version + 1 WHERE id = :id"),
        {"id": world[S.RATIFIED].proposal_id},
    )
    db_session.execute(text("UPDATE proposal SET reason = 'x' WHERE id = :id"), {"id": world[S.DRAFT].proposal_id})
    db_session.execute(text("UPDATE visit SET notes = 'x' WHERE id = :id"), {"id": world[S.VISITED].visit_id})
    db_session.commit()
    assert db_session.scalar(select(Proposal.status).where(Proposal.id == world[S.RATIFIED].proposal_id)) == (
        S.FORWARDED
    )


def test_deleting_a_user_still_empties_the_actor_columns_of_decided_rows(db_session: Session) -> None:
    user_id = make_user(db_session, Role.OPERATOR_DESA, "52.72.01.1001").id
    determined = place(db_session, S.DETERMINED, actor_id=user_id)
    db_session.commit()
    _refused(db_session, "UPDATE proposal SET created_by_id = NULL WHERE id = :id", id=determined.proposal_id)
    _refused(db_session, "UPDATE visit SET enumerator_id = NULL WHERE id = :id", id=determined.visit_id)

    db_session.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": user_id})  # ON DELETE SET NULL
    db_session.commit()

    db_session.expire_all()
    assert db_session.get(Proposal, determined.proposal_id).created_by_id is None
    visit = db_session.get(Visit, determined.visit_id)
    assert (visit.enumerator_id, visit.confirmed_by_id) == (None, None)
    assert db_session.get(Meeting, determined.meeting_id).finalised_by_id is None
    assert db_session.get(User, user_id) is None


@pytest.fixture
def postgresql_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite leaves child INSERTs and determined periods to the ORM guard (no 'this transaction')")


def test_raw_sql_cannot_add_children_to_decided_parents(
    postgresql_only: None, db_session: Session, world: dict
) -> None:
    ratified, accepted = world[S.RATIFIED], place(db_session, S.ACCEPTED)
    db_session.commit()
    before = dump(db_session)
    _refused(
        db_session,
        "INSERT INTO decree_proposal (decree_id, proposal_id, regency_code) VALUES (:d, :p, '52.72')",
        d=ratified.decree_ids[0],
        p=accepted.proposal_id,
    )
    _refused(
        db_session,
        "INSERT INTO visit (household_id, proposal_id, region_code, regency_code, enumerator_name, visited_on, "
        "result, assets, livestock, programme_cards, notes, created_at, updated_at) VALUES (:h, :p, "
        "'52.72.01.1001', '52.72', 'x', "
        "'2026-09-09', 'menunggu', '[]', '{}', '[]', '', now(), now())",
        h=ratified.household_id,
        p=ratified.proposal_id,
    )
    _refused(
        db_session,
        "INSERT INTO meeting_participant (meeting_id, region_code, regency_code, name, position) "
        "VALUES (:m, '52.72.01.1001', '52.72', 'x', 'lainnya')",
        m=ratified.meeting_id,
    )
    assert dump(db_session) == before


def test_raw_sql_cannot_rewrite_a_determined_period(postgresql_only: None, db_session: Session, world: dict) -> None:
    household = world[S.DETERMINED].household_id
    db_session.execute(
        text(
            "INSERT INTO household_period (household_id, period, dtks_status, region_code, regency_code, recorded_at) "
            "SELECT id, '2027-01', 'terdaftar', region_code, regency_code, now() FROM household WHERE id = :h"
        ),
        {"h": household},
    )  # a period nobody has determined yet
    db_session.commit()
    db_session.execute(
        text(
            "INSERT INTO decree (kind, region_code, number, decree_date, signer_name, signer_title, period, "
            "signed_at, created_at, updated_at) VALUES ('penetapan_kementerian', '', 'x/2027', '2027-01-15', 'M', "
            "'M', '2027-01', now(), now(), now())"
        )
    )
    db_session.execute(text("UPDATE household_period SET desil = 3 WHERE period = '2027-01'"))  # same transaction
    db_session.commit()
    message = _refused(db_session, "UPDATE household_period SET desil = 4 WHERE period = '2027-01'")
    assert "SK Penetapan" in message
    _refused(db_session, "DELETE FROM household_period WHERE period = '2027-01'")


def test_a_decree_inserted_signed_takes_its_annex_in_the_same_transaction_only(
    postgresql_only: None, db_session: Session, world: dict
) -> None:
    proposal = world[S.RATIFIED].proposal_id
    decree = db_session.execute(
        text(
            "INSERT INTO decree (kind, region_code, number, decree_date, signer_name, signer_title, signed_at, "
            "created_at, updated_at) VALUES ('penerusan_provinsi', '52', '400/9', '2026-09-09', 'K', 'K', now(), "
            "now(), now()) RETURNING id"
        )
    ).scalar_one()
    db_session.execute(text("INSERT INTO decree_proposal VALUES (:d, :p, '52.72')"), {"d": decree, "p": proposal})
    db_session.commit()
    _refused(db_session, "DELETE FROM decree_proposal WHERE decree_id = :d", d=decree)
