"""/healthz and /readyz: no login, no cookie, no audit row; ready only when the database answers at the schema's
head with access rules loaded and the uploads folder takes a file, else 503 saying which check failed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from console.app import create_app
from console.health import schema_head
from models import AuditEntry, Base
from tests.conftest import settings_for


def test_healthz_and_readyz_answer_without_a_login_cookie_or_audit_row(app: Starlette, db_session: Session) -> None:
    before = db_session.scalar(select(func.count()).select_from(AuditEntry))
    with TestClient(app) as client:
        alive = client.get("/healthz")
        assert alive.status_code == 200 and alive.text == "ok" and "set-cookie" not in alive.headers
        ready = client.get("/readyz")
    assert ready.status_code == 200 and "set-cookie" not in ready.headers
    assert ready.headers["cache-control"] == "no-store"
    assert ready.json() == {
        "status": "siap",
        "checks": {"database": "ok", "schema": "ok", "policies": "ok", "uploads": "ok"},
    }
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_an_unwritable_uploads_folder_is_not_ready(database_url: str, engine: object, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "uploads"
    not_a_folder.write_text("a file where the folder should be")
    with TestClient(create_app(settings_for(database_url, not_a_folder))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "belum siap"
    assert response.json()["checks"]["uploads"] == "folder unggahan tidak dapat ditulisi"
    assert response.json()["checks"]["database"] == "ok"


def test_a_database_without_migrations_or_rules_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bare.sqlite3'}"
    bare = create_engine(url)
    Base.metadata.create_all(bare)  # the tables, but no alembic revision and no access rules
    bare.dispose()
    with TestClient(create_app(settings_for(url, tmp_path / "uploads"))) as client:
        checks = client.get("/readyz").json()["checks"]
    assert checks["schema"] == f"skema pada revisi (kosong), bukan {schema_head()}: jalankan migrate"
    assert checks["policies"].startswith("aturan akses kosong")


def test_an_unreachable_database_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'folder' / 'db.sqlite3'}"
    with TestClient(create_app(settings_for(url, tmp_path / "uploads"))) as client:
        response = client.get("/readyz")
        alive = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "basis data tidak dapat dihubungi"
    assert alive.status_code == 200  # the process itself answers
