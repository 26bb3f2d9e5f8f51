"""`dtks export`: the CLI writes the same roster and recap the console downloads, and audits it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
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


def test_cli_writes_the_roster_of_a_region_and_audits_it(cli_env: None, db_session: Session, tmp_path: Path) -> None:
    registered(db_session)
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    assert main(["export", "roster", "--region", "52.72", "--period", "2026-01", "--out", str(tmp_path)]) == 0
    sheet = open_sheet(tmp_path / "DTKS_52.72_2026-01.xlsx")
    assert len(data_rows(sheet, header_row(sheet), 22)) == 3
    assert_safe(sheet)
    [audit] = export_audits(db_session)
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


def export_audits(session: Session) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT).order_by(AuditEntry.id))
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "52.99"], "Wilayah 52.99 tidak ada di tabel wilayah"),
        (
            ["--region", "52.72", "--period", "2025-10"],
            "tidak ada keluarga terdaftar DTKS di wilayah 52.72 (Kota Bima)",
        ),
        (["--region", "52.72.01.1002"], "tidak ada keluarga terdaftar DTKS di wilayah 52.72.01.1002"),
    ],
    ids=["unknown-region", "period-with-no-data", "region-with-no-data"],
)
def test_cli_refuses_an_unknown_region_or_an_empty_roster_and_leaves_no_file(
    cli_env: None,
    db_session: Session,
    tmp_path: Path,
    private_temp_dir: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    registered(db_session)  # 2026-01, in 52.72.01.1001
    db_session.commit()
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export", "roster", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(out.iterdir()) == [] and list(private_temp_dir.iterdir()) == []
    assert export_audits(db_session) == []


def test_cli_refuses_a_folder_that_does_not_exist_before_reading_anything(
    cli_env: None, db_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registered(db_session)
    db_session.commit()
    missing = tmp_path / "belum" / "ada"
    assert main(["export", "roster", "--region", "52.72", "--out", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"Folder tujuan {missing} tidak ada" in err and "Traceback" not in err
    assert not missing.exists() and not missing.parent.exists()
    assert export_audits(db_session) == []


def test_cli_recap_follows_the_region_and_period_asked(
    cli_env: None, db_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registered(db_session)  # 52.72.01, registered for 2026-01
    registered(db_session, region_code="52.72.02.1004", period="2026-04")
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    assert main(["export", "recap", "--region", "52.72", "--period", "2026-01", "--out", str(tmp_path)]) == 0
    [written] = tmp_path.iterdir()
    assert written.name == "Rekap_DTKS_52.72_periode-2026-01.xlsx"
    sheet = open_sheet(written, "Rekap")
    rows = data_rows(sheet, header_row(sheet, "KODE WILAYAH"), 3)
    assert [row[0] for row in rows] == ["52.72.01"]  # 52.72.02's household registered only in April
    assert "Ditulis:" in capsys.readouterr().out
    assert [audit.after["rows"] for audit in export_audits(db_session)] == [1]


def test_cli_roster_past_the_sheet_limit_writes_every_row_and_audits_them(
    cli_env: None,
    db_session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in range(4):
        registered(db_session)  # 12 members
    db_session.commit()
    monkeypatch.setattr("reports.xlsx.SHEET_ROWS", 9)  # kop and header take 5 rows: 4 members a sheet
    assert main(["export", "roster", "--region", "52.72", "--period", "2026-01", "--out", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / "DTKS_52.72_2026-01.xlsx")
    # The printable sheets first (the same rows, reports/bnba_export.py), then the BNBA sheets read here.
    assert book.sheetnames == ["Daftar", "Daftar (2)", "Daftar (3)", "BNBA", "BNBA (2)", "BNBA (3)"]
    numbers = [row[0] for sheet in book.worksheets[3:] for row in data_rows(sheet, header_row(sheet), 22)]
    assert numbers == list(range(1, 13))
    assert "(12 baris dalam 3 lembar)" in capsys.readouterr().out
    [audit] = export_audits(db_session)
    assert (audit.after["rows"], audit.after["sheets"]) == (12, 3)
    assert audit.message.endswith("12 baris dalam 3 lembar")
