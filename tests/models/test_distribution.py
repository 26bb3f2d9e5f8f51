"""The schema against the rules that keep a move to a distributed engine possible (models/distribution.py,
docs/SCALING.md): every table placed, references and own-key tables joined to the register only where Citus
allows it, national numbers unique only through their lookup tables, and the gaps still open exactly those listed.

Read from the models' metadata as PostgreSQL builds it (the keys SQLite keeps from its first schema are marked
sqlite-only), which tests/test_migrations.py holds equal to what the migrations build; on PostgreSQL the live
schema is read too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.config import Config
from sqlalchemy import Engine, ForeignKeyConstraint, Index, Table, UniqueConstraint, exists, inspect, select, text
from sqlalchemy.orm import aliased

from alembic import command
from console.database import make_engine
from console.settings import Settings
from models import Base, Household, Member, Proposal, Region, Visit
from models.base import regency_join
from models.distribution import (
    BY_OWN_KEY,
    BY_REGENCY,
    FOREIGN_KEYS_WITHOUT_REGENCY,
    KEYED_BY_REGENCY,
    REFERENCE,
    REGENCY_COLUMN,
    UNIQUE_WITHOUT_REGENCY,
    WITHOUT_REGENCY_CODE,
    kind_of,
    postgresql_primary_key,
)
from tests.distributed_joins import joins_without_the_regency_code
from tests.factories import insert_region_path

TABLES: dict[str, Table] = dict(Base.metadata.tables)


def _postgresql(item: object) -> bool:
    return getattr(item, "info", {}).get("only_dialect") != "sqlite"


def _links(table: Table) -> list[ForeignKeyConstraint]:
    """The table's foreign keys on PostgreSQL."""
    return [c for c in table.constraints if isinstance(c, ForeignKeyConstraint) and _postgresql(c)]


def _unique_column_sets(table: Table) -> list[set[str]]:
    """The primary key and every unique constraint or index, as column names (PostgreSQL's schema)."""
    sets = [set(postgresql_primary_key(table))]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.info.get("only_dialect") != "sqlite":
            sets.append({column.name for column in constraint.columns})
    for index in table.indexes:
        if isinstance(index, Index) and index.unique and index.info.get("only_dialect") != "sqlite":
            sets.append({getattr(expression, "name", str(expression)) for expression in index.expressions})
    return sets


def test_every_table_is_placed_once() -> None:
    kinds = [BY_REGENCY, REFERENCE, set(BY_OWN_KEY)]
    assert sum(len(kind) for kind in kinds) == len(set().union(*kinds)), "a table placed twice"
    assert set().union(*kinds) == set(TABLES), "placed tables and the schema's tables differ"
    assert {kind_of(name) for name in TABLES} == {"by regency", "reference", "by own key"}


def test_tables_by_their_own_key_are_keyed_by_it_and_hang_on_nothing_distributed_by_regency() -> None:
    for name, key in BY_OWN_KEY.items():
        table = TABLES[name]
        assert list(postgresql_primary_key(table)) == [key], name
        for link in _links(table):
            assert link.referred_table.name in REFERENCE, f"{name} -> {link.referred_table.name}"


def test_reference_tables_point_only_at_reference_tables() -> None:
    """Citus refuses a foreign key from a reference table to a distributed one."""
    for name in REFERENCE:
        for link in _links(TABLES[name]):
            assert link.referred_table.name in REFERENCE, f"{name} -> {link.referred_table.name}"


def test_the_register_hangs_only_on_itself_and_on_reference_tables() -> None:
    for name in BY_REGENCY:
        for link in _links(TABLES[name]):
            assert link.referred_table.name in BY_REGENCY | REFERENCE, f"{name} -> {link.referred_table.name}"


def test_national_numbers_are_unique_only_through_their_lookup_tables() -> None:
    for table, column in (("member", "nik"), ("household", "no_kk")):
        assert {column} not in _unique_column_sets(TABLES[table]), f"{table}.{column} unique on the register"
    assert BY_OWN_KEY["member_nik"] == "nik" and BY_OWN_KEY["household_kk"] == "no_kk"


def test_every_row_distributed_by_regency_carries_a_region_code_of_its_own() -> None:
    without = {
        name for name in BY_REGENCY if "region_code" not in TABLES[name].c and REGENCY_COLUMN not in TABLES[name].c
    }
    assert without == set()


def test_tables_distributed_by_regency_without_the_regency_code_are_exactly_the_listed_gap() -> None:
    without = {name for name in BY_REGENCY if REGENCY_COLUMN not in TABLES[name].c}
    assert without == WITHOUT_REGENCY_CODE
    for name in BY_REGENCY - WITHOUT_REGENCY_CODE:
        column = TABLES[name].c[REGENCY_COLUMN]
        assert not column.nullable and column.computed is None, f"{name}: a plain NOT NULL column routes a row"


def test_links_between_regency_tables_without_the_regency_code_are_exactly_the_listed_gap() -> None:
    missing = set()
    for name in BY_REGENCY:
        for link in _links(TABLES[name]):
            if link.referred_table.name not in BY_REGENCY:
                continue
            columns = [column.name for column in link.columns]
            if REGENCY_COLUMN not in columns:
                missing.update(f"{name}.{column}" for column in columns)
    assert missing == FOREIGN_KEYS_WITHOUT_REGENCY


def test_unique_keys_of_regency_tables_without_the_regency_code_are_exactly_the_listed_gap() -> None:
    missing = {
        name
        for name in BY_REGENCY
        if any(REGENCY_COLUMN not in columns for columns in _unique_column_sets(TABLES[name]))
    }
    assert missing == UNIQUE_WITHOUT_REGENCY


def test_postgresqls_live_keys_of_tables_kept_by_regency_include_the_regency_code(engine: Engine) -> None:
    """What the migrations built, read back from the server: the metadata's view above is not taken on trust."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite is never distributed and keeps its single-column keys")
    schema = inspect(engine)
    for name in sorted(KEYED_BY_REGENCY):
        keys = [schema.get_pk_constraint(name)["constrained_columns"]]
        keys += [unique["column_names"] for unique in schema.get_unique_constraints(name)]
        keys += [index["column_names"] for index in schema.get_indexes(name) if index["unique"]]
        for columns in keys:
            assert REGENCY_COLUMN in columns, f"{name}: unique on {columns}"
        for link in schema.get_foreign_keys(name):
            if link["referred_table"] in KEYED_BY_REGENCY:
                assert link["constrained_columns"][1:] == [REGENCY_COLUMN], f"{name}: {link['name']}"
                assert link["referred_columns"] == ["id", REGENCY_COLUMN], f"{name}: {link['name']}"


def test_the_migration_gives_the_parafs_already_there_their_certificates_region_code(
    empty_database_url: str, alembic_config_for: Callable[[str], Config], settings: Settings
) -> None:
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, "f2a4c6e8b0d1")
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    try:
        with engine.begin() as connection:
            insert_region_path(connection, "52.72")
            connection.execute(
                text(
                    "INSERT INTO certificate (id, region_code, requested_nik, applicant_name, purpose, result, step,"
                    " requested_at, notes, created_at, updated_at) VALUES (3, '52.72', '5272010101800001', 'Pemohon',"
                    " '', 'terdaftar', 'paraf_penyuluh', CURRENT_TIMESTAMP, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO certificate_approval (certificate_id, step, user_name, at)"
                    " VALUES (3, 'paraf_penyuluh', 'Penyuluh', CURRENT_TIMESTAMP)"
                )
            )
        command.upgrade(config, "a3b5c7d9e1f2")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT region_code FROM certificate_approval")).scalars().all() == ["52.72"]
        command.downgrade(config, "f2a4c6e8b0d1")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM certificate_approval")).scalar_one() == 1
    finally:
        engine.dispose()


def test_the_migration_gives_the_rows_already_there_their_regency_code(
    empty_database_url: str, alembic_config_for: Callable[[str], Config], settings: Settings
) -> None:
    """Rows written before the column existed, a decided one and the audit trail's among them, get it filled (a
    decree's link from its proposal), and on PostgreSQL the keys that include it are built over them."""
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, "a3b5c7d9e1f2")
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    village = "52.72.01.1001"
    rows = (
        "INSERT INTO household (id, no_kk, region_code, address, rt, rw, dtks_status, notes, created_at, updated_at)"
        " VALUES (1, '5272011501200001', :v, 'Jl. Uji', '', '', 'terdaftar', '', CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP)",
        "INSERT INTO proposal (id, kind, household_id, region_code, reason, requested_changes, has_ktp, has_kk,"
        " has_sktm, status, status_changed_at, return_reason, version) VALUES (2, 'baru', 1, :v, '', '{}', true,"
        " true, false, 'ratified', CURRENT_TIMESTAMP, '', 1)",
        "INSERT INTO decree (id, kind, region_code, number, decree_date, signer_name, signer_title) VALUES"
        " (3, 'pengesahan_kabupaten', '52.72', '1/2026', '2026-10-01', 'Wali Kota', 'Wali Kota Bima')",
        "INSERT INTO decree_proposal (decree_id, proposal_id) VALUES (3, 2)",
        "INSERT INTO audit_entry (id, at, actor_name, request_id, ip, action, object_type, object_id, region_code,"
        " message) VALUES (4, CURRENT_TIMESTAMP, 'Operator', 'r1', '127.0.0.1', 'create', 'Household', '1', :v, ''),"
        " (5, CURRENT_TIMESTAMP, 'Admin', 'r2', '127.0.0.1', 'login', 'User', '1', '', '')",
    )
    try:
        with engine.begin() as connection:
            insert_region_path(connection, village)
            for statement in rows:
                connection.execute(text(statement), {"v": village})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            for table in ("household", "proposal", "decree_proposal"):
                assert connection.execute(text(f"SELECT regency_code FROM {table}")).scalars().all() == ["52.72"]
            audit = connection.execute(text("SELECT id, regency_code FROM audit_entry ORDER BY id")).all()
            assert [tuple(row) for row in audit] == [(4, "52.72"), (5, "")]
        command.downgrade(config, "a3b5c7d9e1f2")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM decree_proposal")).scalar_one() == 1
            assert connection.execute(text("SELECT count(*) FROM audit_entry")).scalar_one() == 2
    finally:
        engine.dispose()


def test_the_statement_check_tells_a_join_on_the_id_alone_from_one_on_the_regency_code_too() -> None:
    """tests/distributed_joins.py, which the harness runs over every statement the console sends, itself checked."""
    on_id = select(Member.id).join(Household, Household.id == Member.household_id)
    assert joins_without_the_regency_code(on_id) == ["household.id = member.household_id"]
    on_both = select(Member.id).join(Household, regency_join(Household, Member.household_id))
    assert joins_without_the_regency_code(on_both) == []

    correlated = select(Visit.id).where(exists().where(Proposal.id == Visit.proposal_id))
    assert joins_without_the_regency_code(correlated) == ["proposal.id = visit.proposal_id"]
    parent = aliased(Household)
    to_an_alias = select(Member.id).join(parent, regency_join(parent, Member.household_id))
    assert joins_without_the_regency_code(to_an_alias) == []

    to_a_reference_table = select(Household.id).join(Region, Region.code == Household.region_code)
    assert joins_without_the_regency_code(to_a_reference_table) == []
