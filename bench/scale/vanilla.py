"""The baseline: vanilla sqladmin, a plain `ModelView` over a household table of the project's shape.

No scope, no login, no audit, no count strategy: what sqladmin gives out of the box, with the columns, the
page size (25) and the default sort (newest first) of the console's household list, the head's name searchable
(sqladmin's own search: `CAST(column AS VARCHAR) ILIKE '%term%'`) and sortable. The table has the project's
columns and single-column indexes; its rows are the same kind of rows (the same head names, bench/scale/register.py)
without the members. Served by `uvicorn --factory bench.scale.vanilla:create_app` with VANILLA_DATABASE_URL set.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from sqladmin import Admin, ModelView
from sqlalchemy import DateTime, SmallInteger, String, Text, create_engine, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette

from bench.scale.register import NAMES, head_name_sql, pick
from database.settings import with_psycopg

URL_VARIABLE = "VANILLA_DATABASE_URL"
MOST_ROWS = 1_000_000  # the baseline's size, whatever the project's register holds (issue 11)


class VanillaBase(DeclarativeBase):
    """The baseline's own metadata (nothing of the project's models)."""


class Household(VanillaBase):
    """A household row as a developer would declare it for sqladmin."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    no_kk: Mapped[str] = mapped_column(String(16), unique=True)
    region_code: Mapped[str] = mapped_column(String(13), index=True)
    address: Mapped[str] = mapped_column(String(200))
    rt: Mapped[str] = mapped_column(String(3))
    rw: Mapped[str] = mapped_column(String(3))
    dtks_status: Mapped[str] = mapped_column(String(15), index=True)
    desil: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    period: Mapped[str | None] = mapped_column(String(7))
    notes: Mapped[str] = mapped_column(Text)
    head_name: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __str__(self) -> str:
        return f"KK {self.no_kk}"


class HouseholdAdmin(ModelView, model=Household):
    """The list as the console shows it: same columns, page size and default sort; nothing else configured."""

    column_list = [
        Household.no_kk,
        Household.head_name,
        Household.region_code,
        Household.address,
        Household.dtks_status,
        Household.desil,
        Household.period,
    ]
    column_searchable_list = [Household.head_name]
    column_sortable_list = [Household.id, Household.no_kk, Household.head_name, Household.desil]
    column_default_sort = [(Household.id, True)]
    page_size = 25


def create_app() -> Starlette:
    """The baseline's app (uvicorn --factory): sqladmin on a plain engine, no authentication."""
    app = Starlette()
    engine = create_engine(with_psycopg(os.environ[URL_VARIABLE]))
    admin = Admin(app, engine)
    admin.add_view(HouseholdAdmin)
    return app


_ROWS = f"""
INSERT INTO household (id, no_kk, region_code, address, rt, rw, dtks_status, desil, period, notes, head_name)
SELECT g, '52' || lpad(g::text, 14, '0'), '52.72.0' || (1 + g % 7) || '.' || (2001 + g % 40),
       'Jl. ' || {pick("street", "g * 7")} || ' No. ' || (g % 199 + 1),
       lpad((g % 12 + 1)::text, 3, '0'), lpad((g % 6 + 1)::text, 3, '0'),
       CASE WHEN g % 10 < 4 THEN 'terdaftar' ELSE 'belum_terdaftar' END,
       CASE WHEN g % 10 < 4 THEN (g / 10) % 10 + 1 END, CASE WHEN g % 10 < 4 THEN '2026-01' END,
       '', {head_name_sql("g")}
FROM generate_series(1::bigint, :rows) AS g
"""


def seed_vanilla(url: str, rows: int) -> float:
    """Create the baseline's table with `rows` households; returns the seconds it took."""
    started = time.perf_counter()
    engine = create_engine(with_psycopg(url))
    try:
        VanillaBase.metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(text(_ROWS), {**NAMES, "rows": rows})
            connection.execute(text("SELECT setval('household_id_seq', :rows)"), {"rows": rows})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) household"))
    finally:
        engine.dispose()
    return time.perf_counter() - started
