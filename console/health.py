"""What monitoring polls: `/healthz` (the process answers) and `/readyz` (it can serve officials).

Ready means: the database answers, its schema is at the newest migration this code knows (alembic head), the
access rules are loaded into the database (an empty rule table refuses every page), and the uploads folder, where
the signed BA and SK scans live, takes a file. Each check says "ok" or what is wrong, in words and without a
path, a user or a row; the answer is 200 when all hold, 503 otherwise. Neither route needs a login, writes an
audit row, sets a cookie or counts against the login throttle: they lie outside /admin.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import anyio
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from console.settings import PROJECT_DIR
from models import PolicyRule

OK = "ok"
NO_STORE = {"Cache-Control": "no-store"}


@cache
def schema_head() -> str | None:
    """The newest migration of this checkout (read once per process)."""
    return ScriptDirectory.from_config(Config(str(PROJECT_DIR / "alembic.ini"))).get_current_head()


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok", headers=NO_STORE)


NOT_CHECKED = "tidak diperiksa"


def database_checks(engine: Engine) -> dict[str, str]:
    """The database's three checks: reachable, schema at head, access rules present."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = None
            if inspect(connection).has_table("alembic_version"):
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            rules = connection.execute(select(func.count()).select_from(PolicyRule)).scalar() or 0
    except SQLAlchemyError:
        return {"database": "basis data tidak dapat dihubungi", "schema": NOT_CHECKED, "policies": NOT_CHECKED}
    head = schema_head()
    schema = OK if revision == head else f"skema pada revisi {revision or '(kosong)'}, bukan {head}: jalankan migrate"
    policies = OK if rules else "aturan akses kosong: jalankan migrate atau sync-policies"
    return {"database": OK, "schema": schema, "policies": policies}


def uploads_check(folder: Path) -> str:
    """The uploads folder exists (or can be made) and takes a file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
            pass
    except OSError:
        return "folder unggahan tidak dapat ditulisi"
    return OK


def readiness(engine: Engine, upload_dir: Path) -> dict[str, str]:
    return {**database_checks(engine), "uploads": uploads_check(upload_dir)}


async def readyz(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    folder: Path = request.app.state.settings.upload_dir
    checks = await anyio.to_thread.run_sync(readiness, engine, folder)
    ready = all(value == OK for value in checks.values())
    body = {"status": "siap" if ready else "belum siap", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)
