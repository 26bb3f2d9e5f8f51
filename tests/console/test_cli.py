"""The command line: create-user refuses what the console refuses, and stores an argon2id hash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.cli import main
from models import Role, User


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


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"ENVIRONMENT": "production", "SECRET_KEY": "changethis"}, "SECRET_KEY kosong atau masih contoh"),
        ({"ENVIRONMENT": "production", "SECRET_KEY": "pendek-sekali"}, "SECRET_KEY terlalu pendek"),
        ({"ENVIRONMENT": "produksi"}, "ENVIRONMENT:"),
        ({"PORT": "delapan-ribu"}, "PORT:"),
    ],
    ids=["placeholder-secret", "short-secret", "unknown-environment", "port-not-a-number"],
)
def test_invalid_settings_are_named_in_indonesian_without_a_traceback_or_their_values(
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environment: dict[str, str],
    message: str,
) -> None:
    for key, value in environment.items():
        monkeypatch.setenv(key, value)

    assert main(["sync-policies", "--dry-run"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("Pengaturan tidak valid") and message in err
    assert "Traceback" not in err and "changethis" not in err and "pendek-sekali" not in err


@pytest.mark.parametrize(
    ("command"),
    [["migrate"], ["sync-policies", "--dry-run"], ["export", "recap", "--region", "52.72"]],
    ids=["migrate", "sync-policies", "export"],
)
@pytest.mark.parametrize("database", ["directory-as-sqlite-file", "postgresql-nobody-listens-on"])
def test_a_database_that_cannot_be_used_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: list[str],
    database: str,
) -> None:
    url = f"sqlite:///{tmp_path}" if database.startswith("directory") else "postgresql://dtks:rahasia@127.0.0.1:9/dtks"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)

    assert main([*command, "--out", str(tmp_path)] if command[0] == "export" else command) == 1

    err = capsys.readouterr().err
    assert err.startswith("Basis data ") and "tidak dapat dipakai: " in err
    assert err.count("\n") == 1 and "rahasia" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_role_is_refused_by_the_argument_parser(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_session: Session
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _create_user(monkeypatch, "sawah-hijau-di-bima", "--username", "x", "--full-name", "X", "--role", "lurah")

    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "peran 'lurah' tidak dikenal; pilih salah satu: operator_desa" in err and "Traceback" not in err
    assert db_session.scalar(select(User).where(User.username == "x")) is None
