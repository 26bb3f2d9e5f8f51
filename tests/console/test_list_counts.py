"""A list's count (database/counting.py through DtksModelView.count): exact for a small list on both engines; past
10,000 rows PostgreSQL's planner estimate, said as "sekitar", while SQLite still counts exactly; paging still works."""

from __future__ import annotations

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from console.views.base import EstimatedCount
from models import Household
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, make_household, next_no_kk

MANY = 10_050


def test_a_small_list_says_its_exact_count(admin_client: ConsoleClient, db_session: Session) -> None:
    for _ in range(3):
        make_household(db_session, members=0)
    db_session.commit()
    assert "Menampilkan 1 sampai 3 dari 3 data" in admin_client.get("/admin/household/list").text


def test_a_large_list_is_estimated_on_postgresql_and_counted_on_sqlite(
    admin_client: ConsoleClient, db_session: Session
) -> None:
    kecamatan = kecamatan_of(DEFAULT_VILLAGE)
    rows = [{"no_kk": next_no_kk(kecamatan), "region_code": DEFAULT_VILLAGE, "address": "Jl. Uji"} for _ in range(MANY)]
    db_session.execute(insert(Household), rows)
    db_session.commit()
    postgresql = db_session.get_bind().dialect.name == "postgresql"
    if postgresql:
        db_session.execute(text("ANALYZE household"))
        db_session.commit()

    page = admin_client.get("/admin/household/list").text
    last = admin_client.get(f"/admin/household/list?page={MANY // 25 + 1}")  # the last page

    if postgresql:
        assert "Menampilkan 1 sampai 25 dari sekitar " in page
    else:
        assert f"Menampilkan 1 sampai 25 dari {MANY} data" in page
    assert last.status_code == 200


def test_an_estimate_reads_as_one_in_indonesian() -> None:
    assert str(EstimatedCount(1234567)) == "sekitar 1.234.567"
    assert EstimatedCount(1234567) + 1 == 1234568  # it pages like the number it is
