"""Is the audit page usable at scale, and is "who saw which households between t1 and t2" one fast query?

    DATABASE_URL=sqlite:////tmp/audit.sqlite3 .venv/bin/python -m bench.audit_scale --rows 1000000

Needs a migrated database with the regions loaded (`python -m console load-regions`). Fills audit_entry with
`--rows` synthetic entries over 30 days (2,000 actors, the villages of Kota Bima, the real action mix of a
district), then times through the real application (TestClient, logged in): the first list page for admin
and for a district head, a filter by action, a search by actor, a details page; and the breach-readiness
query of docs/SECURITY.md. Prints one line per measurement (median of 5, milliseconds).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from console.app import create_app
from console.database import make_engine, make_session_factory
from console.settings import Settings
from models import AuditAction, AuditEntry, Region, Role, User
from models.region import within_region
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_PASSWORD, make_user

REGENCY = "52.72"
ACTIONS = [AuditAction.LOOKUP] * 5 + [AuditAction.UPDATE] * 3 + [AuditAction.CREATE, AuditAction.LOGIN]
CHUNK = 10_000
LISTING = "/admin/audit-entry/list"
WHO_SAW = """
SELECT a.at, a.actor_name, a.action, a.object_type, a.object_id, a.region_code
FROM audit_entry AS a
WHERE a.actor_id = :actor_id AND a.at >= :t1 AND a.at < :t2
  AND a.action IN ('lookup', 'export') AND a.object_type IN ('household', 'member')
ORDER BY a.at
"""


def actors(session: Session, villages: list[str]) -> dict[int, str]:
    """2,000 village operators (no usable password: they only act in the synthetic trail); id -> username."""
    existing = dict(session.execute(select(User.id, User.username).where(User.username.like("petugas_%"))).all())
    if not existing:
        rows = [
            {
                "username": f"petugas_{number}",
                "full_name": f"Petugas {number}",
                "role": Role.OPERATOR_DESA,
                "scope_region_code": villages[number % len(villages)],
                "is_active": True,
                "password_hash": "-",
            }
            for number in range(1, 2001)
        ]
        session.execute(insert(User), rows)
        existing = dict(session.execute(select(User.id, User.username).where(User.username.like("petugas_%"))).all())
    return existing


def fill(session: Session, rows: int) -> None:
    villages = list(session.scalars(select(Region.code).where(within_region(Region.code, REGENCY), Region.level == 4)))
    people = sorted(actors(session, villages).items())
    rng = random.Random(2026)
    start = datetime.now(UTC) - timedelta(days=30)
    for offset in range(0, rows, CHUNK):
        batch = []
        for number in range(offset, min(rows, offset + CHUNK)):
            actor_id, actor_name = rng.choice(people)
            batch.append(
                {
                    "at": start + timedelta(seconds=number * 30 * 86400 / rows),
                    "actor_id": actor_id,
                    "actor_name": actor_name,
                    "request_id": "",
                    "ip": "10.0.0.1",
                    "action": rng.choice(ACTIONS),
                    "object_type": rng.choice(("household", "member")),
                    "object_id": str(rng.randrange(1, 100_000)),
                    "region_code": rng.choice(villages),
                    "message": "",
                    "after": {"address": "Jl. Contoh"},
                }
            )
        session.execute(insert(AuditEntry.__table__), batch)
    session.commit()


def median_ms(action: Callable[[], object], times: int = 5) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def logged_in(app: object, username: str) -> ConsoleClient:
    client = ConsoleClient(app, base_url="http://testserver")
    token_page = client.get("/admin/login").text
    assert "csrf-token" in token_page
    response = client.post(
        "/admin/login", data={"username": username, "password": DEFAULT_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 302, response.status_code
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    settings = Settings()
    settings = settings.model_copy(update={"allowed_hosts": [*settings.allowed_hosts, "testserver"]})  # TestClient
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        existing = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        if existing < args.rows:
            started = time.perf_counter()
            fill(session, args.rows - existing)
            print(f"filled {args.rows - existing} rows in {time.perf_counter() - started:.1f} s")
            session.execute(text("ANALYZE"))  # what autovacuum (PostgreSQL) or a periodic ANALYZE would do
        for username, role, scope in (("bench_admin", Role.ADMIN, None), ("bench_kadis", Role.KEPALA_DINAS, REGENCY)):
            if session.scalar(select(User.id).where(User.username == username)) is None:
                make_user(session, role, scope, username=username)
        session.commit()
        total = session.scalar(select(func.count()).select_from(AuditEntry))
    print(f"{engine.dialect.name}: {total} audit rows")
    app = create_app(settings)
    with logged_in(app, "bench_admin") as admin, logged_in(app, "bench_kadis") as head:
        pages = {
            "admin: first list page": lambda: admin.get(LISTING),
            "admin: page 200": lambda: admin.get(LISTING, params={"page": 200}),
            "admin: filter action=login": lambda: admin.get(LISTING, params={"action": "login"}),
            "admin: filter region 52.72.01": lambda: admin.get(LISTING, params={"wilayah": "52.72.01"}),
            "admin: search actor petugas_17": lambda: admin.post(
                "/admin/audit-entry/search", data={"term": "petugas_17"}
            ),
            "admin: details page": lambda: admin.get("/admin/audit-entry/details/1"),
            "kepala_dinas 52.72: first list page": lambda: head.get(LISTING),
        }
        for label, request in pages.items():
            assert request().status_code == 200, label
            print(f"{label:<40} {median_ms(request):8.1f} ms")
    t2 = datetime.now(UTC)
    t1 = t2 - timedelta(days=7)
    with engine.connect() as connection:
        actor_id = connection.scalar(select(User.id).where(User.username == "petugas_17"))
        query = lambda: connection.execute(text(WHO_SAW), {"actor_id": actor_id, "t1": t1, "t2": t2}).all()  # noqa: E731
        found = len(query())
        print(f"{'who saw which households (7 days, 1 actor)':<40} {median_ms(query):8.1f} ms, {found} rows")
    engine.dispose()


if __name__ == "__main__":
    main()
