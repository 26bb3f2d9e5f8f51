"""How many statements and transactions does one page cost? Counted, not timed, so it holds on a busy machine.

    .venv/bin/python -m bench.round_trips [--households 300] [--database-url sqlite:////tmp/trips.sqlite3] [--show]

Builds a fresh database (default: a temporary SQLite file; a PostgreSQL URL works too and is left for you to
drop), seeds the demo regency with `--households` families, logs in through the real login form as officials
of three tiers and requests each list page, and the details page of its first row, twice (the second, warm,
is counted): every statement the application's engine sends and every transaction it begins. Prints one line
per page and user.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from alembic import command
from console.app import create_app
from console.database import make_engine, make_session_factory
from console.settings import Settings
from demo import DEMO_PASSWORD
from demo.seeding import seed_demo
from tests.conftest import alembic_config
from tests.console_client import read_csrf_token

PAGES = ("/admin/household/list", "/admin/member/list", "/admin/proposal/list", "/admin/visit/list")
USERS = ("operator_desa", "operator_dinsos", "pusdatin")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--show", action="store_true", help="print each counted statement, its transaction marked")
    args = parser.parse_args(argv)
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="dtks-trips-"), "trips.sqlite3")
    settings = Settings(database_url=url)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        seed_demo(session, households=args.households)
        session.commit()
    engine.dispose()

    app = create_app(settings)
    statements: list[str] = []
    transactions: list[int] = []

    def counted(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(f"[{len(transactions)}] {' '.join(statement.split())[:160]}")

    event.listen(app.state.engine, "before_cursor_execute", counted)
    event.listen(app.state.engine, "begin", lambda _connection: transactions.append(1))
    print(f"{'page':<32} {'user':<16} {'status':>6} {'statements':>10} {'transactions':>12}")
    for username in USERS:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            token = read_csrf_token(client.get("/admin/login").text)
            form = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token}
            client.post("/admin/login", data=form, headers={"Origin": "http://127.0.0.1"}, follow_redirects=False)
            for page in PAGES:
                listed = client.get(page).text  # warm: the casbin rules, the template cache
                details = re.search(r'href="https?://[^/"]+(/admin/[a-z-]+/details/\d+)"', listed)
                for url in (page, details.group(1) if details else None):
                    if url is None:
                        continue
                    client.get(url)
                    statements.clear()
                    transactions.clear()
                    status = client.get(url).status_code
                    shown = url if url == page else url.rsplit("/", 1)[0] + "/<first>"
                    print(f"{shown:<32} {username:<16} {status:>6} {len(statements):>10} {len(transactions):>12}")
                    if args.show:
                        print("\n".join(f"    {line}" for line in statements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
