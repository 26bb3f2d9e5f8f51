"""Copy a whole deployment's database into a new, empty PostgreSQL database (`python -m console copy-to URL`).

The source (typically the embedded SQLite file) is first frozen: an SQLite source is copied with the online backup
API into a temporary file (database/backup.py), a PostgreSQL one is read in one REPEATABLE READ transaction, so a
console still serving cannot make the copy half old, half new. The target must be empty (database/empty_target.py)
and is migrated to the source's revision, which must be the code's newest, by its own URL (its user owns the schema).

Then one transaction on the target, as its owner, takes every row across, table by table in foreign-key order, rows
in key order (a region's parent sorts before it), with explicit ids. The tables' own triggers (the tallies, the
national numbers' lookup tables, the head's name, the finality rules, the append-only trail, the rules' version)
are switched off for that transaction only (`ALTER TABLE ... DISABLE TRIGGER USER`, which the owner may do and
which rolls back with it; foreign keys stay checked), because what they would compute is already in the source:
the tallies, `household_kk`, `member_nik` and `policy_state` are copied as they are, and the finality triggers would
refuse to add a participant to a meeting already finalised, which is exactly what a copy does. Copying the tallies
rather than rebuilding them keeps their rows at 0 (kept on both engines, models/tally.py) so the checksums can be
compared at all; tests/database/test_copy_to.py checks that the copied tallies equal a recount of the register and
that the triggers count again after the copy. The sequences then continue after the largest id copied. Last, the
source and the target are compared table by table: row counts and checksums (database/snapshot.py).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Connection, DateTime, Engine, insert, inspect, make_url, null, table, text

from database.backup import BackupRefused, revision_of, sqlite_online_copy
from database.empty_target import refuse_unless_empty
from database.engine import make_engine
from database.roles import grant_app_role
from database.snapshot import Difference, TableSnapshot, compare, database_snapshot, table_rows

__all__ = ["CopyResult", "copy_database"]

BATCH_ROWS = 1_000
Report = Callable[[int, int], None]


@dataclass(frozen=True)
class CopyResult:
    """Both sides' snapshots, table by table, and where they differ (nothing, when the copy is whole)."""

    source: dict[str, TableSnapshot]
    target: dict[str, TableSnapshot]
    differences: list[Difference]


def copy_database(
    source_url: str,
    target_url: str,
    *,
    head: str,
    migrate: Callable[[str], None],
    app_role: str | None = None,
    report: Report | None = None,
) -> CopyResult:
    """Copy every row of the source into the new target (module docstring); `migrate(url)` upgrades a database to
    `head`, the code's newest revision."""
    if make_url(target_url).get_backend_name() != "postgresql":
        raise BackupRefused("copy-to hanya menyalin ke PostgreSQL (postgresql://pengguna:sandi@host:5432/nama).")
    if make_url(target_url).render_as_string() == make_url(source_url).render_as_string():
        raise BackupRefused("Basis data tujuan sama dengan sumber (DATABASE_URL).")
    with _frozen(source_url) as source:
        revision = revision_of(source)
        if revision != head:
            raise BackupRefused(
                f"Basis data sumber pada revisi {revision or '(kosong)'}, kode pada {head}: jalankan migrate dulu."
            )
        target_engine = make_engine(target_url)
        try:
            with target_engine.begin() as target:
                refuse_unless_empty(target, make_url(target_url).render_as_string(hide_password=True))
            migrate(target_url)
            with target_engine.begin() as target:
                _copy_rows(source, target, report)
                if app_role:
                    grant_app_role(target, app_role)
            return _compared(source, target_engine)
        finally:
            target_engine.dispose()


@contextmanager
def _frozen(source_url: str) -> Iterator[Connection]:
    """A connection that reads the source as of one moment (module docstring)."""
    if make_url(source_url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="dtks-copy-") as folder:
            copy = Path(folder) / "source.sqlite3"
            sqlite_online_copy(source_url, copy, None)
            engine = make_engine(f"sqlite:///{copy}")
            with _connected(engine) as connection:
                yield connection
        return
    engine = make_engine(source_url)
    with _connected(engine) as connection:
        reading = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with reading.begin():
            yield reading


@contextmanager
def _connected(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _copy_rows(source: Connection, target: Connection, report: Report | None) -> None:
    """Every table's rows into the target, its triggers off for this transaction, then its sequences moved on."""
    names = [name for name, _keys in inspect(target).get_sorted_table_and_fkc_names() if name]
    copied = [name for name in names if name != "alembic_version"]
    total = sum(source.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in copied)
    target.execute(text("SET LOCAL TIME ZONE 'UTC'"))
    for name in names:
        target.execute(text(f'ALTER TABLE "{name}" DISABLE TRIGGER USER'))
    for name in reversed(copied):  # the rows the migrations seeded (rules, targets, programmes): the source's instead
        target.execute(text(f'DELETE FROM "{name}"'))
    done = 0
    for name in copied:
        for written in _copy_table(source, target, name):
            done += written
            if report:
                report(done, total)
    for name in names:
        target.execute(text(f'ALTER TABLE "{name}" ENABLE TRIGGER USER'))
    _move_sequences(target, copied)


def _copy_table(source: Connection, target: Connection, name: str) -> Iterator[int]:
    """Insert the source table's rows, a batch at a time; the number of rows of each batch."""
    columns, _types, rows = table_rows(source, name)
    target_types = {str(found["name"]): found["type"] for found in inspect(target).get_columns(name)}
    destination = table(name, *(Column(column, target_types[column]) for column in columns))
    converters = [_converter(target_types[column]) for column in columns]
    while batch := list(islice(rows, BATCH_ROWS)):
        values = [
            {column: convert(value) for column, convert, value in zip(columns, converters, row, strict=True)}
            for row in batch
        ]
        target.execute(insert(destination), values)
        yield len(values)


def _converter(column_type: Any) -> Callable[[Any], Any]:
    """How a value read by the snapshot's reader is written into the target's column."""
    if isinstance(column_type, JSON):
        # Read as its text: SQL NULL stays SQL NULL, a JSON null stays a JSON null (null() is SQLAlchemy's SQL NULL).
        return lambda value: null() if value is None else json.loads(value)
    if isinstance(column_type, DateTime) and column_type.timezone:
        # SQLite keeps UTC without a zone; said explicitly, the session's zone never shifts it.
        return lambda value: value.replace(tzinfo=UTC) if isinstance(value, datetime) and not value.tzinfo else value
    return lambda value: value


def _move_sequences(target: Connection, names: list[str]) -> None:
    """Each serial key's sequence continues after the largest id copied (an empty table's at 1)."""
    for name in names:
        for found in inspect(target).get_columns(name):
            sequence = target.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": f'"{name}"', "column": found["name"]}
            ).scalar()
            if sequence:
                largest = f'COALESCE((SELECT max("{found["name"]}") FROM "{name}"), 0) + 1'
                target.execute(text(f"SELECT setval(:sequence, {largest}, false)"), {"sequence": sequence})


def _compared(source: Connection, target_engine: Engine) -> CopyResult:
    expected = database_snapshot(source)
    with target_engine.connect() as target:
        found = database_snapshot(target)
    return CopyResult(expected, found, compare(expected, found))
