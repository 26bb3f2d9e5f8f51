"""The Kotak Kerja (chain/worklist.py) at national scale, one official of each tier:

    .venv/bin/python -m bench.worklist [--households 1000000] [--repeat 7] [--keep] [--reuse] [--skip-pages]

On bench.scale's register (bench/scale/register.py: N households, ~4 members each, one proposal per 50 households
in every status, visits, audit rows; PostgreSQL at `--server`), in a database of its own,
`dtks_scale_worklist_<N>`, created and dropped like bench.scale's (`--keep` leaves it, `--reuse` takes a kept one
as it is instead of seeding again). The pendamping PKH gets the first village of their kecamatan as desa dampingan.

In process, for each official: `worklist.build` (the page's worklist: counts, late counts, the oldest rows) and
`worklist.waiting_count` (the menu's badge), one warm-up then `--repeat` runs, median and max in milliseconds, and
the statements each ran. Then, unless `--skip-pages`, the console as one uvicorn worker (bench/scale/servers.py):
`GET /admin/worklist` and `GET /admin/household/list` of the same official in the same interleaved rounds, and
their ratio (the worklist page against the list page every official already opens).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from bench.scale.__main__ import _machine
from bench.scale.browser import Browser
from bench.scale.database import (
    DATABASE_PREFIX,
    DEFAULT_SERVER,
    build_project_schema,
    database_exists,
    database_url,
    fresh_database,
    server_url,
)
from bench.scale.register import seed_register
from bench.scale.servers import CONSOLE_PORT, HOST, _uvicorn
from chain import worklist
from chain.actor import actor_for
from console.database import make_engine, make_session_factory
from console.settings import Settings
from models import Role, User
from models.pendamping import PendampingVillage
from models.proposal import Proposal
from models.region_codes import RegionLevel

TIERS = (
    Role.OPERATOR_DESA,
    Role.TKSK,
    Role.PENDAMPING_PKH,
    Role.OPERATOR_DINSOS,
    Role.KEPALA_DINAS,
    Role.OPERATOR_PROVINSI,
    Role.PUSDATIN,
)
WORKLIST_PAGE = "/admin/worklist"
HOUSEHOLD_LIST = "/admin/household/list"


@dataclass
class Official:
    """One tier's official and what was measured for them."""

    role: Role
    scope: str
    waiting: int = 0
    steps: int = 0
    build_ms: list[float] = field(default_factory=list)
    count_ms: list[float] = field(default_factory=list)
    build_statements: int = 0
    count_statements: int = 0
    page_ms: list[float] = field(default_factory=list)
    list_ms: list[float] = field(default_factory=list)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.worklist", description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000, help="households (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure after a warm-up (default 7)")
    parser.add_argument("--keep", action="store_true", help="leave the database in place (for EXPLAIN ANALYZE)")
    parser.add_argument("--reuse", action="store_true", help="use a kept dtks_scale_worklist_<N> as it is")
    parser.add_argument("--skip-pages", action="store_true", help="no console, the in-process timings only")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"PostgreSQL (default {DEFAULT_SERVER})")
    arguments = parser.parse_args(argv)
    if arguments.households < 1000 or arguments.repeat < 1:
        parser.error("--households at least 1000, --repeat at least 1")
    return arguments


def drop_database(server: URL, name: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextmanager
def _register(arguments: argparse.Namespace) -> Iterator[str]:
    """The register's database: a kept one when `--reuse` finds it, else built afresh; dropped unless `--keep`."""
    server = server_url(arguments.server)
    name = f"{DATABASE_PREFIX}worklist_{arguments.households}"
    if arguments.reuse and database_exists(server, name):
        print(f"--reuse: database {name} as it was kept")
        try:
            yield database_url(server, name)
        finally:
            if arguments.keep:
                print(f"--keep: database {name} left in place (drop it with: DROP DATABASE {name} WITH (FORCE))")
            else:
                drop_database(server, name)
        return
    with fresh_database(server, name, keep=arguments.keep) as url:
        build_project_schema(url)
        print(seed_register(url, arguments.households))
        yield url


def _busiest(session: Session, column: Any, within: str) -> str:
    """The region code (of `column`) under `within` holding the most proposals."""
    found = session.scalar(
        select(column).where(column.like(within + ".%")).group_by(column).order_by(func.count().desc()).limit(1)
    )
    if found is None:
        raise SystemExit(f"no proposal under {within}: the register is too small for this benchmark")
    return str(found)


def _officials(session: Session) -> list[Official]:
    """The demo account of each tier (usernames are the role values), placed where the proposals are.

    bench.scale's demo accounts sit in Kota Bima (52.72), but its one-in-fifty proposals fall on the households
    of a few regencies of province 52 only (their ids step by 50 over villages taken regency by regency), none in
    Kota Bima: a district official there would time empty queues. So the village, kecamatan and district
    officials move (in this benchmark's own database) to the regency with the most proposals, its busiest
    village and that village's kecamatan; the pendamping PKH gets that village as desa dampingan.
    """
    regency = _busiest(session, Proposal.regency_code, "52")
    village = _busiest(session, Proposal.region_code, regency)
    kecamatan = village.rsplit(".", 1)[0]
    scopes = {RegionLevel.VILLAGE: village, RegionLevel.KECAMATAN: kecamatan, RegionLevel.REGENCY: regency}
    officials = []
    for role in TIERS:
        user = session.scalars(select(User).where(User.username == role.value)).one()
        if role.scope_level in scopes:
            user.scope_region_code = scopes[role.scope_level]
        if role is Role.PENDAMPING_PKH:
            session.execute(delete(PendampingVillage).where(PendampingVillage.user_id == user.id))
            session.add(PendampingVillage(user_id=user.id, region_code=village))
        officials.append(Official(role, user.scope_region_code or "nasional"))
    session.commit()
    return officials


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*_args: Any) -> None:
        seen.append("")

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_in_process(url: str, repeat: int) -> list[Official]:
    """`build` and `waiting_count` for each official, each in a fresh session per run (as a request has)."""
    engine = make_engine(Settings(database_url=url))
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            officials = _officials(session)
        now = datetime.now(UTC)
        for official in officials:
            with sessions() as session:
                user = session.scalars(select(User).where(User.username == official.role.value)).one()
                actor = actor_for(session, user)
                found = worklist.build(session, actor, now)
                official.waiting, official.steps = found.total, len(found.steps)
                with _statements(session) as seen:
                    worklist.build(session, actor, now)
                official.build_statements = len(seen)
                with _statements(session) as seen:
                    worklist.waiting_count(session, actor)
                official.count_statements = len(seen)
                official.build_ms = _timed(lambda: worklist.build(session, actor, now), repeat)  # noqa: B023
                official.count_ms = _timed(lambda: worklist.waiting_count(session, actor), repeat)  # noqa: B023
                session.rollback()
    finally:
        engine.dispose()
    return officials


def _page(browser: Browser, path: str) -> float:
    started = time.perf_counter()
    response = browser.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path} for the official answered {response.status_code}")
    return elapsed


def time_pages(url: str, officials: list[Official], repeat: int) -> None:
    """The worklist page and the household list of each official, interleaved, through the console."""
    environment = {
        "DATABASE_URL": url,
        "MIGRATION_DATABASE_URL": "",
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": HOST,
        "SQL_ECHO": "false",
    }
    with ExitStack() as stack:
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dtks-worklist-")))
        console = _uvicorn("console.app:create_app", CONSOLE_PORT, environment, log_dir / "console.log", "/admin/login")
        base = stack.enter_context(console)
        browsers = {official.role: Browser(base).log_in(official.role.value) for official in officials}
        for browser in browsers.values():
            stack.callback(browser.close)
        for official in officials:  # warm-up
            _page(browsers[official.role], WORKLIST_PAGE)
            _page(browsers[official.role], HOUSEHOLD_LIST)
        for _ in range(repeat):
            for official in officials:
                official.page_ms.append(_page(browsers[official.role], WORKLIST_PAGE))
                official.list_ms.append(_page(browsers[official.role], HOUSEHOLD_LIST))


def table(officials: list[Official]) -> str:
    """Medians / maxima in milliseconds as a Markdown table."""

    def figure(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} / {max(values):.1f}" if values else ""

    lines = [
        "| official (scope) | waiting (steps) | build ms med / max (stmts) | waiting_count ms med / max (stmts) "
        "| page ms med / max | household list ms med / max | page / list |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for o in officials:
        ratio = f"{statistics.median(o.page_ms) / statistics.median(o.list_ms):.2f}x" if o.page_ms else ""
        lines.append(
            f"| {o.role.value} ({o.scope}) | {o.waiting:,} ({o.steps}) | {figure(o.build_ms)} ({o.build_statements}) "
            f"| {figure(o.count_ms)} ({o.count_statements}) | {figure(o.page_ms)} | {figure(o.list_ms)} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    print(
        f"bench.worklist {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {arguments.households:,} households; "
        f"machine: {_machine()}"
    )
    with _register(arguments) as url:
        officials = time_in_process(url, arguments.repeat)
        if not arguments.skip_pages:
            time_pages(url, officials, arguments.repeat)
    print(f"\nKotak Kerja, {arguments.repeat} runs after a warm-up each:\n")
    print(table(officials))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
