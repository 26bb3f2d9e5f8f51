"""Locust against the console on loopback: simulated officials of every tier, bounded in time, figures per method.

    .venv/bin/python -m bench.load [--users 300 900] [--duration 60] [--workers 2] [--households 3000] [--keep]

Creates its own PostgreSQL database `dtks_load_bench` on --server (default postgresql://postgres@127.0.0.1:5432),
fills it as `make run` does (`python -m console seed-demo`: migrations, the regions, the demo regency of
--households families and the demo accounts), starts `uvicorn --factory console.app:create_app --workers N` on
127.0.0.1:8301 and runs `locust --headless` (bench/load/locustfile.py) once per --users value: the officials
arrive at --spawn-rate a second (default: all of them within 60 s; each logs in on arrival, and argon2id
makes a login the dearest request), then work for --duration seconds. For each run it prints, for the
steady part (from 10 s after the last arrival) per method and per request, then for the whole run with the
arrivals per method: the count, req/s, p50/p95/p99 in ms and the answers by class: 2xx/3xx, 409, 429 and 503
(shed), other 4xx, other 5xx, none. Then it stops the server and drops the database (--keep leaves the
database for a look; drop it yourself). Locust runs on the same machine as the server: on a small machine
they share its cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import setup
from bench.load.figures import read_answers, report
from bench.load.server import server_environment, serving

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
RAMP_SECONDS = 60
SETTLE_SECONDS = 10
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[300, 900], help="simulated officials, one run each")
    parser.add_argument("--duration", type=int, default=60, help="seconds of work per run, after the arrivals")
    parser.add_argument("--spawn-rate", type=float, default=0.0, help="officials arriving a second (default users/60)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--households", type=int, default=3000, help="demo households (DEMO_HOUSEHOLDS)")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server the bench database is made on")
    parser.add_argument("--keep", action="store_true", help="leave dtks_load_bench in place afterwards")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a console setting served with")
    return parser.parse_args(argv)


def _locust(base: str, users: int, rate: float, duration: int, environment: dict[str, str], log: Path) -> None:
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary", "--loglevel", "WARNING",
        "-u", str(users), "-r", str(rate), "-t", f"{duration}s", "--stop-timeout", "10", "--host", base,
    ]  # fmt: skip
    # locust exits 1 when any request failed; the figures say which, so that is not the runner's failure. Its own
    # summary (per endpoint, approximated percentiles) goes to the log, printed only when no answer was recorded.
    with log.open("w", encoding="utf-8") as output:
        subprocess.run(command, env=environment, check=False, stdout=output, stderr=subprocess.STDOUT)


def _run(args: argparse.Namespace, url: str, workdir: Path) -> None:
    sample_path = workdir / "sample.json"
    sample_path.write_text(json.dumps(setup.sample(url)), encoding="utf-8")
    extra = dict(item.split("=", 1) for item in args.set)
    environment = server_environment(setup.base_environment(), url, extra)
    with serving(environment, args.workers) as base:
        for users in args.users:
            out = workdir / f"answers-{users}.jsonl"
            locust_environment = {
                **setup.base_environment(),
                "BENCH_LOAD_OUT": str(out),
                "BENCH_LOAD_SAMPLE": str(sample_path),
            }
            rate = args.spawn_rate or max(1.0, users / RAMP_SECONDS)
            ramp = math.ceil(users / rate)
            print(f"\n== {users} users arriving at {rate:g}/s ({ramp} s), then {args.duration} s of work, "
                  f"{args.workers} workers, {base}", flush=True)  # fmt: skip
            started = time.time()
            log = workdir / f"locust-{users}.log"
            _locust(base, users, rate, ramp + args.duration, locust_environment, log)
            answers = read_answers(out) if out.exists() else []
            if not answers:
                print(log.read_text(encoding="utf-8")[-4000:], flush=True)
            steady_from = started + ramp + SETTLE_SECONDS
            steady = [answer for answer in answers if answer.t >= steady_from]
            print(f"-- steady: from {SETTLE_SECONDS} s after the last arrival", flush=True)
            print("\n".join(report(steady, args.duration - SETTLE_SECONDS)) if steady else "no answers", flush=True)
            print("-- whole run, arrivals and logins included", flush=True)
            print("\n".join(report(answers, ramp + args.duration, by_name=False)) if answers else "none", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    url = setup.database_url(args.server)
    print(f"database {setup.DATABASE_NAME}: creating and seeding {args.households} demo households", flush=True)
    setup.create_database(args.server)
    try:
        setup.seed_demo(url, args.households, setup.base_environment())
        with tempfile.TemporaryDirectory(prefix="dtks-load-") as workdir:
            _run(args, url, Path(workdir))
    finally:
        if not args.keep:
            setup.drop_database(args.server)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
