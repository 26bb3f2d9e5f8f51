"""How long does a BNBA import take, and how much memory does it need?

    .venv/bin/python -m bench.bnba_import [--server postgresql://postgres@127.0.0.1:5432] [--rows 10000]
    .venv/bin/python -m bench.bnba_import --confirm-rows 50000 [--engines postgresql,sqlite] [--repeat 1]

Creates its own database `dtks_bench_import_<pid>` on the server (migrations + the regions of NTB), drops it at
the end. A district operator (Kota Bima, 52.72) imports a sheet of `--rows` members (families of four, spread
over the regency's villages) built with xlsxwriter: the preview (read + every check + the batched database
checks) and the confirmation (checked again, then households, members, draft proposals with their history,
the row audit trail and the IMPORT entry, one transaction) are timed without tracing. A second sheet of the same
size, other families, is then imported under tracemalloc for the peak of Python memory. Issue 5: under 30 s.

`--confirm-rows` (issue 11: 50,000 rows, the import's row cap, in <= 60 s with peak RSS < 400 MB) times the
confirmation alone, as the console runs it (`console.imports.confirm_in` as the district operator, inside an
acting context: audited as them, held to their scope), in a fresh child process per run: the child reads the
sheet from a file, confirms, commits, and reports its wall seconds and its peak RSS (`ru_maxrss`, the whole
process: interpreter, modules, the sheet's bytes and the confirmation). PostgreSQL runs in its own database
`dtks_bnba_bench` (dropped after), SQLite in a file under a temporary folder; both get the schema, the regions
of NTB and the operator, set up by the parent before the child starts.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from lokal import wilayah
from sqlalchemy import create_engine, insert, make_url, text
from sqlalchemy.orm import Session

from alembic import command
from chain.imports import record_import
from chain.store import begin_write
from console.database import make_engine, make_session_factory
from console.settings import Settings
from models import Region, Role
from models.identity import make_nik, make_no_kk
from policies.scope import Scope
from reports.bnba import BNBA_HEADERS
from reports.bnba_import import apply_import, plan_import
from reports.xlsx_upload import UploadLimits
from tests.conftest import alembic_config
from tests.factories import make_user

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
REGENCY = "52.72"
FAMILY = (("Kepala keluarga", "L", 0), ("Istri/Suami", "P", 3), ("Anak", "L", 25), ("Anak", "P", 28))


def _server_run(server: str, statement: str) -> None:
    url = make_url(server).set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT", hide_parameters=True)
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _load_regions(session: Session) -> list[str]:
    """Every region of NTB (province 52); returns the village codes of the regency benchmarked."""

    def tree(code: str) -> list[wilayah.Wilayah]:
        found = []
        for child in wilayah.list_wilayah(code):
            found.append(child)
            if child.level < 4:
                found.extend(tree(child.code))
        return found

    regions = [region for region in wilayah.list_wilayah() if region.code == "52"] + tree("52")
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "parent_code": r.code.rsplit(".", 1)[0] if "." in r.code else None,
        }
        for r in sorted(regions, key=lambda region: (region.level, region.code))
    ]
    session.execute(insert(Region), rows)
    return [row["code"] for row in rows if row["level"] == 4 and str(row["code"]).startswith(REGENCY + ".")]


def build_sheet(villages: list[str], rows: int, *, batch: int) -> bytes:
    """A BNBA sheet of `rows` members, families of four; `batch` keeps NIKs and No. KKs of two sheets apart."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("BNBA")
    dates = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_string(0, 0, "DAFTAR NAMA DAN ALAMAT USULAN DTKS - KOTA BIMA")
    for column, header in enumerate(BNBA_HEADERS):
        sheet.write_string(2, column, header)
    people = itertools.count()
    for number in range(rows):
        family, (relation, sex, age) = divmod(number, len(FAMILY))[0], FAMILY[number % len(FAMILY)]
        village = villages[family % len(villages)]
        kecamatan = village[:8]
        person = next(people)
        birth = date(1960, 1, 1) + timedelta(days=age * 365 + person % 3000)
        serial, kk_serial = batch * 100 + person // 3000 + 1, batch * 100 + family // 3000 + 1
        values: dict[str, Any] = {
            "NO": number + 1,
            "KODE WILAYAH": village,
            "ALAMAT": f"Jl. Bench No. {family}",
            "RT": f"{family % 20 + 1:03d}",
            "RW": "001",
            "NO KK": make_no_kk(kecamatan, date(2015, 1, 1) + timedelta(days=family % 3000), serial=kk_serial),
            "NIK": make_nik(kecamatan, birth, is_female=sex == "P", serial=serial),
            "NAMA": f"Warga {person}",
            "HUBUNGAN KELUARGA": relation,
            "JENIS KELAMIN": sex,
            "TEMPAT LAHIR": "Bima",
            "TANGGAL LAHIR": birth,
            "NAMA IBU KANDUNG": f"Ibu {person}",
            "STATUS KAWIN": "Kawin" if age < 20 else "Belum kawin",
            "PEKERJAAN": "Petani",
            "JENIS USULAN": "Usulan baru",
        }
        for column, header in enumerate(BNBA_HEADERS):
            value = values.get(header)
            if isinstance(value, date):
                sheet.write_datetime(number + 3, column, value, dates)
            elif isinstance(value, int):
                sheet.write_number(number + 3, column, value)
            elif value is not None:
                sheet.write_string(number + 3, column, value)
    book.close()
    return output.getvalue()


def _import(session: Session, data: bytes, scope: Scope, actor: Any, limits: UploadLimits) -> dict[str, int]:
    begin_write(session)
    plan = apply_import(session, data, scope, actor, limits)
    record_import(session, plan, actor, "bench")
    session.commit()
    return plan.counts()


def measure_import(server_url: str = DEFAULT_SERVER, rows: int = 10_000) -> dict[str, Any]:
    """Seconds and peak memory of a `rows`-row BNBA import, in a database created and dropped here."""
    name = f"dtks_bench_import_{os.getpid()}"
    _server_run(server_url, f'CREATE DATABASE "{name}"')
    database_url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    settings = Settings(_env_file=None, database_url=database_url)
    engine = make_engine(settings)
    try:
        command.upgrade(alembic_config(settings.database_url), "head")
        limits, scope = UploadLimits(), Scope(REGENCY)
        with make_session_factory(engine)() as session:
            villages = _load_regions(session)
            actor = make_user(session, Role.OPERATOR_DINSOS, REGENCY, username="bench_dinsos")
            session.commit()
            first, second = build_sheet(villages, rows, batch=0), build_sheet(villages, rows, batch=1)
            started = time.perf_counter()
            preview = plan_import(session, first, scope, limits)
            preview_seconds = time.perf_counter() - started
            session.rollback()
            assert preview.ok, preview.errors[:5]
            started = time.perf_counter()
            counts = _import(session, first, scope, actor, limits)
            import_seconds = time.perf_counter() - started
            tracemalloc.start()
            _import(session, second, scope, actor, limits)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return {
            "engine": engine.dialect.name,
            "rows": rows,
            "file_kib": round(len(first) / 1024),
            "preview_seconds": round(preview_seconds, 2),
            "import_seconds": round(import_seconds, 2),
            "rows_per_second": round(rows / import_seconds),
            "peak_python_mib": round(peak / 2**20, 1),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            **counts,
        }
    finally:
        engine.dispose()
        _server_run(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the confirmation alone, in a fresh process (issue 11) ---

CONFIRM_DATABASE = "dtks_bnba_bench"
OPERATOR = "bench_dinsos"


def _prepared_database(engine_name: str, server_url: str, folder: Path) -> str:
    """A database with the schema, the regions of NTB and the operator; its URL (PostgreSQL: CONFIRM_DATABASE)."""
    if engine_name == "postgresql":
        _server_run(server_url, f'DROP DATABASE IF EXISTS "{CONFIRM_DATABASE}" WITH (FORCE)')
        _server_run(server_url, f'CREATE DATABASE "{CONFIRM_DATABASE}"')
        url = make_url(server_url).set(database=CONFIRM_DATABASE).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    settings = Settings(_env_file=None, database_url=url)
    command.upgrade(alembic_config(settings.database_url), "head")
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            _load_regions(session)
            make_user(session, Role.OPERATOR_DINSOS, REGENCY, username=OPERATOR)
            session.commit()
    finally:
        engine.dispose()
    return url


def _villages() -> list[str]:
    return sorted(
        village.code for kecamatan in wilayah.list_wilayah(REGENCY) for village in wilayah.list_wilayah(kecamatan.code)
    )


def confirm_in_child(url: str, sheet: Path) -> dict[str, Any]:
    """Run in the child: the confirmation of the sheet as the operator; seconds, RSS before and peak RSS (MiB)."""
    from sqlalchemy import select

    from chain.acting import run_as
    from chain.actor import actor_for
    from console.imports import confirm_in
    from models import User

    data = sheet.read_bytes()
    settings = Settings(_env_file=None, database_url=url)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    with sessions() as session:
        user = session.scalars(select(User).where(User.username == OPERATOR)).one()
        actor = actor_for(session, user)
        session.expunge_all()
    rss_before = _rss_mib()
    started = time.perf_counter()
    plan = run_as(user, lambda: confirm_in(sessions, actor, data, UploadLimits(), channel="bench"))
    seconds = time.perf_counter() - started
    with sessions() as session:
        audit_rows = session.scalar(text("SELECT count(*) FROM audit_entry"))
    engine.dispose()
    return {
        "seconds": round(seconds, 2),
        "rss_before_mib": round(rss_before, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "audit_rows": audit_rows,
        **plan.counts(),
    }


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_confirm(engine_name: str, server_url: str, rows: int) -> dict[str, Any]:
    """The confirmation of a `rows`-row sheet on `engine_name` in a fresh child process, its database made here."""
    with tempfile.TemporaryDirectory(prefix="dtks-bnba-bench-") as folder:
        sheet = Path(folder) / "bnba.xlsx"
        sheet.write_bytes(build_sheet(_villages(), rows, batch=0))
        url = _prepared_database(engine_name, server_url, Path(folder))
        try:
            child = subprocess.run(
                [sys.executable, "-m", "bench.bnba_import", "--child", url, str(sheet)],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            if engine_name == "postgresql":
                _server_run(server_url, f'DROP DATABASE IF EXISTS "{CONFIRM_DATABASE}" WITH (FORCE)')
        figures: dict[str, Any] = json.loads(child.stdout.splitlines()[-1])
        return {"engine": engine_name, "file_kib": round(sheet.stat().st_size / 1024), **figures}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--confirm-rows", type=int, help="time the confirmation alone, in a fresh process")
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("URL", "SHEET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(confirm_in_child(args.child[0], Path(args.child[1]))))
        return
    if args.confirm_rows:
        for _ in range(args.repeat):
            for engine_name in args.engines.split(","):
                print(json.dumps(measure_confirm(engine_name, args.server, args.confirm_rows)), flush=True)
        return
    for key, value in measure_import(args.server, args.rows).items():
        print(f"{key:<20} {value}")


if __name__ == "__main__":
    main()
