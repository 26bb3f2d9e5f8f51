"""The schema against the rules that keep a move to a distributed engine possible (models/distribution.py,
docs/SCALING.md): every table placed, references and own-key tables joined to the register only where Citus
allows it, national numbers unique only through their lookup tables, and the gaps still open exactly those listed.

Read from the models' metadata, which tests/test_migrations.py holds equal to what the migrations build."""

from __future__ import annotations

from collections.abc import Callable

from alembic.config import Config
from sqlalchemy import ForeignKeyConstraint, Index, Table, UniqueConstraint, text

from alembic import command
from console.database import make_engine
from console.settings import Settings
from models import Base
from models.distribution import (
    BY_OWN_KEY,
    BY_REGENCY,
    FOREIGN_KEYS_WITHOUT_REGENCY,
    REFERENCE,
    REGENCY_COLUMN,
    UNIQUE_WITHOUT_REGENCY,
    WITHOUT_REGION_CODE,
    kind_of,
)
from tests.factories import insert_region_path

TABLES: dict[str, Table] = dict(Base.metadata.tables)


def _links(table: Table) -> list[ForeignKeyConstraint]:
    return [c for c in table.constraints if isinstance(c, ForeignKeyConstraint)]


def _unique_column_sets(table: Table) -> list[set[str]]:
    """The primary key and every unique constraint or index, as column names (PostgreSQL's schema)."""
    sets = [{column.name for column in table.primary_key.columns}]
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
        assert [column.name for column in table.primary_key.columns] == [key], name
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


def test_rows_without_a_region_code_of_their_own_are_exactly_the_listed_gap() -> None:
    without = {
        name for name in BY_REGENCY if "region_code" not in TABLES[name].c and REGENCY_COLUMN not in TABLES[name].c
    }
    assert without == WITHOUT_REGION_CODE


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
