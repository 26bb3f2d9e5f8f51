"""What the server log holds after a refused save or delete: one line, no traceback, no identity number.

The records are those the console makes while it serves the request (the test client's own `httpx` lines
left out), as a server's handler formats them, at every level down to DEBUG.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.request_log import REQUEST_LOGGER
from models import FamilyRelation, Household, Member
from tests.console.form_posts import (
    Seed,
    create,
    delete,
    delete_refusal,
    household_form,
    member_form,
    refusal_text,
    row_counts,
    seed_register,
)
from tests.factories import next_nik
from tests.log_scan import SIXTEEN_DIGITS, LogLines

KECAMATAN = "52.72.01"
BORN = date(1980, 5, 17)
CLIENT_LOGGERS = ("httpx", "httpcore", "httpx2", "httpcore2")
REQUEST_LOG = REQUEST_LOGGER.name
DUPLICATE_NIK = "NIK ini sudah terdaftar pada anggota keluarga lain."
SECOND_HEAD = "Keluarga ini sudah memiliki kepala keluarga."
HEAD_DELETE = "Kepala keluarga tidak dapat dihapus sendiri."


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session, log_lines: LogLines) -> Seed:
    seed = seed_register(db_session)
    # The official opens the form first (the first request also loads the casbin rules, logged at INFO).
    assert admin_client.get("/admin/member/create").status_code == 200
    log_lines.clear()
    return seed


def server_lines(log_lines: LogLines, level: int = logging.DEBUG) -> list[str]:
    return [
        line
        for line, record in zip(log_lines.lines, log_lines.records, strict=True)
        if record.levelno >= level and not record.name.startswith(CLIENT_LOGGERS)
    ]


def refusal_lines(log_lines: LogLines) -> list[str]:
    """The records at INFO or above but the line every request writes (dtks.request, console/request_log.py)."""
    return [
        line
        for line, record in zip(log_lines.lines, log_lines.records, strict=True)
        if record.levelno >= logging.INFO and not record.name.startswith(CLIENT_LOGGERS) and record.name != REQUEST_LOG
    ]


def assert_one_refusal_line(log_lines: LogLines, message: str, where: str) -> None:
    """Exactly one record at INFO or above, on one line, naming request and user; nothing anywhere with a NIK."""
    lines = refusal_lines(log_lines)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"WARNING sqladmin.application: Refused and shown to the user: {where} by admin_uji")
    assert message in lines[0]
    assert "\n" not in lines[0]
    assert [line for line in server_lines(log_lines) if SIXTEEN_DIGITS.search(line)] == []


def _the_heads_nik(seed: Seed, session: Session) -> dict[str, str]:
    head = session.get(Member, seed.head_id)
    return member_form(seed.household_id, head.nik, head.birth_date, sex=head.sex.value)


def _a_second_head(seed: Seed, session: Session) -> dict[str, str]:
    nik = next_nik(KECAMATAN, BORN, is_female=False)
    return member_form(seed.household_id, nik, BORN, family_relation="kepala_keluarga")


@pytest.mark.parametrize(
    ("member", "message"),
    [
        pytest.param(_the_heads_nik, DUPLICATE_NIK, id="duplicate-nik"),
        pytest.param(_a_second_head, SECOND_HEAD, id="second-head"),
    ],
)
def test_a_refused_member_leaves_one_warning_line_and_no_nik(
    member: Callable[[Seed, Session], dict[str, str]],
    message: str,
    seed: Seed,
    admin_client: TestClient,
    db_session: Session,
    log_lines: LogLines,
) -> None:
    fields = member(seed, db_session)
    counts = row_counts(db_session)

    response = create(admin_client, "member", fields)

    assert response.status_code == 400 and message in refusal_text(response)
    assert row_counts(db_session) == counts
    assert_one_refusal_line(log_lines, message, "POST /admin/member/create")


def test_a_refused_duplicate_head_nik_on_the_household_form_leaves_one_warning_line(
    seed: Seed, admin_client: TestClient, db_session: Session, log_lines: LogLines
) -> None:
    head = db_session.get(Member, seed.head_id)
    fields = household_form(
        region=seed.household_region,
        head_nik=head.nik,
        head_sex=head.sex.value,
        head_birth_date=head.birth_date.isoformat(),
    )

    response = create(admin_client, "household", fields)

    assert response.status_code == 400 and DUPLICATE_NIK in refusal_text(response)
    assert db_session.scalar(select(Household).where(Household.no_kk == fields["no_kk"])) is None
    assert_one_refusal_line(log_lines, DUPLICATE_NIK, "POST /admin/household/create")


def test_a_refused_delete_leaves_one_warning_line(
    seed: Seed, admin_client: TestClient, db_session: Session, log_lines: LogLines
) -> None:
    refusal = delete_refusal(delete(admin_client, "member", seed.head_id))

    assert refusal is not None and HEAD_DELETE in refusal
    db_session.expire_all()
    assert db_session.get(Member, seed.head_id).family_relation == FamilyRelation.HEAD
    assert_one_refusal_line(log_lines, HEAD_DELETE, "DELETE /admin/member/delete")


def test_a_save_with_a_nul_byte_leaves_at_most_one_line_and_no_nik(
    seed: Seed, admin_client: TestClient, db_session: Session, log_lines: LogLines
) -> None:
    # PostgreSQL refuses the NUL (a RefusedChange); SQLite stores it. Either way: no traceback, no NIK.
    nik = next_nik(KECAMATAN, BORN, is_female=False)

    response = create(admin_client, "member", member_form(seed.household_id, nik, BORN, name="Fatimah\x00Zahra"))

    assert response.status_code in (302, 400)
    lines = refusal_lines(log_lines)
    assert len(lines) <= 1, lines
    assert all("\n" not in line and line.startswith("WARNING") for line in lines)
    assert [line for line in server_lines(log_lines) if SIXTEEN_DIGITS.search(line)] == []


def test_the_statement_log_of_a_refused_save_shows_no_parameters(
    seed: Seed, admin_client: TestClient, db_session: Session, engine: Engine, log_lines: LogLines
) -> None:
    head = db_session.get(Member, seed.head_id)
    fields = member_form(seed.household_id, head.nik, head.birth_date, sex=head.sex.value)
    statements = logging.getLogger("sqlalchemy.engine")
    statements.setLevel(logging.INFO)  # SQL echo, as `SQL_ECHO=true` would turn it on
    try:
        response = create(admin_client, "member", fields)
    finally:
        statements.setLevel(logging.NOTSET)

    assert response.status_code == 400
    logged = [line for line in server_lines(log_lines) if "sqlalchemy.engine" in line]
    assert any("INSERT INTO member" in line for line in logged)
    assert any("[SQL parameters hidden due to hide_parameters=True]" in line for line in logged)
    assert [line for line in server_lines(log_lines) if SIXTEEN_DIGITS.search(line)] == []
    assert engine.hide_parameters
