"""National scale, measured against vanilla sqladmin in one run (issue 11):

    .venv/bin/python -m bench.scale --households 1000000 [--repeat 7] [--keep] [--skip-load]

Needs a PostgreSQL server (`--server`, default the local one as `postgres`). Creates `dtks_scale_<N>` (the
project's schema by its migrations, every region, one demo account per role, then N households with ~4 members
each, proposals, visits and audit rows, all seeded inside PostgreSQL: bench/scale/register.py) and
`dtks_scale_vanilla` (vanilla sqladmin's household table, at most 1,000,000 rows), starts the console and the
baseline (one uvicorn worker each, ports 8201 and 8202), logs in as one official per tier, prints the page table
(interleaved, median of `--repeat` rounds after a warm-up) and the load test (32 connections for 15 s each),
then stops both servers and drops both databases (also after an error or Ctrl-C; `--keep` leaves them).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench.scale import load, pages
from bench.scale.database import (
    DATABASE_PREFIX,
    DEFAULT_SERVER,
    VANILLA_DATABASE,
    build_project_schema,
    fresh_database,
    server_url,
)
from bench.scale.register import seed_register
from bench.scale.servers import running_servers
from bench.scale.vanilla import MOST_ROWS, seed_vanilla


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--households", type=int, default=1_000_000, help="households in the register (default 1,000,000)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds per page after the warm-up (default 7)")
    parser.add_argument("--keep", action="store_true", help="leave both databases in place (for EXPLAIN ANALYZE)")
    parser.add_argument("--skip-load", action="store_true", help="no load test")
    parser.add_argument(
        "--server", default=DEFAULT_SERVER, help=f"PostgreSQL maintenance database (default {DEFAULT_SERVER})"
    )
    arguments = parser.parse_args(argv)
    if arguments.households < 1000 or arguments.repeat < 1:
        parser.error("--households at least 1000, --repeat at least 1")
    return arguments


def _machine() -> str:
    cores = len(os.sched_getaffinity(0))
    memory = Path("/proc/meminfo").read_text().split()[1]
    return f"{cores} cores, {int(memory) / 2**20:.0f} GiB, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    server = server_url(arguments.server)
    households = arguments.households
    print(f"bench.scale {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {households:,} households; machine: {_machine()}")
    with ExitStack() as stack:
        project = stack.enter_context(fresh_database(server, f"{DATABASE_PREFIX}{households}", keep=arguments.keep))
        vanilla = stack.enter_context(fresh_database(server, VANILLA_DATABASE, keep=arguments.keep))
        tiers = build_project_schema(project)
        report = seed_register(project, households)
        print(report)
        vanilla_rows = min(households, MOST_ROWS)
        print(f"vanilla table: {vanilla_rows:,} households in {seed_vanilla(vanilla, vanilla_rows):.1f} s")
        found = pages.samples(project, households)
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dtks-scale-")))
        servers = stack.enter_context(running_servers(project, vanilla, log_dir))
        started = time.perf_counter()
        timed = pages.time_pages(servers, found, tiers, households, arguments.repeat)
        print(f"\nPages, median of {arguments.repeat} interleaved rounds ({time.perf_counter() - started:.0f} s):\n")
        print(pages.table(timed))
        if not arguments.skip_load:
            print()
            print(load.table(*load.run_load(servers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
