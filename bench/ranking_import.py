"""How long does a BPS ranking file take to import, the first time, again, and with some desils changed?

    .venv/bin/python -m bench.ranking_import [--families 10000] [--engines postgresql,sqlite]

Builds the register as the BNBA bench does (bench/bnba_import.py: its own database, the regions of NTB, a district
operator of Kota Bima; a BNBA sheet of `--families` families of four confirmed through the console's import), marks
half the families registered, then times, as the district operator in one committed transaction each
(chain/ranking.import_ranking, as the page runs it): (1) the first import of a ranking file with every family
(90% ranked with a desil, 10% refused by the matching), (2) the very same file again (recognised, nothing
written), (3) a second file of the same period with 10% of the desils changed. Prints one JSON line per engine
with seconds, the process's peak RSS and the counts. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import select, text

from bench.bnba_import import DEFAULT_SERVER, OPERATOR, _prepared_database, _server_run, _villages, build_sheet
from chain.acting import run_as
from chain.actor import actor_for
from chain.ranking import RankingPlan, import_ranking
from chain.store import write_transaction
from console.database import make_engine, make_session_factory
from console.imports import confirm_in
from console.settings import Settings
from models import Household, Member, User
from models.member import FamilyRelation
from reports.interchange import RESULTS
from reports.xlsx_upload import UploadLimits

PERIOD = "2026-10"
CONFIRM_DATABASE = "dtks_bnba_bench"


def ranking_file(rows: list[tuple[str, str, int | None, str]]) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Hasil")
    for column, header in enumerate(("NO KK", "NIK KEPALA KELUARGA", "DESIL", "STATUS")):
        sheet.write_string(0, column, header)
    for number, (no_kk, nik, desil, status) in enumerate(rows, start=1):
        sheet.write_string(number, 0, no_kk)
        sheet.write_string(number, 1, nik)
        if desil is not None:
            sheet.write_number(number, 2, desil)
        sheet.write_string(number, 3, status)
    book.close()
    assert RESULTS.find_header_columns(["NO KK", "NIK KEPALA KELUARGA", "DESIL", "STATUS"]) is not None
    return output.getvalue()


def measure(engine_name: str, server: str, families: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dtks-ranking-bench-") as folder:
        url = _prepared_database(engine_name, server, Path(folder))
        try:
            return {"engine": engine_name, "families": families, **_run(url, families)}
        finally:
            if engine_name == "postgresql":
                _server_run(server, f'DROP DATABASE IF EXISTS "{CONFIRM_DATABASE}" WITH (FORCE)')


def _run(url: str, families: int) -> dict[str, Any]:
    settings = Settings(_env_file=None, database_url=url)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    limits = UploadLimits(max_rows=max(families * 4, 50_000))
    with sessions() as session:
        user = session.scalars(select(User).where(User.username == OPERATOR)).one()
        actor = actor_for(session, user)
        session.expunge_all()
    run_as(user, lambda: confirm_in(sessions, actor, build_sheet(_villages(), families * 4, batch=0), limits))
    with sessions() as session, session.begin():
        session.execute(text("UPDATE household SET dtks_status = 'terdaftar', period = '2026-07' WHERE id % 2 = 0"))
        heads = session.execute(
            select(Household.no_kk, Member.nik)
            .join(Member, Member.household_id == Household.id)
            .where(Member.family_relation == FamilyRelation.HEAD)
            .order_by(Household.id)
        ).all()
    chance = random.Random(12)
    first = [
        (no_kk, nik, chance.randint(1, 10), "Padan") if chance.random() < 0.9 else (no_kk, nik, None, "NIK tidak aktif")
        for no_kk, nik in heads
    ]
    changed = [
        (no_kk, nik, (desil % 10) + 1, status) if desil is not None and chance.random() < 0.1 else row
        for row in first
        for no_kk, nik, desil, status in [row]
    ]
    figures: dict[str, Any] = {}
    first_file = ranking_file(first)
    for name, data in (("first", first_file), ("same_file", first_file), ("changed", ranking_file(changed))):

        def work(session: Any, data: bytes = data, name: str = name) -> RankingPlan:
            return import_ranking(session, actor, PERIOD, data, limits, file_name=f"{name}.xlsx")

        started = time.perf_counter()
        plan = run_as(user, lambda work=work: write_transaction(sessions, work))
        figures[name] = {"seconds": round(time.perf_counter() - started, 2), **plan.counts()}
    engine.dispose()
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--engines", default="postgresql,sqlite")
    args = parser.parse_args()
    for engine_name in args.engines.split(","):
        print(json.dumps(measure(engine_name, args.server, args.families)), flush=True)


if __name__ == "__main__":
    main()
