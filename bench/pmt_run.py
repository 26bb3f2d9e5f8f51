"""The ministry's PMT run and SK Penetapan at national scale: seconds and peak memory, on PostgreSQL.

    .venv/bin/python -m bench.pmt_run --households 100000 [--reference pmt determine]
    .venv/bin/python -m bench.pmt_run --households 1000000

Creates its own database `dtks_pmt_bench` on the server (`--server`, PostgreSQL), migrates it, loads the
regions of NTB, and seeds with set-based SQL `--households` families of four in NTB's villages, each with one
RECEIVED proposal (60% new, 15% update, 15% keep, 10% removal) and, for 97%, a verval visit with varied answers;
a national illustrative model and an override for Kota Bima. Then each step runs in a fresh process as the CLI
runs it (`console.cli_ministry.as_user`: the chain function as a pusdatin user, one committed transaction) and
reports its wall time and the process's peak RSS. `--reference` also runs the row-by-row ORM versions the batch
code replaced (tests/chain/ministry_reference.py), each rolled back, for the before/after ratio of one run.
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from alembic.config import Config
from lokal import wilayah
from sqlalchemy import create_engine, insert, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from alembic import command
from models import Region

PROJECT = Path(__file__).resolve().parent.parent
DATABASE = "dtks_pmt_bench"
PERIOD = "2026-10"
USERNAME = "pusdatin_bench"
STEPS = ("pmt-orm", "pmt", "determine-orm", "determine")

SEED = [
    # Households: region spread over NTB's villages; the head's name kept on the row (as the member triggers do).
    """
    INSERT INTO household (id, no_kk, region_code, regency_code, address, rt, rw, dtks_status, notes, head_name,
                           created_at, updated_at)
    SELECT g, '5201' || lpad(g::text, 12, '0'), v.codes[1 + g % array_length(v.codes, 1)],
           substr(v.codes[1 + g % array_length(v.codes, 1)], 1, 5), 'Jl. Uji No. ' || g,
           lpad((g % 20 + 1)::text, 3, '0'), '002', 'belum_terdaftar', '', 'Kepala ' || g, now(), now()
    FROM generate_series(1, :n) AS g,
         (SELECT array_agg(code ORDER BY code) AS codes FROM region WHERE level = 4) AS v
    """,
    """
    INSERT INTO member (household_id, region_code, regency_code, nik, name, sex, birth_place, birth_date,
                        family_relation, mother_name, marital_status, occupation, education, disability, created_at,
                        updated_at)
    SELECT h.id, h.region_code, h.regency_code, '52' || lpad((h.id * 4 + k)::text, 14, '0'),
           CASE k WHEN 0 THEN 'Kepala ' || h.id ELSE 'Anggota ' || h.id || '-' || k END,
           CASE WHEN k = 1 THEN 'P' ELSE 'L' END, 'Mataram', date '1980-01-01' + (h.id % 9000),
           CASE k WHEN 0 THEN 'kepala_keluarga' WHEN 1 THEN 'istri_suami' ELSE 'anak' END,
           'Ibu ' || h.id, CASE WHEN k < 2 THEN 'kawin' ELSE 'belum_kawin' END, '', 'tidak_sekolah', 'tidak_ada',
           now(), now()
    FROM household AS h, generate_series(0, 3) AS k
    """,
    """
    INSERT INTO proposal (id, kind, household_id, region_code, regency_code, reason, removal_reason,
                          requested_changes, has_ktp, has_kk, has_sktm, status, status_changed_at, return_reason,
                          version, created_at, updated_at)
    SELECT h.id, k.kind, h.id, h.region_code, h.regency_code, '', CASE WHEN k.kind = 'dikeluarkan' THEN 'meninggal' END,
           CASE WHEN k.kind = 'perbaikan' THEN '{"rt": "004"}' ELSE '{}' END::json, true, true, true, 'received',
           now(), '', 1, now(), now()
    FROM household AS h,
         LATERAL (SELECT CASE WHEN h.id % 20 < 12 THEN 'baru' WHEN h.id % 20 < 15 THEN 'perbaikan'
                              WHEN h.id % 20 < 18 THEN 'tetap' ELSE 'dikeluarkan' END AS kind) AS k
    """,
    """
    INSERT INTO visit (household_id, proposal_id, region_code, regency_code, enumerator_name, visited_on,
                       floor_material, wall_material, lighting, floor_area_m2, room_count, assets, livestock,
                       programme_cards, notes, result, created_at, updated_at)
    SELECT h.id, h.id, h.region_code, h.regency_code, 'Pendata', date '2026-08-01' + (h.id % 30),
           (ARRAY['tanah', 'keramik', 'semen_bata', 'bambu'])[1 + h.id % 4],
           (ARRAY['bambu', 'tembok', 'kayu'])[1 + h.id % 3], 'listrik_pln', 20 + h.id % 80, 1 + h.id % 5,
           CASE WHEN h.id % 7 = 0 THEN '["mobil"]' WHEN h.id % 3 = 0 THEN '["sepeda_motor"]' ELSE '[]' END::json,
           CASE WHEN h.id % 5 = 0 THEN '{"sapi": 2}' ELSE '{}' END::json,
           CASE WHEN h.id % 4 = 0 THEN '["kks"]' ELSE '[]' END::json, '', 'menunggu', now(), now()
    FROM household AS h WHERE h.id % 33 <> 0
    """,
    "SELECT setval(pg_get_serial_sequence('household', 'id'), :n)",
    "SELECT setval(pg_get_serial_sequence('proposal', 'id'), :n)",
]
WEIGHTS = [
    ("floor_material", "tanah", -0.14), ("floor_material", "keramik", 0.09), ("wall_material", "bambu", -0.05),
    ("household_size", "", -0.06), ("floor_area_m2", "", 0.004), ("room_count", "", 0.02),
    ("livestock_sapi", "", 0.05), ("assets", "mobil", 0.3), ("assets", "sepeda_motor", 0.08),
    ("programme_cards", "kks", -0.1), ("lighting", "listrik_pln", 0.03),
]  # fmt: skip
CUTOFFS = [12.9, 13.0, 13.1, 13.2, 13.3, 13.4, 13.5, 13.6, 13.7]


def _url(server: str, database: str) -> URL:
    return make_url(server).set(drivername="postgresql+psycopg", database=database)


def _on_server(server: str, statement: str) -> None:
    admin = create_engine(_url(server, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


def _regions() -> list[dict[str, object]]:
    def tree(code: str) -> Any:
        for child in wilayah.list_wilayah(code):
            yield child
            if child.level < 4:
                yield from tree(child.code)

    loaded = [*wilayah.list_wilayah(), *tree("52")]
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "parent_code": r.code.rsplit(".", 1)[0] if "." in r.code else None,
        }
        for r in loaded
    ]
    return sorted(rows, key=lambda row: (row["level"], row["code"]))


def seed(url: URL, households: int) -> float:
    """Migrate, load NTB's regions, seed the register set-based; returns the seconds it took."""
    started = time.perf_counter()
    config = Config(str(PROJECT / "alembic.ini"))
    config.attributes["database_url"] = url.render_as_string(hide_password=False)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Region), _regions())
        connection.execute(text("SET LOCAL session_replication_role = replica"))  # seeding: no triggers
        for statement in SEED:
            connection.execute(text(statement), {"n": households})
        _models(connection)
        connection.execute(
            text(
                "INSERT INTO user_account (username, full_name, role, scope_region_code, is_active, password_hash, "
                "created_at, updated_at) VALUES (:u, 'Pusdatin Uji', 'pusdatin', NULL, true, '-', now(), now())"
            ),
            {"u": USERNAME},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def _models(connection: Any) -> None:
    for version, region, intercept in (("nas-bench", "", 13.5), ("bima-bench", "52.72", 13.3)):
        model_id = connection.execute(
            text(
                "INSERT INTO pmt_model (version, name, region_code, intercept, desil_cutoffs, effective_period, "
                "is_illustrative, is_active, created_at, updated_at) VALUES (:v, :v, :r, :i, CAST(:c AS json), "
                "'2026-01', true, true, now(), now()) RETURNING id"
            ),
            {"v": version, "r": region, "i": intercept, "c": json.dumps(CUTOFFS)},
        ).scalar_one()
        connection.execute(
            text("INSERT INTO pmt_weight (model_id, variable, choice, weight) VALUES (:m, :v, :c, :w)"),
            [{"m": model_id, "v": v, "c": c, "w": w} for v, c, w in WEIGHTS],
        )


# --- one step, in its own process ----------------------------------------------------------------


def _step(url: str, step: str) -> dict[str, Any]:
    from chain.letters import Letter
    from console.cli_ministry import as_user
    from console.settings import Settings

    settings = Settings(_env_file=None, database_url=url, environment="development")  # type: ignore[call-arg]
    work = _work(step, Letter("146/HUK/2026", date(2026, 10, 15), "Menteri Sosial"))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    summary = as_user(settings, USERNAME, work)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step": step, "seconds": round(seconds, 1), "peak_rss_mb": round(peak), "baseline_rss_mb": round(baseline),
            **summary}  # fmt: skip


def _work(step: str, letter: Any) -> Any:
    from chain.determination import determine
    from chain.pmt import run_pmt

    def run(session: Session, actor: Any) -> dict[str, Any]:
        if step.startswith("pmt"):
            outcome = _reference("run_pmt_by_rows", run_pmt, step)(session, actor, PERIOD)
            summary = {"scored": outcome.scored, "without_visit": len(outcome.without_visit)}
        else:
            decide = _reference("determine_by_rows", determine, step)
            outcome = decide(session, actor, PERIOD, letter, max_desil=8)
            summary = {"determined": len(outcome.determined), "not_determined": len(outcome.not_determined)}
        session.flush()
        if step.endswith("-orm"):
            session.rollback()  # the reference leaves the data as it found it, for the step itself
        return summary

    return run


def _reference(name: str, batch: Any, step: str) -> Any:
    if not step.endswith("-orm"):
        return batch
    from tests.chain import ministry_reference

    return getattr(ministry_reference, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reference", nargs="*", choices=("pmt", "determine"), default=(),
                        help="also time the row-by-row ORM version of these steps")  # fmt: skip
    parser.add_argument("--only", nargs="*", choices=("pmt", "determine"), default=("pmt", "determine"),
                        help="run only these steps (the SK needs the PMT run before it)")  # fmt: skip
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.url, args.step)))
        return
    url = _url(args.server, DATABASE)
    _on_server(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _on_server(args.server, f'CREATE DATABASE "{DATABASE}"')
    try:
        print(f"seeded {args.households:,} households in {seed(url, args.households):.0f} s", flush=True)
        wanted = {*args.only, *(f"{name}-orm" for name in args.reference)}
        for step in (step for step in STEPS if step in wanted):
            rendered = url.render_as_string(hide_password=False)
            child = [sys.executable, "-m", "bench.pmt_run", "--step", step, "--url", rendered]
            result = subprocess.run(child, check=True, capture_output=True, text=True, cwd=PROJECT)
            print(result.stdout.strip().splitlines()[-1], flush=True)
    finally:
        _on_server(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
