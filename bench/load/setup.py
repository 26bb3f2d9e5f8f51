"""The load test's own PostgreSQL database: created, filled with the demo regency as `make run` fills it, dropped."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from sqlalchemy import create_engine, make_url, text

from database.settings import with_psycopg

DATABASE_NAME = "dtks_load_bench"
SAMPLE_HOUSEHOLDS = 1000
SAMPLE_NIKS = 200


def database_url(server_url: str, name: str = DATABASE_NAME) -> str:
    return make_url(with_psycopg(server_url)).set(database=name).render_as_string(hide_password=False)


def _on_server(server_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    engine = create_engine(with_psycopg(server_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def create_database(server_url: str) -> None:
    """A fresh, empty `dtks_load_bench` (one left by an interrupted run is dropped first)."""
    drop_database(server_url)
    _on_server(server_url, f'CREATE DATABASE "{DATABASE_NAME}"')


def drop_database(server_url: str) -> None:
    _on_server(server_url, f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')


def seed_demo(url: str, households: int, environment: dict[str, str]) -> None:
    """`python -m console seed-demo`, the README's demo: migrations, the regions, the demo regency and accounts."""
    env = {**environment, "DATABASE_URL": url, "ENVIRONMENT": "development", "DEMO_HOUSEHOLDS": str(households)}
    subprocess.run([sys.executable, "-m", "console", "seed-demo"], env=env, check=True, stdout=subprocess.DEVNULL)


_IN_SCOPE = "(CAST(:scope AS text) IS NULL OR region_code = :scope OR region_code LIKE :scope || '.%')"


def sample(url: str) -> dict[str, dict[str, list[Any]]]:
    """Per account: household ids, members' NIKs and villages with a roster, inside its region, for the look-ups.

    The demo's region codes are dotted digits, so LIKE's wildcards cannot occur in them.
    """
    engine = create_engine(url)
    samples: dict[str, dict[str, list[Any]]] = {}
    try:
        with engine.connect() as connection:
            for username, scope in connection.execute(text("SELECT username, scope_region_code FROM user_account")):
                households = connection.scalars(
                    text(f"SELECT id FROM household WHERE {_IN_SCOPE} ORDER BY id LIMIT {SAMPLE_HOUSEHOLDS}"),
                    {"scope": scope},
                ).all()
                niks = connection.scalars(
                    text(f"SELECT nik FROM member WHERE {_IN_SCOPE} ORDER BY id LIMIT {SAMPLE_NIKS}"), {"scope": scope}
                ).all()
                villages = connection.scalars(  # villages with a roster to export (registered households)
                    text(
                        f"SELECT DISTINCT region_code FROM household WHERE {_IN_SCOPE} AND dtks_status = 'terdaftar' "
                        "ORDER BY region_code LIMIT 20"
                    ),
                    {"scope": scope},
                ).all()
                samples[username] = {"households": list(households), "niks": list(niks), "villages": list(villages)}
    finally:
        engine.dispose()
    return samples


def base_environment() -> dict[str, str]:
    """This process's environment without the console's own keys, so a developer's shell cannot steer the run."""
    keys = {"DATABASE_URL", "MIGRATION_DATABASE_URL", "ENVIRONMENT", "SECRET_KEY", "ALLOWED_HOSTS", "SQL_ECHO"}
    return {key: value for key, value in os.environ.items() if key not in keys}
