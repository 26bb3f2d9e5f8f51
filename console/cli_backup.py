"""`backup`, `restore` and `copy-to`: the command-line half of database/backup.py and database/copy.py.

All three run as the schema owner (`owner_database_url`: MIGRATION_DATABASE_URL, else DATABASE_URL): the owner
reads every table, owns what a restore creates, and may switch a table's triggers off for a copy. A refusal
(a used folder, a database that is not empty, a damaged backup) is `CommandRefused`, exit 2, nothing changed; a
restore or a copy whose data do not read back the same is exit 1, with the tables that differ.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.cli_errors import CommandRefused
from console.settings import Settings
from database.snapshot import Difference, TableSnapshot

__all__ = ["add_commands", "backup_command", "copy_to_command", "restore_command"]


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `backup`, `restore` and `copy-to` subcommands (help in Bahasa Indonesia)."""
    backup = commands.add_parser("backup", help="cadangkan basis data dan folder unggahan, dengan manifest")
    backup.add_argument("--out", required=True, help="folder cadangan baru (atau kosong)")
    restore = commands.add_parser("restore", help="pulihkan cadangan ke basis data dan folder unggahan yang kosong")
    restore.add_argument("folder", help="folder cadangan (berisi manifest.json)")
    copy = commands.add_parser("copy-to", help="salin seluruh data ke basis data PostgreSQL baru yang kosong")
    copy.add_argument("target", metavar="DATABASE_URL", help="postgresql://pemilik:sandi@host:5432/nama")
    copy.add_argument("--app-role", default="", help="peran aplikasi yang diberi hak akses di tujuan (dtks_app)")


@contextmanager
def _refusals() -> Iterator[None]:
    """The domain's refusals as the CLI's (exit 2); a failed pg_dump / pg_restore as one line, exit 1."""
    from database.backup import BackupRefused
    from database.empty_target import TargetNotEmpty
    from database.pg_tools import ToolFailed

    try:
        yield
    except (BackupRefused, TargetNotEmpty) as refusal:
        raise CommandRefused(str(refusal)) from None
    except ToolFailed as failure:
        raise _Failed(str(failure)) from None


class _Failed(Exception):
    """A tool failed: its message, exit 1."""


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    from console.progress import progress
    from database.backup import backup

    out = Path(args.out)
    try:
        with _refusals(), progress("Membaca tabel", unit="tabel") as report:
            manifest = backup(settings.owner_database_url, settings.upload_dir, out, report=report)
    except _Failed as failure:
        print(failure, file=sys.stderr)
        return 1
    rows = sum(table.rows for table in manifest.tables.values())
    print(f"Cadangan ditulis ke {out}: {manifest.database_file}, uploads.tar, manifest.json")
    print(f"  {len(manifest.tables)} tabel, {rows} baris, {len(manifest.uploads)} berkas unggahan")
    print(f"  mesin {manifest.engine}, revisi {manifest.revision}, {manifest.created_at}")
    return 0


def restore_command(settings: Settings, args: argparse.Namespace) -> int:
    from console.progress import progress
    from database.backup import restore
    from database.roles import app_role_of

    folder = Path(args.folder)
    try:
        with _refusals(), progress("Memeriksa tabel", unit="tabel") as report:
            verification = restore(
                folder, settings.owner_database_url, settings.upload_dir, app_role=app_role_of(settings), report=report
            )
    except _Failed as failure:
        print(failure, file=sys.stderr)
        return 1
    manifest = verification.manifest
    _print_tables(manifest.tables, verification.tables, verification.differences)
    print(f"Unggahan: {len(manifest.uploads)} berkas menurut manifest, {len(verification.upload_problems)} bermasalah")
    for problem in verification.upload_problems:
        print(f"  {problem}")
    if not verification.ok:
        print("Pemulihan TIDAK cocok dengan manifest (lihat di atas).", file=sys.stderr)
        return 1
    print(f"Dipulihkan dari {folder} (cadangan {manifest.created_at}, revisi {manifest.revision}): semua cocok.")
    return 0


def copy_to_command(settings: Settings, args: argparse.Namespace) -> int:
    from alembic.script import ScriptDirectory

    from alembic import command
    from console.cli import _alembic_config
    from console.progress import progress
    from database.copy import copy_database
    from database.settings import with_psycopg

    def migrate(url: str) -> None:
        config = _alembic_config(settings)
        config.attributes["database_url"] = url  # the target's user owns its schema
        config.attributes["app_role"] = None  # granted after the copy, in its transaction (--app-role)
        command.upgrade(config, "head")

    head = ScriptDirectory.from_config(_alembic_config(settings)).get_current_head() or ""
    with _refusals(), progress("Menyalin baris", unit="baris") as report:
        result = copy_database(
            settings.owner_database_url,
            with_psycopg(args.target),
            head=head,
            migrate=migrate,
            app_role=args.app_role or None,
            report=report,
        )
    _print_tables(result.source, result.target, result.differences)
    if result.differences:
        print("Salinan TIDAK sama dengan sumber (lihat di atas).", file=sys.stderr)
        return 1
    print(f"Disalin: {len(result.source)} tabel, {sum(t.rows for t in result.source.values())} baris, semua cocok.")
    return 0


def _print_tables(
    expected: dict[str, TableSnapshot], found: dict[str, TableSnapshot], differences: list[Difference]
) -> None:
    """One line per table: rows expected and found, and whether the checksums agree."""
    differing = {difference.table for difference in differences}
    print(f"{'tabel':<24} {'baris':>9} {'hasil':>9}  checksum")
    for name in sorted(set(expected) | set(found)):
        before, after = expected.get(name), found.get(name)
        verdict = "BEDA" if name in differing else "cocok"
        shown = (before.sha256[:12] if before else "-") if verdict == "cocok" else "tidak sama"
        print(f"{name:<24} {before.rows if before else '-':>9} {after.rows if after else '-':>9}  {verdict} {shown}")
