"""`dtks export`: the CLI writes the same roster and recap the console downloads, and audits it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.cli import main
from models import AuditAction, AuditEntry
from tests.reports.export_checks import (
    OTHER_REGENCY_VILLAGE,
    assert_safe,
    data_rows,
    header_row,
    open_sheet,
    registered,
)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, regions: frozenset[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)


def test_cli_writes_the_roster_of_a_region_and_audits_it(cli_env: None, db_session: Session, tmp_path: Path) -> None:
    registered(db_session)
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    assert main(["export", "roster", "--region", "52.72", "--period", "2026-01", "--out", str(tmp_path)]) == 0
    sheet = open_sheet(tmp_path / "DTKS_52.72_2026-01.xlsx")
    assert len(data_rows(sheet, header_row(sheet), 22)) == 3
    assert_safe(sheet)
    audit = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT)).one()
    assert audit.actor_name == "sistem" and audit.after["rows"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--region", "52-72"], "Kode wilayah 52-72 tidak valid"), (["--period", "2026-02"], "bulan 01, 04, 07")],
    ids=["malformed-region", "not-a-quarter"],
)
def test_cli_refuses_a_malformed_region_or_period_and_writes_nothing(
    cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["export", "roster", *args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
