"""What monthly proposal windows cost the overdue reads: working-day targets alone against targets plus windows.

    .venv/bin/python -m bench.deadline_windows [--households 1000000] [--server postgresql+psycopg://postgres@127.0.0.1/postgres]

PostgreSQL only. Creates its own database `dtks_windows_bench` (dropped at the end, whatever happens), migrates it,
loads the regions and seeds households and proposals as bench/dashboard.py does (a proposal for every third
household, statuses spread over the chain, changed up to 200 days ago), then a window for every regency of the
nation and every month from two years back to two months ahead (models/windows.default_window's days).

Then, interleaved and repeated (median of `--repeat`, milliseconds), for the nation, province 52 and Kota Bima:
reading the deadlines a page needs (`load_deadlines`: the step targets, and the windows of the scope), the
proposal list's "Terlambat" filter as a count (chain/deadlines.Deadlines.condition) and the dashboard's 50 longest
overdue (one index walk per status, chain/dashboard.py), each with the targets alone and with the windows. The
answers differ by design (windows move the deadlines); the figures say what the rule costs. Prints one line each.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, create_engine, func, make_url, select, text, union_all
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from alembic import command
from bench.dashboard import median_ms, seed
from chain.deadlines import Deadlines, load_deadlines, step_targets
from chain.regions import load_regions
from console.database import make_session_factory
from models import Proposal
from policies.scope import Scope
from tests.conftest import alembic_config

DATABASE = "dtks_windows_bench"
SCOPES = ((None, "national"), ("52", "province 52"), ("52.72", "Kota Bima"))
WINDOWS_SQL = """
INSERT INTO proposal_window (regency_code, month, musdes_opens, musdes_closes, input_opens, input_closes,
                             result_date, updated_at)
SELECT r.code, to_char(m, 'YYYY-MM'), m::date, m::date + 13, m::date, m::date + 10, m::date + 19, now()
FROM region AS r
CROSS JOIN generate_series(date_trunc('month', now()) - interval '24 months',
                           date_trunc('month', now()) + interval '2 months', interval '1 month') AS m
WHERE r.level = 2
"""


@contextmanager
def bench_database(server: URL) -> Iterator[str]:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        try:
            yield server.set(database=DATABASE).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    finally:
        admin.dispose()


def overdue_count(session: Session, scope: Scope, deadlines: Deadlines) -> int:
    today = datetime.now(UTC).date()
    statement = select(func.count()).where(scope.condition(Proposal.region_code), deadlines.condition(today))
    return int(session.scalar(statement) or 0)


def longest_overdue(session: Session, scope: Scope, deadlines: Deadlines) -> list[int]:
    """The dashboard's walk (chain/dashboard.overdue_proposals) on the given deadlines: 50 ids, oldest first."""
    today = datetime.now(UTC).date()
    walks = [
        select(Proposal.id, Proposal.status_changed_at)
        .where(scope.condition(Proposal.region_code), late)
        .order_by(Proposal.status_changed_at, Proposal.id)
        .limit(50)
        .subquery()
        for late in deadlines.status_conditions(today).values()
    ]
    merged = union_all(*(select(walk.c.id, walk.c.status_changed_at) for walk in walks)).subquery()
    return list(session.scalars(select(merged.c.id).order_by(merged.c.status_changed_at, merged.c.id).limit(50)))


def time_reads(engine: Engine, repeat: int) -> None:
    print(f"{'read':<40} {'scope':<12} {'targets ms':>11} {'windows ms':>11} {'ratio':>7}")
    with make_session_factory(engine)() as session:
        for code, label in SCOPES:
            scope = Scope(code)
            targets_only = Deadlines(step_targets(session))
            with_windows = load_deadlines(session, scope)
            regencies = len(with_windows.closes)
            rows: list[tuple[str, float, float]] = []
            for name, work in (
                ("read the deadlines (per page)", None),
                ("Terlambat filter (count)", overdue_count),
                ("dashboard: 50 longest overdue", longest_overdue),
            ):
                first = second = 0.0
                for _ in range(2):  # interleaved: targets, windows, targets, windows
                    if work is None:
                        first = median_ms(lambda: Deadlines(step_targets(session)), repeat)
                        second = median_ms(lambda scope=scope: load_deadlines(session, scope), repeat)
                    else:
                        first = median_ms(lambda w=work, s=scope, d=targets_only: w(session, s, d), repeat)
                        second = median_ms(lambda w=work, s=scope, d=with_windows: w(session, s, d), repeat)
                rows.append((name, first, second))
            late = (overdue_count(session, scope, targets_only), overdue_count(session, scope, with_windows))
            for name, first, second in rows:
                print(f"{name:<40} {label:<12} {first:>11.1f} {second:>11.1f} {second / first:>6.1f}x")
            counted = f"overdue {late[0]:,} by targets, {late[1]:,} with the windows of {regencies} regencies"
            print(f"{'':<40} {label:<12} {counted}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    with bench_database(make_url(args.server)) as url:
        command.upgrade(alembic_config(url), "head")
        engine = create_engine(url)
        try:
            with make_session_factory(engine)() as session:
                load_regions(session)
                session.commit()
            timings = seed(engine, args.households)
            with engine.begin() as connection:
                connection.execute(text(WINDOWS_SQL))
                windows = connection.execute(text("SELECT count(*) FROM proposal_window")).scalar_one()
                proposals = connection.execute(text("SELECT count(*) FROM proposal")).scalar_one()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE proposal_window"))
            print(
                f"seeded {args.households:,} households ({timings['households']:.1f} s), {proposals:,} proposals,"
                f" {windows:,} windows"
            )
            time_reads(engine, args.repeat)
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
