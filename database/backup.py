"""Backup and restore of one deployment: the database, the upload folder, and a manifest to check both against.

`backup(url, upload_dir, out)` writes into the new folder `out`:

- `database.dump` (PostgreSQL, `pg_dump` custom format) or `database.sqlite3` (SQLite, the online backup API):
  one consistent snapshot while the console keeps serving. On PostgreSQL the manifest's counts are read in the
  very snapshot `pg_dump` saves (`pg_export_snapshot`, `pg_dump --snapshot`); on SQLite from the copy itself;
- `uploads.tar`: the upload folder (database/archive.py), archived after the database, so every file a saved row
  names is in it (a scan is stored before its row commits; files are never rewritten);
- `manifest.json`, written last: time, engine, alembic revision, each table's rows and checksum
  (database/snapshot.py), each upload's SHA-256, and the SHA-256 of the two files above.

`restore(folder, url, upload_dir)` checks the two files against the manifest, refuses a database that is not
empty (database/empty_target.py) or an upload folder that holds anything, all before it changes anything; then
restores, unpacks, grants the app's role its privileges (PostgreSQL, two roles) and reads every table and file
again against the manifest (`Verification`). PostgreSQL restores in one transaction (`pg_restore
--single-transaction`) as the URL's user, who then owns every object (`--no-owner --no-acl`): run it as the
schema owner. The `pg_dump`/`pg_restore` on the PATH must be at least the server's major version.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, inspect, make_url, text

from database.archive import extract_archive, file_digest, folder_digests, write_archive
from database.empty_target import VERSION_TABLE, drop_empty_alembic_version, refuse_unless_empty
from database.engine import make_engine
from database.pg_tools import ToolFailed, dump, restore_dump
from database.roles import grant_app_role
from database.snapshot import Difference, TableSnapshot, compare, database_snapshot

__all__ = ["BackupRefused", "Manifest", "ToolFailed", "Verification", "backup", "read_manifest", "restore"]

MANIFEST = "manifest.json"
ARCHIVE = "uploads.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
Report = Callable[[int, int], None]


class BackupRefused(Exception):
    """A backup or restore that would lose or mix data (a used folder, a database that is not empty...)."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, and how to recognise it again."""

    created_at: str
    engine: str
    revision: str | None
    database_sha256: str
    archive_sha256: str
    tables: dict[str, TableSnapshot]
    uploads: dict[str, str]
    format: int = FORMAT

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.engine]

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "format": self.format,
            "created_at": self.created_at,
            "engine": self.engine,
            "alembic_revision": self.revision,
            "database": {"file": self.database_file, "sha256": self.database_sha256},
            "uploads_archive": {"file": ARCHIVE, "sha256": self.archive_sha256},
            "tables": {name: {"rows": table.rows, "sha256": table.sha256} for name, table in self.tables.items()},
            "uploads": {"count": len(self.uploads), "files": self.uploads},
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a backup folder; BackupRefused when there is none or it is not one of ours."""
    path = folder / MANIFEST
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(
            created_at=document["created_at"],
            engine=document["engine"],
            revision=document["alembic_revision"],
            database_sha256=document["database"]["sha256"],
            archive_sha256=document["uploads_archive"]["sha256"],
            tables={name: TableSnapshot(int(t["rows"]), str(t["sha256"])) for name, t in document["tables"].items()},
            uploads=dict(document["uploads"]["files"]),
            format=int(document["format"]),
        )
    except FileNotFoundError:
        raise BackupRefused(f"{path} tidak ada: folder itu bukan cadangan Konsol DTKS.") from None
    except (ValueError, KeyError, TypeError) as error:
        raise BackupRefused(f"{path} tidak dapat dibaca ({error}); cadangan rusak.") from None


@dataclass(frozen=True)
class Verification:
    """The restored database and folder read again against the manifest."""

    manifest: Manifest
    tables: dict[str, TableSnapshot]
    differences: list[Difference]
    upload_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences and not self.upload_problems


# --- backup -----------------------------------------------------------------------------------------------------


def backup(database_url: str, upload_dir: Path, out: Path, *, report: Report | None = None) -> Manifest:
    """Write database, uploads and manifest into `out` (made if missing, refused if it holds anything)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupRefused(f"Folder {out} sudah berisi; cadangan ditulis ke folder baru atau kosong.")
    engine_name = make_url(database_url).get_backend_name()
    if engine_name not in DATABASE_FILES:
        raise BackupRefused(f"Mesin basis data {engine_name} tidak didukung (hanya PostgreSQL dan SQLite).")
    out.mkdir(parents=True, exist_ok=True)
    target = out / DATABASE_FILES[engine_name]
    if engine_name == "postgresql":
        revision, tables = _dump_postgresql(database_url, target, report)
    else:
        revision, tables = sqlite_online_copy(database_url, target, report)
    uploads = write_archive(upload_dir, out / ARCHIVE)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=engine_name,
        revision=revision,
        database_sha256=file_digest(target),
        archive_sha256=file_digest(out / ARCHIVE),
        tables=tables,
        uploads=uploads,
    )
    (out / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def revision_of(connection: Connection) -> str | None:
    """The database's alembic revision; None before the first migration."""
    if VERSION_TABLE not in inspect(connection).get_table_names():
        return None
    found: str | None = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return found


def _dump_postgresql(url: str, target: Path, report: Report | None) -> tuple[str | None, dict[str, TableSnapshot]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            reading = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with reading.begin():
                snapshot = reading.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                dump(url, target, snapshot=snapshot)
                return revision_of(reading), database_snapshot(reading, report=report)
    finally:
        engine.dispose()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupRefused("Basis data SQLite harus berupa berkas (DATABASE_URL=sqlite:///jalur/berkas.sqlite3).")
    return Path(database)


def sqlite_online_copy(url: str, target: Path, report: Report | None) -> tuple[str | None, dict[str, TableSnapshot]]:
    """Copy the SQLite database of `url` into the file `target` (online backup API); its revision and snapshot."""
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupRefused(f"Berkas basis data {source_path} tidak ada.")
    with _closing(sqlite3.connect(source_path, timeout=10)) as source, _closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # one consistent snapshot, while the console keeps writing (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    return _read_sqlite(target, report)


def _read_sqlite(path: Path, report: Report | None) -> tuple[str | None, dict[str, TableSnapshot]]:
    engine = create_engine(f"sqlite:///{path}")  # not make_engine: no WAL switched on in a backup's file
    try:
        with engine.connect() as connection:
            return revision_of(connection), database_snapshot(connection, report=report)
    finally:
        engine.dispose()


class _closing:
    """sqlite3's connection as a context manager that closes it (its own only ends the transaction)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


# --- restore ----------------------------------------------------------------------------------------------------


def restore(
    folder: Path, database_url: str, upload_dir: Path, *, app_role: str | None = None, report: Report | None = None
) -> Verification:
    """Restore the backup in `folder` into the empty database and upload folder, then verify (module docstring)."""
    manifest = read_manifest(folder)
    engine_name = make_url(database_url).get_backend_name()
    if manifest.engine != engine_name:
        raise BackupRefused(
            f"Cadangan ini dari {manifest.engine}, tujuan {engine_name}: pulihkan ke mesin yang sama, "
            "lalu pindahkan dengan copy-to."
        )
    _check_file(folder / manifest.database_file, manifest.database_sha256)
    _check_file(folder / ARCHIVE, manifest.archive_sha256)
    if upload_dir.exists() and (not upload_dir.is_dir() or any(upload_dir.iterdir())):
        raise BackupRefused(f"Folder unggahan {upload_dir} tidak kosong; tidak ada yang diubah.")
    if engine_name == "postgresql":
        tables = _restore_postgresql(folder / manifest.database_file, database_url, app_role, report)
    else:
        tables = _restore_sqlite(folder / manifest.database_file, database_url, report)
    extract_archive(folder / ARCHIVE, upload_dir)
    problems = upload_problems(manifest.uploads, folder_digests(upload_dir))
    return Verification(manifest, tables, compare(manifest.tables, tables), problems)


def upload_problems(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """Each upload missing, different or not in the manifest, in words."""
    problems = [f"{name}: tidak ada" for name in sorted(set(expected) - set(found))]
    problems += [f"{name}: isi berbeda" for name in sorted(set(expected) & set(found)) if expected[name] != found[name]]
    problems += [f"{name}: tidak tercatat di manifest" for name in sorted(set(found) - set(expected))]
    return problems


def _check_file(path: Path, expected: str) -> None:
    if not path.is_file():
        raise BackupRefused(f"{path} tidak ada; cadangan tidak lengkap. Tidak ada yang diubah.")
    if file_digest(path) != expected:
        raise BackupRefused(f"Checksum {path.name} tidak cocok dengan manifest: berkas rusak. Tidak ada yang diubah.")


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _restore_postgresql(
    dump_file: Path, url: str, app_role: str | None, report: Report | None
) -> dict[str, TableSnapshot]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            refuse_unless_empty(connection, _shown(url))
            drop_empty_alembic_version(connection)
        restore_dump(url, dump_file)
        with engine.begin() as connection:
            if app_role:
                grant_app_role(connection, app_role)
        with engine.connect() as connection:
            return database_snapshot(connection, report=report)
    finally:
        engine.dispose()


def _restore_sqlite(copy: Path, url: str, report: Report | None) -> dict[str, TableSnapshot]:
    target = _sqlite_path(url)
    if target.exists():
        engine = create_engine(f"sqlite:///{target}")
        try:
            with engine.connect() as connection:
                refuse_unless_empty(connection, str(target))
        finally:
            engine.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as source:
        with _closing(sqlite3.connect(target)) as restored:
            source.backup(restored)
    return _read_sqlite(target, report)[1]
