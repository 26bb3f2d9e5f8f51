"""Migration b2d4f6a8c0e1 (the pendamping PKH and the ground check): it keeps every visit (no table rebuilt), lets
the database hold a pendamping scoped to a kecamatan and nothing else, and goes back down only once no pendamping
is left, changing nothing when it refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from alembic import command
from console.database import make_engine
from console.settings import Settings
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, next_no_kk

BEFORE, REVISION = "a8c0e2f4b6d9", "b2d4f6a8c0e1"
AlembicConfigFor = Callable[[str], Config]
KECAMATAN = kecamatan_of(DEFAULT_VILLAGE)
REGIONS = [("52", 1, None), ("52.72", 2, "52"), (KECAMATAN, 3, "52.72"), (DEFAULT_VILLAGE, 4, KECAMATAN)]


@pytest.fixture
def before(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, settings: Settings
) -> Iterator[tuple[Engine, Config]]:
    """A database at the revision before with a region chain and one household's verval visit."""
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(settings.model_copy(update={"database_url": empty_database_url}))
    with engine.begin() as connection:
        for code, level, parent in REGIONS:
            connection.execute(
                text("INSERT INTO region (code, name, level, parent_code) VALUES (:code, :code, :level, :parent)"),
                {"code": code, "level": level, "parent": parent},
            )
        household = connection.execute(
            text(
                "INSERT INTO household (no_kk, region_code, regency_code, address, rt, rw, dtks_status, notes,"
                " created_at, updated_at) VALUES (:kk, :village, '52.72', 'Jl. Uji', '', '', 'belum_terdaftar', '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"kk": next_no_kk(KECAMATAN), "village": DEFAULT_VILLAGE},
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO visit (household_id, region_code, regency_code, enumerator_name, visited_on, assets,"
                " livestock, programme_cards, notes, result, created_at, updated_at) VALUES (:household, :village,"
                " '52.72', 'Pendata Uji', '2026-09-01', '[]', '{}', '[]', 'lantai tanah', 'menunggu',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"household": household, "village": DEFAULT_VILLAGE},
        )
    yield engine, config
    engine.dispose()


def _add_user(engine: Engine, username: str, role: str, scope: str | None) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_account (username, full_name, password_hash, role, scope_region_code, is_active,"
                " created_at, updated_at) VALUES (:username, :username, 'x', :role, :scope, true,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"username": username, "role": role, "scope": scope},
        )


def _visits(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT enumerator_name, notes FROM visit"))]


def test_the_upgrade_keeps_the_visits_and_the_database_holds_the_new_role_to_its_tier(
    before: tuple[Engine, Config],
) -> None:
    engine, config = before
    with pytest.raises(DBAPIError):
        _add_user(engine, "pendamping_terlalu_awal", "pendamping_pkh", KECAMATAN)

    command.upgrade(config, REVISION)

    assert _visits(engine) == [("Pendata Uji", "lantai tanah")]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM visit")).scalar_one() == "verval"
    _add_user(engine, "pendamping_kecamatan", "pendamping_pkh", KECAMATAN)
    for scope in (DEFAULT_VILLAGE, "52.72", None):
        with pytest.raises(DBAPIError):
            _add_user(engine, f"pendamping_{scope}", "pendamping_pkh", scope)
    with engine.begin() as connection, pytest.raises(DBAPIError):
        connection.execute(text("UPDATE visit SET children_out_of_school = 31"))


def test_the_downgrade_waits_until_no_pendamping_is_left_and_then_keeps_the_visits(
    before: tuple[Engine, Config],
) -> None:
    engine, config = before
    command.upgrade(config, REVISION)
    _add_user(engine, "pendamping_kecamatan", "pendamping_pkh", KECAMATAN)
    engine.dispose()  # SQLite: the migration's connection must see no other open one

    with pytest.raises(RuntimeError, match="masih berperan pendamping_pkh"):
        command.downgrade(config, BEFORE)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pendamping_village")).scalar_one() == 0
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM user_account WHERE role = 'pendamping_pkh'"))
    engine.dispose()

    command.downgrade(config, BEFORE)

    assert _visits(engine) == [("Pendata Uji", "lantai tanah")]
    with pytest.raises(DBAPIError):
        _add_user(engine, "pendamping_sesudah", "pendamping_pkh", KECAMATAN)
    command.upgrade(config, "head")
    assert _visits(engine) == [("Pendata Uji", "lantai tanah")]
