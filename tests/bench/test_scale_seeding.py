"""bench.scale's register, seeded small: valid and unique identity numbers, head names, the dense province, the
schema left as the migrations made it, and nothing left behind. PostgreSQL only (the seeding is PostgreSQL SQL)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import Connection, create_engine, text

from bench.scale.bulk import schema_objects
from bench.scale.database import DATABASE_PREFIX, build_project_schema, database_exists, fresh_database, server_url
from bench.scale.register import HEAD_TRIGGERS, LOADED_TABLES, SeedReport, seed_register
from database.settings import with_psycopg
from models import FamilyRelation, ProposalStatus, Sex
from models.identity import check_nik, check_no_kk

SERVER = os.environ.get("TEST_DATABASE_URL", "").strip()
pytestmark = pytest.mark.skipif(not SERVER, reason="bench.scale seeds PostgreSQL only (set TEST_DATABASE_URL)")
HOUSEHOLDS = 2000


class SeededRegister:
    """The seeded database for the module; `close()` drops it (idempotent)."""

    def __init__(self) -> None:
        self.server = server_url(SERVER)
        self.name = f"{DATABASE_PREFIX}test_{secrets.token_hex(4)}"
        self._stack = ExitStack()
        self.url = self._stack.enter_context(fresh_database(self.server, self.name))
        self.engine = create_engine(with_psycopg(self.url))
        self._stack.callback(self.engine.dispose)
        build_project_schema(self.url)
        with self.engine.connect() as connection:
            self.schema_before = schema_objects(connection, LOADED_TABLES)
        self.report: SeedReport = seed_register(self.url, HOUSEHOLDS)

    def connect(self) -> Connection:
        return self.engine.connect()

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="module")
def seeded() -> Iterator[SeededRegister]:
    register = SeededRegister()
    try:
        yield register
    finally:
        register.close()


def test_the_register_holds_the_households_asked_for_with_about_four_members_each(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        households = connection.scalar(text("SELECT count(*) FROM household"))
        members = connection.scalar(text("SELECT count(*) FROM member"))
        heads = connection.execute(
            text("SELECT count(*), count(DISTINCT household_id) FROM member WHERE family_relation = :head"),
            {"head": FamilyRelation.HEAD.value},
        ).one()
    assert households == seeded.report.households == HOUSEHOLDS
    assert members == seeded.report.members
    assert 3.5 <= members / HOUSEHOLDS <= 4.5
    assert tuple(heads) == (HOUSEHOLDS, HOUSEHOLDS)  # exactly one head in every household


def test_every_nik_is_valid_by_the_project_validator_and_unique(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        rows = connection.execute(text("SELECT nik, sex, birth_date, region_code FROM member")).all()
    refused = []
    for nik, sex, birth_date, region_code in rows:
        check = check_nik(nik, is_female=sex == Sex.FEMALE.value, birth_date=birth_date)
        if not check.ok or check.warnings or nik[:6] != region_code.replace(".", "")[:6]:
            refused.append((nik, check.errors, check.warnings))
    assert refused == []
    assert len({nik for nik, *_ in rows}) == len(rows)


def test_every_no_kk_is_valid_by_the_project_validator_and_unique(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        rows = connection.execute(text("SELECT no_kk, region_code FROM household")).all()
    refused = [
        (no_kk, check.errors, check.warnings)
        for no_kk, region_code in rows
        if not (check := check_no_kk(no_kk)).ok or check.warnings or no_kk[:6] != region_code.replace(".", "")[:6]
    ]
    assert refused == []
    assert len({no_kk for no_kk, _ in rows}) == len(rows) == HOUSEHOLDS


def test_head_name_is_the_head_members_name_and_the_triggers_are_on_again(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        differing = connection.scalar(
            text(
                "SELECT count(*) FROM household AS h JOIN member AS m ON m.household_id = h.id"
                " AND m.family_relation = :head WHERE h.head_name <> m.name OR h.head_name = ''"
            ),
            {"head": FamilyRelation.HEAD.value},
        )
        triggers = dict(
            connection.execute(
                text("SELECT tgname, tgenabled FROM pg_trigger WHERE tgname = ANY(:names)"),
                {"names": list(HEAD_TRIGGERS)},
            ).all()
        )
    assert differing == 0
    assert triggers == dict.fromkeys(HEAD_TRIGGERS, "O")  # "O": enabled


def test_half_the_register_is_in_the_dense_province_and_the_rest_in_every_other(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        per_province = dict(
            connection.execute(text("SELECT left(region_code, 2), count(*) FROM household GROUP BY 1")).all()
        )
        regencies_52 = connection.scalar(
            text("SELECT count(DISTINCT left(region_code, 5)) FROM household WHERE region_code LIKE '52.%'")
        )
        in_52_72 = connection.scalar(text("SELECT count(*) FROM household WHERE region_code LIKE '52.72.%'"))
    assert per_province.pop("52") == HOUSEHOLDS // 2
    assert len(per_province) == 37  # every other province
    assert regencies_52 == 10 and in_52_72 > 0


def test_proposals_visits_audit_rows_and_registered_households_are_there(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        statuses = set(connection.scalars(text("SELECT DISTINCT status FROM proposal")))
        visits = connection.scalar(text("SELECT count(*) FROM visit"))
        # (the accounts' creation is audited too, by the console's write path: those rows are not the seed's)
        audit = connection.scalar(text("SELECT count(*) FROM audit_entry WHERE object_type = 'household'"))
        desil = connection.scalar(text("SELECT count(DISTINCT desil) FROM household WHERE dtks_status = 'terdaftar'"))
    assert statuses == {status.value for status in ProposalStatus}
    assert visits == seeded.report.activity.visits > 0
    assert audit == seeded.report.activity.audit_entries > 0
    assert desil == 10


def test_the_schema_after_the_load_is_the_migrations_schema(seeded: SeededRegister) -> None:
    with seeded.connect() as connection:
        assert schema_objects(connection, LOADED_TABLES) == seeded.schema_before


def test_everything_is_dropped_afterwards(seeded: SeededRegister) -> None:
    assert database_exists(seeded.server, seeded.name)
    seeded.close()
    assert not database_exists(seeded.server, seeded.name)


def test_a_run_that_fails_still_drops_its_database() -> None:
    server, name = server_url(SERVER), f"{DATABASE_PREFIX}test_{secrets.token_hex(4)}"
    with pytest.raises(KeyboardInterrupt), fresh_database(server, name):
        assert database_exists(server, name)
        raise KeyboardInterrupt
    assert not database_exists(server, name)
