"""`python -m console upgrade` keeps what an administrator edited and adds only what the release brings new.

Issue 14: a bare `alembic upgrade head` or `sync-policies` put back rules an administrator had removed, and a
downgrade and upgrade reset edited step targets. Here a database at the revision before head, with step targets
edited, an access rule removed and an office profile filled in, is upgraded by the command: the edits stay, the
removed rule stays removed, what the command did is printed, and a second run has nothing to do. A seed item the
database was never offered (a rule or step target of a newer release) is added once, and not again once removed.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, make_url, text

from alembic import command
from console.cli import main
from console.database import make_session_factory
from database.engine import make_engine
from database.seed_sync import STEP_TARGET_SEED, StepTargetSeed, sync_seed
from policies.rules import read_seed

AlembicConfigFor = Callable[[str], Config]
REMOVED_RULE = ("operator_provinsi", "office-profile", "list")
EDITED_TARGETS = {"agreed": (9, "SK Kepala Dinas Sosial 2026"), "received": (20, "Kesepakatan dengan Pusdatin")}
NEW_RULE = ("kepala_dinas", "seed-record", "list")  # a rule no release shipped yet: what a newer one would bring


def _head_and_previous(config: Config) -> tuple[str, str]:
    head = ScriptDirectory.from_config(config).get_revision("head")
    assert head is not None and isinstance(head.down_revision, str)
    return head.revision, head.down_revision


def _edit_as_admin(engine: Engine) -> None:
    """What an administrator does in the console: step targets edited, a rule removed, an office profile kept."""
    with engine.begin() as connection:
        for status, (days, basis) in EDITED_TARGETS.items():
            connection.execute(
                text("UPDATE step_target SET working_days = :days, basis = :basis WHERE status = :status"),
                {"days": days, "basis": basis, "status": status},
            )
        connection.execute(
            text("DELETE FROM policy_rule WHERE subject = :s AND resource = :r AND action = :a"),
            dict(zip("sra", REMOVED_RULE, strict=True)),
        )
        connection.execute(
            text(
                "INSERT INTO office_profile (region_code, government_name, office_name, address, phone, email, website,"
                " city, updated_at) VALUES ('52.72', 'PEMERINTAH KOTA BIMA', 'DINAS SOSIAL', 'Jl. Soekarno-Hatta 1',"
                " '(0374) 43210', 'dinsos@bimakota.go.id', 'dinsos.bimakota.go.id', 'Bima', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO office_signer (region_code, duty, name, title, rank, nip) VALUES ('52.72', 'kepala_dinas',"
                " 'Drs. H. Abdul Haris', 'Kepala Dinas Sosial Kota Bima', 'Pembina (IV/a)', NULL)"
            )
        )


def _state(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        return {
            "targets": {
                status: (days, basis)
                for status, days, basis in connection.execute(
                    text("SELECT status, working_days, basis FROM step_target")
                )
            },
            "rules": {
                tuple(row) for row in connection.execute(text("SELECT subject, resource, action FROM policy_rule"))
            },
            "offices": [tuple(row) for row in connection.execute(text("SELECT * FROM office_profile"))],
            "signers": [tuple(row) for row in connection.execute(text("SELECT * FROM office_signer"))],
        }


@pytest.fixture
def upgrade(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[[], str]:
    """Runs `python -m console upgrade` on the test database (as an operator would: settings from the environment)."""
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.delenv("MIGRATION_DATABASE_URL", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "u" * 48)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))

    def run() -> str:
        capsys.readouterr()
        assert main(["upgrade"]) == 0
        return capsys.readouterr().out

    return run


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def test_upgrade_from_the_previous_revision_keeps_what_the_administrator_edited(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, engine: Engine, upgrade: Callable[[], str]
) -> None:
    config = alembic_config_for(empty_database_url)
    head, previous = _head_and_previous(config)
    command.upgrade(config, previous)
    _edit_as_admin(engine)
    edited = _state(engine)

    output = upgrade()

    assert _state(engine) == edited  # nothing put back, nothing reset, no office touched
    assert EDITED_TARGETS.items() <= edited["targets"].items() and REMOVED_RULE not in edited["rules"]
    lines = output.splitlines()
    assert lines[0] == f"Revisi basis data: {previous} -> {head}"
    assert "Migrasi dijalankan: 1" in lines and any(line.startswith(f"  {head}  ") for line in lines)
    assert "Aturan akses baru ditambahkan: 0" in lines
    removed = lines.index("Aturan akses bawaan yang sudah dihapus admin, tidak ditambahkan kembali: 1")
    assert lines[removed + 1] == "  " + ", ".join(REMOVED_RULE)
    assert "Target langkah ditambahkan: 0 (dipertahankan: 2 diubah admin)" in lines

    again = upgrade()

    assert again.splitlines() == [
        f"Tidak ada yang perlu dilakukan: basis data sudah pada revisi {head} dan data bawaan sudah sinkron."
    ]
    assert _state(engine) == edited


def test_upgrade_adds_seed_items_the_database_was_never_offered_and_says_which(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, engine: Engine, upgrade: Callable[[], str]
) -> None:
    command.upgrade(alembic_config_for(empty_database_url), "head")
    rule = read_seed()[0]
    with engine.begin() as connection:  # as at a database of a release whose seed lacked that rule and step
        connection.execute(
            text("DELETE FROM policy_rule WHERE subject = :s AND resource = :r AND action = :a"),
            dict(zip("sra", rule, strict=True)),
        )
        connection.execute(text("DELETE FROM step_target WHERE status = 'received'"))
        connection.execute(
            text("DELETE FROM seed_record WHERE (kind = 'policy_rule' AND key = :rule) OR key = 'received'"),
            {"rule": ",".join(rule)},
        )

    output = upgrade()

    lines = output.splitlines()
    assert "Migrasi dijalankan: 0" in lines
    added = lines.index("Aturan akses baru ditambahkan: 1")
    assert lines[added + 1] == "  " + ", ".join(rule)
    assert "Target langkah ditambahkan: 1 (dipertahankan: 0 diubah admin)" in lines and "  received" in lines
    state = _state(engine)
    assert rule in state["rules"] and state["targets"]["received"] == (15, "asumsi: penetapan pada triwulan berikutnya")
    assert upgrade().startswith("Tidak ada yang perlu dilakukan")


def test_a_new_seed_rule_is_added_once_and_stays_removed_when_the_administrator_removes_it(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, engine: Engine
) -> None:
    command.upgrade(alembic_config_for(empty_database_url), "head")
    newer_seed = [*read_seed(), NEW_RULE]
    newer_targets = (*STEP_TARGET_SEED, StepTargetSeed("rejected_ministry", 5, "rilis berikutnya"))
    sessions = make_session_factory(engine)

    with sessions() as session:
        first = sync_seed(session, newer_seed, newer_targets)
        session.commit()
    with engine.begin() as connection:  # the administrator removes the new rule and the new step target
        connection.execute(text("DELETE FROM policy_rule WHERE resource = 'seed-record'"))
        connection.execute(text("DELETE FROM step_target WHERE status = 'rejected_ministry'"))
    with sessions() as session:
        second = sync_seed(session, newer_seed, newer_targets)
        session.commit()

    assert (first.rules_added, first.targets_added, first.recorded) == ([NEW_RULE], ["rejected_ministry"], 2)
    assert (second.rules_added, second.targets_added, second.changed) == ([], [], False)
    assert (second.rules_left_out, second.targets_left_out) == ([NEW_RULE], ["rejected_ministry"])
    assert NEW_RULE not in _state(engine)["rules"]


def test_down_one_step_and_up_again_keeps_edited_step_targets_and_removed_rules(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, engine: Engine, upgrade: Callable[[], str]
) -> None:
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, "head")
    _edit_as_admin(engine)
    edited = _state(engine)

    command.downgrade(config, "-1")
    command.upgrade(config, "head")
    output = upgrade()

    assert _state(engine) == edited
    assert output.startswith("Tidak ada yang perlu dilakukan")  # the record came back with the frozen seed


def test_upgrade_of_an_empty_database_builds_it_and_seeds_it(
    empty_database_url: str, alembic_config_for: AlembicConfigFor, engine: Engine, upgrade: Callable[[], str]
) -> None:
    revisions = list(ScriptDirectory.from_config(alembic_config_for(empty_database_url)).walk_revisions())

    output = upgrade()

    assert output.splitlines()[:2] == [
        f"Revisi basis data: (kosong) -> {revisions[0].revision}",
        f"Migrasi dijalankan: {len(revisions)}",
    ]
    listed = [match[1] for match in re.finditer(r"^  ([0-9a-f]{12})  ", output, re.M)]
    assert listed == [script.revision for script in reversed(revisions)]  # in the order they ran
    state = _state(engine)
    assert state["rules"] == set(read_seed())
    assert state["targets"] == {t.status: (t.working_days, t.basis) for t in STEP_TARGET_SEED}
    assert upgrade().startswith("Tidak ada yang perlu dilakukan")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").strip(), reason="PostgreSQL roles: TEST_DATABASE_URL")
def test_upgrade_runs_as_the_owner_and_grants_the_app_role_read_only_on_the_seed_record(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server = make_url(os.environ["TEST_DATABASE_URL"].strip()).set(drivername="postgresql+psycopg")
    suffix = secrets.token_hex(5)
    owner, app, database = f"dtks_owner_{suffix}", f"dtks_app_{suffix}", f"dtks_test_{suffix}"
    superuser = create_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    url = {
        role: server.set(username=role, database=database).render_as_string(hide_password=False)
        for role in (owner, app)
    }
    try:
        with superuser.connect() as connection:
            for statement in (
                f"CREATE ROLE {owner} LOGIN",
                f"CREATE ROLE {app} LOGIN",
                f"CREATE DATABASE {database} OWNER {owner}",
            ):
                connection.execute(text(statement))
        inside = create_engine(
            server.set(database=database).render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
        with inside.connect() as connection:
            for statement in (
                f"ALTER SCHEMA public OWNER TO {owner}",
                "REVOKE ALL ON SCHEMA public FROM PUBLIC",
                f"GRANT USAGE ON SCHEMA public TO {app}",
            ):
                connection.execute(text(statement))
        monkeypatch.setenv("DATABASE_URL", url[app])
        monkeypatch.setenv("MIGRATION_DATABASE_URL", url[owner])
        monkeypatch.setenv("ENVIRONMENT", "test")
        monkeypatch.setenv("SECRET_KEY", "u" * 48)
        monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))

        assert main(["upgrade"]) == 0

        assert f"Hak akses peran aplikasi {app} diperbarui." in capsys.readouterr().out.splitlines()
        with inside.connect() as connection:
            granted = (
                connection.execute(
                    text(
                        "SELECT privilege_type FROM information_schema.role_table_grants"
                        " WHERE grantee = :role AND table_name = 'seed_record'"
                    ),
                    {"role": app},
                )
                .scalars()
                .all()
            )
            owner_of = connection.execute(
                text("SELECT tableowner FROM pg_tables WHERE tablename = 'seed_record'")
            ).scalar_one()
        inside.dispose()
        assert (granted, owner_of) == (["SELECT"], owner)
        assert main(["upgrade"]) == 0
        assert capsys.readouterr().out.startswith("Tidak ada yang perlu dilakukan")
    finally:
        with superuser.connect() as connection:
            for statement in (
                f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                f'DROP ROLE IF EXISTS "{app}"',
                f'DROP ROLE IF EXISTS "{owner}"',
            ):
                connection.execute(text(statement))
        superuser.dispose()
