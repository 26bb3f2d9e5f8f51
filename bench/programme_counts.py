"""What the programme counts cost the dashboard and the recap, beside the rest of the dashboard, in one run.

    .venv/bin/python -m bench.programme_counts [--households 200000] [--server postgresql+psycopg://postgres@127.0.0.1/postgres]

PostgreSQL only. Seeds its own database like bench/dashboard.py (dropped at the end, whatever happens), then the
current period's standing of every registered household (`household_period`, desil as seeded) and the memberships
a district would record: PKH for every registered family up to desil 5 (desil 5 is outside PKH's band 1-4: the
suspension review's case), Sembako for every one up to desil 5, PBI-JK for every other one up to desil 6.

Then, interleaved and repeated (median of `--repeat`, milliseconds), for the nation, province 52 and one of its
regencies: the dashboard without the programme table (`chain.dashboard.build` less `programme_table`, measured as
the status counts, region counts, overdue list and desil counts), the programme table itself (one GROUP BY over the
memberships of the period, reports/programme_counts.py `member_counts`) and the recap's Program sheet counts
(`eligible_counts`: the standing of every family of the scope, two GROUP BYs). Prints one line per figure.
"""

from __future__ import annotations

import argparse
from datetime import date
from functools import partial

from sqlalchemy import create_engine, make_url, text

from alembic import command
from bench.dashboard import DENSE_PROVINCE, bench_database, median_ms, seed
from chain import dashboard
from chain.regions import load_regions
from console.database import make_session_factory
from models.periods import period_of
from policies.scope import Scope
from reports.programme_counts import eligible_counts
from tests.conftest import alembic_config

REGENCY = "52.72"


def seed_programmes(url: str, period: str) -> int:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO household_period (household_id, period, dtks_status, desil, region_code, regency_code,"
                    " recorded_at) SELECT id, :period, 'terdaftar', desil, region_code, regency_code, now()"
                    " FROM household WHERE dtks_status = 'terdaftar'"
                ),
                {"period": period},
            )
            for code, top, every in (("PKH", 5, 1), ("SEMBAKO", 5, 1), ("PBI-JK", 6, 2)):
                connection.execute(
                    text(
                        "INSERT INTO programme_membership (household_id, programme_id, period, status, source,"
                        " region_code, regency_code, created_at, updated_at) SELECT h.id, p.id, :period, 'aktif',"
                        " 'diimpor', h.region_code, h.regency_code, now(), now() FROM household h, programme p"
                        " WHERE p.code = :code AND h.dtks_status = 'terdaftar' AND h.desil <= :top"
                        " AND h.id % :every = 0"
                    ),
                    {"period": period, "code": code, "top": top, "every": every},
                )
            members = connection.execute(text("SELECT count(*) FROM programme_membership")).scalar_one()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return int(members)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    today = date.today()
    period = period_of(today)
    with bench_database(make_url(args.server)) as url:
        command.upgrade(alembic_config(url), "head")
        engine = create_engine(url)
        try:
            with make_session_factory(engine)() as session:
                load_regions(session)
                session.commit()
            seed(engine, args.households)
            members = seed_programmes(url, period)
            print(f"seeded {args.households:,} households, {members:,} memberships of {period}")
            print(f"{'read':<40} {'scope':<12} {'ms':>9} {'x rest':>7}")
            with make_session_factory(engine)() as session:
                for code in (None, DENSE_PROVINCE, REGENCY):
                    scope, label = Scope(code), code or "national"

                    def rest(scope: Scope = scope) -> None:
                        dashboard.status_counts(session, scope)
                        dashboard.region_counts(session, scope)
                        dashboard.overdue_proposals(session, scope, today)
                        dashboard.desil_counts(session, scope)

                    for _ in range(2):  # interleaved, the second round printed
                        figures = {
                            "dashboard without programmes": median_ms(rest, args.repeat),
                            "programme table (dashboard)": median_ms(
                                partial(dashboard.programme_table, session, scope, today), args.repeat
                            ),
                            "Program sheet counts (recap)": median_ms(
                                partial(eligible_counts, session, scope, period), args.repeat
                            ),
                        }
                    base = figures["dashboard without programmes"]
                    for name, ms in figures.items():
                        print(f"{name:<40} {label:<12} {ms:>9.1f} {ms / base:>6.2f}x")
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
