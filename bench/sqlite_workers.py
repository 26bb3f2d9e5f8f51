"""Two uvicorn workers on one SQLite file and 20 officials writing at once: requests, writes, errors, p95.

    .venv/bin/python -m bench.sqlite_workers [--writers 20] [--readers 0] [--rounds 10] [--households 100]

Seeds the demo regency into a fresh SQLite file (`python -m console seed-demo`, as `make run` does) plus one
submitted proposal per transition to come, serves it with the documented command (`uvicorn --factory
console.app:create_app --workers 2`, bench/load/server.py) and lets `--writers` officials, each on a session
of its own logged in through the login form, work together for `--rounds` rounds each: the district accepts or
returns proposals (the confirm page, then its POST), the village creates households (the form) and imports
BNBA sheets (upload, preview, confirm), the district exports the household list (.xlsx, an EXPORT audit row
each). Every answer other than the expected 2xx/3xx (a 503 "sibuk", a 500, a 409) is an error. Afterwards
the database is read back: every transition, household, import and export must be stored with its audit row.
tests/console/test_sqlite_two_workers.py runs it with the defaults; figures in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from argon2 import PasswordHasher
from sqlalchemy import ColumnElement, Connection, create_engine, func, select, update

from bench.load import setup
from bench.load.server import server_environment, serving
from console.database import make_session_factory
from database.engine import make_engine
from models import AuditAction, AuditEntry, Household, Proposal, ProposalStatus, User
from tests import factories
from tests.console.form_posts import SAVE, household_form
from tests.factories import DEFAULT_VILLAGE, make_proposal
from tests.reports.bnba_sheets import family, sheet_bytes

PORT = 8413
SERIALS_FROM = 5001
PASSWORD = "demo-dtks-2026"  # the demo accounts' (demo/users.py)
DISTRICT, VILLAGE = "operator_dinsos", "operator_desa"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What each writer does, in turn: writer i takes JOBS[i % len(JOBS)] (20 writers: 7, 5, 4, 4).
JOBS = ("transition", "household", "import", "export", "transition", "household", "transition", "import",
        "export", "transition", "household", "import", "export", "transition", "household", "transition",
        "import", "export", "transition", "household")  # fmt: skip
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_DIGEST = re.compile(r'name="digest" value="([0-9a-f]{64})"')
_EXPORT_LINK = re.compile(r'<a id="list-export-link" class="btn btn-secondary"\s+href="([^"]+)"')


@dataclass
class Tally:
    """Every answer (ms, and what was wrong with it) and every write the writers expect to find stored."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=dict)  # per job
    errors: list[str] = field(default_factory=list)
    transitions: dict[int, ProposalStatus] = field(default_factory=dict)
    households: list[str] = field(default_factory=list)  # No. KK created through the form
    imported: list[str] = field(default_factory=list)  # No. KK created by the imports
    imports: int = 0
    exports: int = 0

    def answer(self, job: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.ms.setdefault(job, []).append(ms)
            if error:
                self.errors.append(error)

    @property
    def writes(self) -> int:
        return len(self.transitions) + len(self.households) + self.imports + self.exports


class Official:
    """One logged-in browser session: sends requests and judges each answer against the status it expects."""

    def __init__(self, base: str, username: str, job: str, tally: Tally) -> None:
        self.base, self.job, self.tally, self.http = base, job, tally, requests.Session()
        page = self.http.get(f"{base}/admin/login")
        token = _META_TOKEN.search(page.text) or _FORM_TOKEN.search(page.text)
        assert token is not None, f"login page: {page.status_code}"
        form = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
        answer = self.http.post(f"{base}/admin/login", data=form, headers=self.origin, allow_redirects=False)
        assert answer.status_code == 302, f"login of {username}: {answer.status_code}"
        home = _META_TOKEN.search(self.http.get(f"{base}/admin/").text)
        assert home is not None
        self.token = home.group(1)

    @property
    def origin(self) -> dict[str, str]:
        return {"Origin": self.base}

    def send(self, method: str, path: str, expected: int, **options: object) -> requests.Response | None:
        """The answer when it is the `expected` status, else None (the error is tallied)."""
        if method == "POST":
            options["headers"] = self.origin
            options["data"] = {**options.get("data", {}), "csrf_token": self.token}  # type: ignore[dict-item]
        started = time.perf_counter()
        try:
            answer = self.http.request(method, f"{self.base}{path}", allow_redirects=False, timeout=60, **options)  # type: ignore[arg-type]
        except requests.RequestException as error:
            self.tally.answer(
                self.job, (time.perf_counter() - started) * 1000, f"{method} {path}: {type(error).__name__}"
            )
            return None
        ms = (time.perf_counter() - started) * 1000
        wrong = answer.status_code != expected
        self.tally.answer(
            self.job, ms, f"{method} {path}: {answer.status_code} {answer.text[:120]!r}" if wrong else None
        )
        return None if wrong else answer


def transitions(official: Official, proposals: list[tuple[int, int]]) -> None:
    """The district's confirm page of each proposal, then Terima (even) or Kembalikan ke desa (odd)."""
    for position, (proposal_id, version) in enumerate(proposals):
        action, to = (
            ("accept", ProposalStatus.ACCEPTED) if position % 2 == 0 else ("return_to_village", ProposalStatus.RETURNED)
        )
        official.send("GET", f"/admin/proposal/workflow/{proposal_id}", 200)
        data = {"note": "Foto KK tidak terbaca.", "version": str(version)}
        if official.send("POST", f"/admin/proposal/workflow/{proposal_id}/{action}", 303, data=data) is not None:
            with official.tally.lock:
                official.tally.transitions[proposal_id] = to


def households(official: Official, forms: list[dict[str, str]]) -> None:
    """The village's new-household form, saved (sqladmin answers 302)."""
    for form in forms:
        if official.send("POST", "/admin/household/create", 302, data={**form, **SAVE}) is not None:
            with official.tally.lock:
                official.tally.households.append(form["no_kk"])


def imports(official: Official, sheets: list[tuple[list[str], bytes]]) -> None:
    """Each BNBA sheet (its No. KKs, its bytes) uploaded, previewed, confirmed, and the page saying it is done."""
    for no_kks, sheet in sheets:
        upload = {"sheet": ("bnba.xlsx", sheet, XLSX)}
        preview = official.send("POST", "/admin/bnba-import/preview", 200, files=upload)
        digest = _DIGEST.search(preview.text) if preview is not None else None
        if digest is None:
            continue
        confirmed = official.send("POST", "/admin/bnba-import/confirm", 303, data={"digest": digest.group(1)})
        done = official.send("GET", "/admin/bnba-import", 200) if confirmed is not None else None
        if done is not None and "Impor BNBA selesai" in done.text:
            with official.tally.lock:
                official.tally.imports += 1
                official.tally.imported.extend(no_kks)
        elif done is not None:
            with official.tally.lock:
                official.tally.errors.append(f"import not done: {done.text[:200]!r}")


def exports(official: Official, rounds: int) -> None:
    """The household list, then its Export (.xlsx, one EXPORT audit row each)."""
    for _round in range(rounds):
        page = official.send("GET", "/admin/household/list", 200)
        link = _EXPORT_LINK.search(page.text) if page is not None else None
        if link is None:
            continue
        answer = official.send("GET", link.group(1).replace("&amp;", "&").removeprefix(official.base), 200)
        if answer is not None and answer.headers.get("content-type") == XLSX:
            with official.tally.lock:
                official.tally.exports += 1


def reads(official: Official, rounds: int) -> None:
    """What the district reads between writes: the household list, a household, the proposals, the dashboard."""
    for round_number in range(rounds):
        official.send("GET", f"/admin/household/list?page={round_number % 3 + 1}", 200)
        official.send("GET", f"/admin/household/details/{round_number % 50 + 1}", 200)
        official.send("GET", "/admin/proposal/list", 200)
        official.send("GET", "/admin/dashboard", 200)


def prepare(path: Path, households_count: int, transitions_count: int) -> tuple[str, list[tuple[int, int]]]:
    """A fresh SQLite file with the demo regency and `transitions_count` submitted proposals; (URL, [(id, version)])."""
    url = f"sqlite:///{path}"
    setup.seed_demo(url, households_count, setup.base_environment())
    # The demo numbers the NIKs of each kecamatan, birth date and sex, and the No. KKs of each day, from 1, as the
    # test factories do: the writers' numbers start past any a demo register of 100,000 households hands out.
    factories._nik_serials.default_factory = lambda: itertools.count(SERIALS_FROM)
    factories._kk_numbers = itertools.count(SERIALS_FROM)
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            made = [
                make_proposal(session, ProposalStatus.SUBMITTED, region_code=DEFAULT_VILLAGE)
                for _ in range(transitions_count)
            ]
            # The demo accounts' password at argon2id's lowest cost: 20 logins are not what this measures.
            cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
            session.execute(update(User).values(password_hash=cheap))
            proposals = [(proposal.id, proposal.version) for proposal in made]
    finally:
        engine.dispose()
    return url, proposals


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0.95: p95) of `values`, nearest rank; 0 for none."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))] if ordered else 0.0


@dataclass
class Figures:
    """What a run did: answers per job, writes, errors, writes missing afterwards, its seconds."""

    ms: dict[str, list[float]]
    writes: int
    errors: list[str]
    missing: list[str]
    seconds: float

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.ms.values())

    def lines(self, writers: int, readers: int, workers: int) -> list[str]:
        every = [value for values in self.ms.values() for value in values]
        per_job = ", ".join(
            f"{job} {len(values)} p95 {percentile(values, 0.95):.0f} ms" for job, values in sorted(self.ms.items())
        )
        return [
            f"SQLite, {workers} workers, {writers} writers and {readers} readers at once: {self.requests} requests, "
            f"{self.writes} writes, {len(self.errors)} errors, {len(self.missing)} writes missing, "
            f"{self.seconds:.1f} s, "
            f"{self.requests / self.seconds:.1f} requests/s, {self.writes / self.seconds:.1f} writes/s, "
            f"p50 {percentile(every, 0.5):.0f} ms, p95 {percentile(every, 0.95):.0f} ms",
            f"  per job: {per_job}",
            *(f"  error: {error}" for error in self.errors[:10]),
            *(f"  missing: {missing}" for missing in self.missing[:10]),
        ]


def _sheet() -> tuple[list[str], bytes]:
    """A BNBA sheet of two new families (head, spouse, child): its No. KKs and the .xlsx."""
    rows = family() + family()
    return list(dict.fromkeys(row["NO KK"] for row in rows)), sheet_bytes(rows)


def _work(job: str, official: Official, rounds: int, proposals: list[tuple[int, int]]) -> Callable[[], None]:
    """The job's work for one official; forms and sheets are made here, before the clock starts, in one thread
    (tests/factories.py hands out NIKs and No. KKs from counters that are not meant for threads)."""
    if job == "transition":
        return lambda: transitions(official, proposals)
    if job == "household":
        forms = [household_form() for _round in range(rounds)]
        return lambda: households(official, forms)
    if job == "import":
        sheets = [_sheet() for _round in range(max(1, rounds // 2))]
        return lambda: imports(official, sheets)
    step = exports if job == "export" else reads
    return lambda: step(official, rounds)


def _together(work: list[Callable[[], None]]) -> float:
    """Run every piece of work in a thread of its own, all released at once; the seconds until the last ends."""
    start = threading.Barrier(len(work) + 1)

    def released(piece: Callable[[], None]) -> None:
        start.wait()
        piece()

    threads = [threading.Thread(target=released, args=(piece,)) for piece in work]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def run(path: Path, *, writers: int = 20, readers: int = 0, rounds: int = 10, households_count: int = 100,
        workers: int = 2, port: int = PORT) -> Figures:  # fmt: skip
    """Prepare, serve, let the writers (and readers) work together, read the database back: the figures.

    The server's own log is kept beside the database; a "database is locked" or "sibuk" line in it is an error.
    """
    jobs = [JOBS[position % len(JOBS)] for position in range(writers)] + ["read"] * readers
    url, proposals = prepare(path, households_count, jobs.count("transition") * rounds)
    tally = Tally()
    environment = server_environment(setup.base_environment(), url, {"DEMO_HOUSEHOLDS": str(households_count)})
    server_log = path.with_suffix(".server.log")
    with server_log.open("wb") as output, serving(environment, workers, port=port, output=output) as base:
        work, share = [], 0
        for job in jobs:
            official = Official(base, DISTRICT if job in ("transition", "export", "read") else VILLAGE, job, tally)
            work.append(_work(job, official, rounds, proposals[share * rounds : (share + 1) * rounds]))
            share += job == "transition"
        seconds = _together(work)
    logged = server_log.read_text(encoding="utf-8", errors="replace").splitlines()
    busy = [f"server log: {line}" for line in logged if "database is locked" in line or "sibuk" in line.lower()]
    return Figures(tally.ms, tally.writes, tally.errors + busy, missing_writes(url, tally), seconds)


def missing_writes(url: str, tally: Tally) -> list[str]:
    """The writes the writers were told were done that the database does not hold with their audit rows."""
    engine = create_engine(url)
    missing: list[str] = []

    def audited(connection: Connection, *where: ColumnElement[bool]) -> int:
        return int(connection.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0)

    try:
        with engine.connect() as connection:
            for proposal_id, status in tally.transitions.items():
                stored = connection.scalar(select(Proposal.status).where(Proposal.id == proposal_id))
                rows = audited(
                    connection, AuditEntry.action == AuditAction.TRANSITION, AuditEntry.object_id == str(proposal_id)
                )
                if stored != status or rows != 1:
                    missing.append(f"proposal {proposal_id}: {stored} ({rows} audit rows)")
            for no_kk in tally.households + tally.imported:
                household_id = connection.scalar(select(Household.id).where(Household.no_kk == no_kk))
                rows = household_id and audited(
                    connection,
                    AuditEntry.action == AuditAction.CREATE,
                    AuditEntry.object_type == Household.__tablename__,
                    AuditEntry.object_id == str(household_id),
                )
                if not rows:
                    missing.append(f"household {no_kk}: {'no audit row' if household_id else 'not stored'}")
            for action, expected in ((AuditAction.IMPORT, tally.imports), (AuditAction.EXPORT, tally.exports)):
                found = audited(connection, AuditEntry.action == action)
                if found != expected:
                    missing.append(f"{action.value}: {found} audit rows for {expected} done")
    finally:
        engine.dispose()
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite_workers", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=0, help="officials only reading, beside the writers")
    parser.add_argument(
        "--rounds", type=int, default=10, help="transitions, forms or exports per writer (imports: half)"
    )
    parser.add_argument("--households", type=int, default=100, help="demo households (DEMO_HOUSEHOLDS)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", type=Path, default=None, help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dtks-sqlite-") as folder:
        path = args.database or Path(folder) / "dtks.sqlite3"
        figures = run(path, writers=args.writers, readers=args.readers, rounds=args.rounds,
                      households_count=args.households, workers=args.workers)  # fmt: skip
        print("\n".join(figures.lines(args.writers, args.readers, args.workers)))
    return 1 if figures.errors or figures.missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
