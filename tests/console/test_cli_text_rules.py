"""create-user applies the console's text rules to what is typed on the command line: a message and exit 2."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.cli import main
from models import User


@pytest.mark.parametrize(
    ("username", "full_name", "message"),
    [
        ("dinsos_bima", "Operator\x1b[2J Dinsos", "Nama lengkap: Berisi karakter kontrol (U+001B)"),
        ("dinsos_bima", "Operator \u202esniD", "Nama lengkap: Berisi karakter pengatur arah teks"),
        ("d" * 61, "Operator Dinsos", "Nama pengguna: Paling banyak 60 karakter; terisi 61."),
    ],
    ids=["escape-sequence-in-full-name", "rlo-in-full-name", "username-of-61"],
)
def test_create_user_refuses_text_the_columns_cannot_hold_and_creates_nobody(
    username: str,
    full_name: str,
    message: str,
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db_session: Session,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("sawah-hijau-di-bima\n"))
    args = ["--username", username, "--full-name", full_name, "--role", "operator_dinsos", "--region", "52.72"]

    code = main(["create-user", "--password-stdin", *args])

    assert code == 2
    assert message in capsys.readouterr().err
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
