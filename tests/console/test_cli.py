"""The command line: create-user refuses what the console refuses, and stores an argon2id hash."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.cli import main
from models import Role, User


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, regions: frozenset[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)


def _create_user(monkeypatch: pytest.MonkeyPatch, password: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["create-user", "--password-stdin", *args])


def test_create_user_stores_a_district_operator_with_an_argon2id_hash(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, db_session: Session
) -> None:
    code = _create_user(
        monkeypatch,
        "sawah-hijau-di-bima",
        "--username",
        "dinsos_bima",
        "--full-name",
        "Operator Dinsos Bima",
        "--role",
        "operator_dinsos",
        "--region",
        "52.72",
    )

    assert code == 0
    user = db_session.scalar(select(User).where(User.username == "dinsos_bima"))
    assert user is not None
    assert user.role == Role.OPERATOR_DINSOS
    assert user.scope_region_code == "52.72"
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("sawah-hijau-di-bima")


@pytest.mark.parametrize(
    ("password", "args", "message"),
    [
        ("sawah-hijau-di-bima", ["--role", "operator_desa", "--region", "52.72"], "Desa/Kelurahan"),
        ("sawah-hijau-di-bima", ["--role", "admin", "--region", "52.72"], "kosongkan"),
        ("pendek", ["--role", "operator_dinsos", "--region", "52.72"], "minimal 10"),
        ("sawah-hijau-di-bima", ["--role", "operator_dinsos", "--region", "99.99"], "tidak ditemukan"),
    ],
    ids=["village-role-on-a-regency", "national-role-with-a-region", "short-password", "unknown-region"],
)
def test_create_user_refuses_with_an_indonesian_reason_and_stores_nothing(
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db_session: Session,
    password: str,
    args: list[str],
    message: str,
) -> None:
    code = _create_user(monkeypatch, password, "--username", "ditolak", "--full-name", "Ditolak", *args)

    assert code == 2
    assert message in capsys.readouterr().err
    assert db_session.scalar(select(User).where(User.username == "ditolak")) is None


def test_sync_policies_adds_the_seed_rules_an_older_database_lacks_and_keeps_the_rest(
    cli_env: None, capsys: pytest.CaptureFixture[str], db_session: Session
) -> None:
    from models.policy import PolicyRule
    from policies.rules import read_seed

    dropped = db_session.scalars(
        select(PolicyRule).where(PolicyRule.subject == "operator_dinsos", PolicyRule.resource == "bnba")
    ).all()
    assert dropped
    for rule in dropped:
        db_session.delete(rule)
    db_session.add(PolicyRule(subject="operator_dinsos", resource="complaint", action="custom_local_rule"))
    db_session.commit()

    assert main(["sync-policies", "--dry-run"]) == 0
    assert f"Akan ditambahkan: {len(dropped)} aturan" in capsys.readouterr().out
    assert db_session.scalar(select(func.count()).select_from(PolicyRule)) == len(set(read_seed())) - len(dropped) + 1

    assert main(["sync-policies"]) == 0
    assert f"Ditambahkan: {len(dropped)} aturan" in capsys.readouterr().out
    db_session.expire_all()
    held = {
        tuple(row) for row in db_session.execute(select(PolicyRule.subject, PolicyRule.resource, PolicyRule.action))
    }
    assert set(read_seed()) <= held
    assert ("operator_dinsos", "complaint", "custom_local_rule") in held

    assert main(["sync-policies"]) == 0
    assert "Ditambahkan: 0 aturan" in capsys.readouterr().out
