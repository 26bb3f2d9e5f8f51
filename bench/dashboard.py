"""The dashboard from the tallies against grouping the register, at 1,000,000 households, in one run.

    .venv/bin/python -m bench.dashboard [--households 1000000] [--server postgresql+psycopg://postgres@127.0.0.1/postgres]

PostgreSQL only. Creates its own database `dtks_tally_bench` on the server (dropped at the end, whatever
happens), migrates it, loads the 91,599 regions and seeds, set-based inside PostgreSQL, `--households`
households (half over the villages of province 52, the rest over 20,000 villages of the other provinces; 60%
registered with a desil and one of four periods, 10% removed, the rest not registered) and a proposal for every
third household at a status spread over the chain. The tally triggers count the seed as it goes in.

Then, interleaved and repeated (median of `--repeat`, milliseconds), for the nation and province 52: the
dashboard's counts before the tallies (the GROUP BY over `household` and `proposal` that chain/dashboard.py ran
until revision c5e7a9b1d3f2, kept here as the baseline) and from the tallies (chain/dashboard.py now), the
current recap's counts (reports/recap.py, before and now), the overdue list (one OR over the statuses before,
one index walk per status now) and the whole dashboard (`chain.dashboard.build`). Last, what the triggers cost a
write: one INSERT ... SELECT of 100,000 households, one UPDATE of them (status, desil, period), one DELETE of
them, 10,000 single-row INSERT statements and 10,000 single-row UPDATEs of an uncounted column (head_name, as
the member triggers write it), with the tally triggers and without (ALTER TABLE ... DISABLE TRIGGER), each
round in a rolled-back transaction, each figure with the fold its commit would run (SET CONSTRAINTS ALL
IMMEDIATE fires it). Prints one line per figure.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, func, make_url, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from alembic import command
from chain import dashboard
from chain.deadlines import overdue_condition, step_targets
from chain.regions import load_regions
from console.database import make_session_factory
from models import Household, Proposal
from models.household import DtksStatus
from models.region_codes import CODE_LENGTH, RegionLevel
from policies.scope import Scope
from reports.programme_counts import KECAMATAN_CODE_LENGTH
from reports.recap import count_by_region
from tests.conftest import alembic_config

DATABASE = "dtks_tally_bench"
DENSE_PROVINCE = "52"
OTHER_VILLAGES = 20_000
PERIODS = "ARRAY['2026-01', '2026-04', '2026-07', '2026-10']"
PROPOSAL_STATUSES = (
    "draft in_musdes agreed rejected_musdes visited verified not_eligible submitted accepted returned in_decree"
    " ratified forwarded received rejected_ministry determined not_determined"
).split()
Counting = Callable[[Session, Scope], object]
TALLY_TRIGGERS = ("household_tally_insert", "household_tally_update", "household_tally_delete")  # of household


# --- the database ---------------------------------------------------------------------------------------


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


def _households_sql(villages: str, first: int, count: int) -> str:
    """INSERT `count` households numbered from `first` over the villages of temp table `villages` (n, code)."""
    return f"""
INSERT INTO household (no_kk, region_code, regency_code, address, rt, rw, dtks_status, desil, period, notes,
                       head_name, created_at, updated_at)
SELECT lpad(g::text, 16, '0'), v.code, left(v.code, 5), 'Jl. Bangku ' || g, '001', '002',
       CASE WHEN g % 10 < 6 THEN 'terdaftar' WHEN g % 10 = 6 THEN 'dikeluarkan' ELSE 'belum_terdaftar' END,
       CASE WHEN g % 10 < 6 THEN 1 + (g / 10) % 10 END,
       CASE WHEN g % 10 < 7 THEN ({PERIODS})[1 + (g / 100) % 4] END,
       '', 'Kepala ' || g, now(), now()
FROM generate_series({first}, {first + count - 1}) AS g
JOIN {villages} AS v ON v.n = g % (SELECT count(*) FROM {villages})
"""


def seed(engine: Engine, households: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TEMP TABLE dense ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code"
                f" FROM region WHERE level = 4 AND code LIKE '{DENSE_PROVINCE}.%'"
            )
        )
        connection.execute(
            text(
                "CREATE TEMP TABLE spread ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY md5(code)) - 1 AS n,"
                f" code FROM (SELECT code FROM region WHERE level = 4 AND code NOT LIKE '{DENSE_PROVINCE}.%'"
                f" ORDER BY md5(code) LIMIT {OTHER_VILLAGES}) AS chosen"
            )
        )
        half = households // 2
        started = time.perf_counter()
        connection.execute(text(_households_sql("dense", 1, half)))
        connection.execute(text(_households_sql("spread", half + 1, households - half)))
        timings["households"] = time.perf_counter() - started
        statuses = ", ".join(f"'{status}'" for status in PROPOSAL_STATUSES)
        started = time.perf_counter()
        connection.execute(
            text(
                "INSERT INTO proposal (kind, household_id, region_code, regency_code, reason, requested_changes,"
                " has_ktp, has_kk, has_sktm, status, status_changed_at, return_reason, version, created_at, updated_at)"
                f" SELECT 'baru', id, region_code, regency_code, '', '{{}}', true, true, true,"
                f" (ARRAY[{statuses}])[1 + id % 17],"
                " now() - (id % 200) * interval '1 day', '', 1, now(), now() FROM household WHERE id % 3 = 0"
            )
        )
        timings["proposals"] = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return timings


# --- the counts before the tallies (chain/dashboard.py and reports/recap.py until c5e7a9b1d3f2) -----------


def grouped_status_counts(session: Session, scope: Scope) -> list[tuple[Any, int]]:
    stmt = select(Proposal.status, func.count()).where(scope.condition(Proposal.region_code)).group_by(Proposal.status)
    return [(status, count) for status, count in session.execute(stmt)]


def grouped_region_counts(session: Session, scope: Scope) -> list[tuple[str, int]]:
    level = RegionLevel.PROVINCE if scope.code is None else RegionLevel.REGENCY
    prefix = func.substr(Proposal.region_code, 1, CODE_LENGTH[level])
    stmt = select(prefix, func.count()).where(scope.condition(Proposal.region_code)).group_by(prefix)
    return [(code, count) for code, count in session.execute(stmt)]


def grouped_desil_counts(session: Session, scope: Scope) -> list[tuple[int | None, int]]:
    stmt = (
        select(Household.desil, func.count())
        .where(scope.condition(Household.region_code), Household.dtks_status == DtksStatus.REGISTERED)
        .group_by(Household.desil)
    )
    return [(desil, count) for desil, count in session.execute(stmt)]


def grouped_recap(session: Session, scope: Scope) -> dict[str, dict[tuple[str, int | None], int]]:
    region = func.substr(Household.region_code, 1, KECAMATAN_CODE_LENGTH)
    columns = (region, Household.dtks_status, Household.desil)
    stmt = select(*columns, func.count()).where(scope.condition(Household.region_code)).group_by(*columns)
    counts: dict[str, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for code, status, desil, households in session.execute(stmt):
        counts[code][(DtksStatus(status).value, desil)] = households
    return counts


def overdue_by_one_condition(session: Session, scope: Scope) -> list[Proposal]:
    """The overdue list as it was read before: one OR over the statuses, every overdue proposal sorted."""
    condition = overdue_condition(step_targets(session), date.today())
    stmt = (
        select(Proposal)
        .where(scope.condition(Proposal.region_code), condition)
        .order_by(Proposal.status_changed_at, Proposal.id)
        .limit(dashboard.OVERDUE_LIMIT)
    )
    return list(session.scalars(stmt))


def overdue_by_walks(session: Session, scope: Scope) -> list[Proposal]:
    return dashboard.overdue_proposals(session, scope, date.today())


def grouped_counts(session: Session, scope: Scope) -> None:
    grouped_status_counts(session, scope)
    grouped_region_counts(session, scope)
    grouped_desil_counts(session, scope)


def tallied_counts(session: Session, scope: Scope) -> None:
    dashboard.status_counts(session, scope)
    dashboard.region_counts(session, scope)
    dashboard.desil_counts(session, scope)


def same_numbers(session: Session, scope: Scope) -> bool:
    """The tallies' answer equals the GROUP BY's (the bench times two ways of getting one result)."""
    statuses = dict(grouped_status_counts(session, scope))
    regions = dict(grouped_region_counts(session, scope))
    desils = {desil: count for desil, count in grouped_desil_counts(session, scope)}
    _label, tallied_regions = dashboard.region_counts(session, scope)
    return (
        dict(dashboard.status_counts(session, scope)) == statuses
        and {code: count for code, _name, count in tallied_regions if count} == regions
        and {desil: count for desil, count in dashboard.desil_counts(session, scope) if count} == desils
        and count_by_region(session, scope) == grouped_recap(session, scope)
        and overdue_by_walks(session, scope) == overdue_by_one_condition(session, scope)
    )


def median_ms(work: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def time_reads(engine: Engine, repeat: int) -> None:
    today = date.today()
    print(f"{'read':<44} {'scope':<10} {'before ms':>10} {'tallies ms':>11} {'ratio':>7}")
    with make_session_factory(engine)() as session:
        for code in (None, DENSE_PROVINCE):
            scope = Scope(code)
            label = "national" if code is None else f"province {code}"
            assert same_numbers(session, scope), f"tallies differ from the register at {label}"
            pairs: list[tuple[str, Counting, Counting]] = [
                ("dashboard counts (status, region, desil)", grouped_counts, tallied_counts),
                ("recap counts (kecamatan x status x desil)", grouped_recap, count_by_region),
                ("overdue list (the 50 longest overdue)", overdue_by_one_condition, overdue_by_walks),
            ]
            for name, before, now in pairs:
                before_ms = now_ms = 0.0
                for _ in range(2):  # interleaved: before, now, before, now
                    before_ms = median_ms(partial(before, session, scope), repeat)
                    now_ms = median_ms(partial(now, session, scope), repeat)
                print(f"{name:<44} {label:<10} {before_ms:>10.1f} {now_ms:>11.1f} {before_ms / now_ms:>6.1f}x")
            whole = median_ms(partial(dashboard.build, session, scope, today), repeat)
            print(f"{'whole dashboard (chain.dashboard.build)':<44} {label:<10} {'':>10} {whole:>11.1f}")


# --- what the triggers cost a write ----------------------------------------------------------------------


def _commit_work(connection: Connection) -> None:
    """What the commit adds: fire the deferred fold now (the round is rolled back, so it would never run)."""
    connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    connection.execute(text("SET CONSTRAINTS ALL DEFERRED"))


def _write_round(connection: Connection, triggers: bool, base: int) -> dict[str, float]:
    """Insert, update and delete 100,000 households, 10,000 one by one, in a transaction rolled back after.

    Each figure includes the fold of its deltas into the tallies, which a commit would run.
    """
    timings: dict[str, float] = {}
    transaction = connection.begin()
    try:
        if not triggers:
            for trigger in TALLY_TRIGGERS:
                connection.execute(text(f"ALTER TABLE household DISABLE TRIGGER {trigger}"))
        started = time.perf_counter()
        connection.execute(text(_households_sql("spread", base, 100_000)))
        _commit_work(connection)
        timings["one INSERT ... SELECT of 100,000"] = time.perf_counter() - started
        started = time.perf_counter()
        connection.execute(
            text(
                "UPDATE household SET dtks_status = 'terdaftar', desil = 1 + id % 10, period = '2026-10'"
                f" WHERE no_kk >= lpad('{base}', 16, '0')"
            )
        )
        _commit_work(connection)
        timings["one UPDATE of 100,000 (status, desil, period)"] = time.perf_counter() - started
        started = time.perf_counter()
        connection.execute(text(f"DELETE FROM household WHERE no_kk >= lpad('{base}', 16, '0')"))
        _commit_work(connection)
        timings["one DELETE of 100,000"] = time.perf_counter() - started
        single = text(
            "INSERT INTO household (no_kk, region_code, regency_code, address, rt, rw, dtks_status, notes, head_name,"
            " created_at, updated_at) VALUES (:kk, :village, substr(:village, 1, 5), 'Jl. Satu', '', '',"
            " 'belum_terdaftar', '', '', now(), now())"
        )
        villages = connection.execute(text("SELECT code FROM spread ORDER BY n LIMIT 100")).scalars().all()
        started = time.perf_counter()
        for number in range(10_000):
            connection.execute(
                single, {"kk": str(base + 500_000 + number).zfill(16), "village": villages[number % 100]}
            )
        _commit_work(connection)
        timings["10,000 single-row INSERT statements"] = time.perf_counter() - started
        rename = text("UPDATE household SET head_name = 'Kepala Baru' WHERE no_kk = :kk")
        started = time.perf_counter()
        for number in range(10_000):  # what the member triggers do: no counted column changes
            connection.execute(rename, {"kk": str(base + 500_000 + number).zfill(16)})
        _commit_work(connection)
        timings["10,000 single-row UPDATEs of head_name only"] = time.perf_counter() - started
    finally:
        transaction.rollback()
    return timings


def time_writes(engine: Engine, rounds: int) -> None:
    with engine.connect() as connection:
        connection.execute(
            text(
                "CREATE TEMP TABLE spread AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code FROM region"
                f" WHERE level = 4 AND code NOT LIKE '{DENSE_PROVINCE}.%' LIMIT {OTHER_VILLAGES}"
            )
        )
        connection.commit()
        results: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for number in range(rounds):
            for triggers in (True, False):
                results[triggers].append(_write_round(connection, triggers, base=10**12 + number * 10**6))
    print(f"{'write':<44} {'with tally s':>13} {'without s':>10} {'added':>7}")
    for name in results[True][0]:
        with_s = statistics.median(round_[name] for round_ in results[True])
        without_s = statistics.median(round_[name] for round_ in results[False])
        print(f"{name:<44} {with_s:>13.2f} {without_s:>10.2f} {(with_s / without_s - 1) * 100:>6.0f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write-rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with bench_database(make_url(args.server)) as url:
        command.upgrade(alembic_config(url), "head")
        engine = create_engine(url)
        try:
            with make_session_factory(engine)() as session:
                load_regions(session)
                session.commit()
            timings = seed(engine, args.households)
            with engine.connect() as connection:
                tally_rows = connection.execute(text("SELECT count(*) FROM household_tally")).scalar_one()
                national = connection.execute(text("SELECT count(*) FROM household_tally WHERE level = 1")).scalar()
            print(
                f"seeded {args.households:,} households in {timings['households']:.1f} s and their proposals in"
                f" {timings['proposals']:.1f} s (tally triggers on); household_tally: {tally_rows:,} rows,"
                f" {national:,} at province level"
            )
            time_reads(engine, args.repeat)
            time_writes(engine, args.write_rounds)
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
