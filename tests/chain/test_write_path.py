"""The write path sits on the session factory, in its stated order, and nowhere else (chain/write_path.py).

No module of the project may add a hook to the `Session` class (importing it would change every session of
the process, a migration's included); a session from `make_session_factory` is guarded and audited.
"""

from __future__ import annotations

import gc
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from chain.acting import ActingContext, serving
from chain.write_path import EVENTS, EXPECTED, WRITE_PATH, attached_hooks, has_write_path, install_write_path
from console.database import make_session_factory
from models import AuditAction, AuditEntry, Household
from models.text import TextRefused
from policies.scope import OutOfScope, Scope, act_within
from tests.factories import DEFAULT_VILLAGE, make_household

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("chain", "console", "database", "models", "policies", "reports")

# A fresh interpreter imports every module of the project, then counts the hooks a plain Session carries
# for every session event SQLAlchemy has (not only the write path's: no module may add any).
_PROBE = """
import importlib, pkgutil
from sqlalchemy.orm import Session, SessionEvents
names = []
for package in {packages!r}:
    root = importlib.import_module(package)
    names.append(package)
    names += [m.name for m in pkgutil.walk_packages(root.__path__, package + ".") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
session = Session()
events = [name for name in dir(SessionEvents) if not name.startswith("_") and hasattr(session.dispatch, name)]
hooked = {{name: len(getattr(session.dispatch, name)) for name in events}}
print(len(names), len(events), sorted(name for name, count in hooked.items() if count))
"""


def test_importing_every_module_of_the_project_adds_no_hook_to_the_session_class() -> None:
    probe = _PROBE.format(packages=PROJECT_PACKAGES)
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    modules, events, hooked = done.stdout.split(maxsplit=2)
    assert int(modules) > 100 and int(events) >= 15  # the probe really imported the project and saw the events
    assert hooked.strip() == "[]"


def test_the_factory_carries_every_hook_in_the_stated_order(engine: Engine) -> None:
    factory = make_session_factory(engine)

    with factory() as session:
        attached = {name: list(getattr(session.dispatch, name)) for name in EVENTS}

    assert attached == {name: [hook for event, hook in WRITE_PATH if event == name] for name in EVENTS}
    assert has_write_path(factory)


def test_installing_the_write_path_twice_attaches_nothing_twice(engine: Engine) -> None:
    factory = make_session_factory(engine)

    assert install_write_path(factory) is factory
    with factory() as session:
        assert attached_hooks(session) == EXPECTED
        assert sum(len(getattr(session.dispatch, name)) for name in EVENTS) == len(WRITE_PATH)


def test_every_new_factory_is_guarded_although_earlier_ones_were_collected(engine: Engine) -> None:
    """SQLAlchemy keys listeners by the id() of a factory's class: a new class at a freed address looked hooked."""
    unguarded = 0
    for round_number in range(200):
        if not has_write_path(make_session_factory(engine)):
            unguarded += 1
        if round_number % 20 == 0:
            gc.collect()  # frees the dropped factories' classes, whose addresses the next ones reuse

    assert unguarded == 0


def test_a_session_built_by_hand_or_by_another_factory_has_no_write_path(engine: Engine) -> None:
    with Session(engine) as bare, sessionmaker(bind=engine)() as other:
        assert all(len(getattr(session.dispatch, name)) == 0 for session in (bare, other) for name in EVENTS)
    assert not has_write_path(sessionmaker(bind=engine))


def _out_of_scope(session: Session) -> None:
    act_within(Scope("52.72.02"))  # the household is placed in 52.72.01
    make_household(session, region_code=DEFAULT_VILLAGE)


def _unstorable_text(session: Session) -> None:
    make_household(session, region_code=DEFAULT_VILLAGE, address="Jl. Soekarno\x00Hatta")


@pytest.mark.parametrize(
    ("write", "refusal"),
    [(_out_of_scope, OutOfScope), (_unstorable_text, TextRefused)],
    ids=["out-of-scope-region", "a-nul-byte-in-text"],
)
def test_a_session_from_the_factory_refuses_a_guarded_write_and_stores_nothing(
    db_session: Session, write: Callable[[Session], None], refusal: type[Exception], count_rows: Any
) -> None:
    with serving(ActingContext(request_id="uji-jalur-tulis", client_ip="10.0.0.9")):
        try:
            with pytest.raises(refusal):
                write(db_session)
        finally:
            act_within(None)
            db_session.rollback()

    assert count_rows("household") == 0


def test_a_session_from_the_factory_writes_the_audit_row_of_its_change(db_session: Session) -> None:
    with serving(ActingContext(request_id="uji-jejak", client_ip="10.0.0.9")):
        household = make_household(db_session, region_code=DEFAULT_VILLAGE)
        db_session.commit()

    trail = db_session.scalars(select(AuditEntry).where(AuditEntry.object_type == Household.__tablename__)).all()
    assert [(entry.action, entry.object_id, entry.request_id) for entry in trail] == [
        (AuditAction.CREATE, str(household.id), "uji-jejak")
    ]


def test_no_project_module_builds_a_session_past_the_factory() -> None:
    """A `Session(...)` or `sessionmaker(...)` written by hand would write with no guards and no trail."""
    project = Path(__file__).resolve().parents[2]
    hand_built = re.compile(r"(?<![\w.])(Session|sessionmaker)\(")
    found = [
        f"{path.relative_to(project)}:{number}"
        for folder in ("chain", "console", "database", "models", "policies", "reports", "bench", "alembic")
        for path in sorted((project / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if hand_built.search(line.split("#", 1)[0]) and "`" not in line
    ]
    assert [place.split(":")[0] for place in found] == ["console/database.py"], found  # its one sessionmaker
