"""`dtks import-bnba`: the page's import from the command line, as a named user: the preview writes nothing,
--confirm writes all or nothing audited as that user, refusals exit 2 with one JSON object, and the same
sheet twice is skipped."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from chain.acting import current_context
from console.cli import main
from models import AuditAction, AuditEntry, Household, Member, PolicyRule, Proposal, Role, User
from policies.scope import acting_scope
from tests.factories import DEFAULT_VILLAGE, make_user
from tests.reports.bnba_sheets import family, sheet_bytes

TABLES = ("household", "member", "proposal", "proposal_history", "audit_entry")
IMPORTED_TYPES = ("household", "member", "proposal", "proposal_history")
KEYS = {"households", "members", "proposals", "skipped_households", "errors"}


def _write(folder: Path, rows: list[dict[str, Any]], name: str = "bnba.xlsx", **options: Any) -> Path:
    path = folder / name
    path.write_bytes(sheet_bytes(rows, **options))
    return path


@dataclass
class ImportRun:
    """`dtks import-bnba` as the tests drive it: sheets written to the test's folder, the output read back."""

    folder: Path
    capsys: pytest.CaptureFixture[str]
    count_rows: Callable[[str], int]

    def sheet(self, rows: list[dict[str, Any]], **options: Any) -> Path:
        return _write(self.folder, rows, **options)

    def json(self, *args: str) -> tuple[int, dict[str, Any]]:
        """The exit code and the one JSON object printed (always with the same keys)."""
        code = main(["import-bnba", *args, "--json"])
        out = self.capsys.readouterr().out
        assert out.count("\n") == 1, out  # exactly one JSON object, on one line
        result = json.loads(out)
        assert set(result) == KEYS
        return code, result

    def output(self) -> tuple[str, str]:
        """What was printed since the last look: (stdout, stderr)."""
        out, err = self.capsys.readouterr()
        return out, err

    def snapshot(self) -> dict[str, int]:
        return {table: self.count_rows(table) for table in TABLES}


@pytest.fixture
def cli(
    cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], count_rows: Callable[[str], int]
) -> ImportRun:
    """The CLI on the test database, writing its sheets to the test's tmp_path."""
    return ImportRun(tmp_path, capsys, count_rows)


@pytest.fixture
def operator(db_session: Session) -> User:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="operator_paruga")
    db_session.commit()
    return user


def test_a_preview_reports_what_the_sheet_would_create_and_writes_nothing(cli: ImportRun, operator: User) -> None:
    path = cli.sheet(family() + family())
    before = cli.snapshot()

    code, result = cli.json(str(path), "--user", "operator_paruga")

    assert code == 0
    assert result == {"households": 2, "members": 6, "proposals": 2, "skipped_households": 0, "errors": []}
    assert cli.snapshot() == before


def test_confirm_writes_households_members_proposals_and_audits_them_as_the_user(
    cli: ImportRun, operator: User, db_session: Session
) -> None:
    rows = family() + family()
    path = cli.sheet(rows)

    code, result = cli.json(str(path), "--user", "operator_paruga", "--confirm")

    assert code == 0
    assert result["households"] == 2 and result["errors"] == []
    db_session.expire_all()
    assert set(db_session.scalars(select(Household.no_kk))) == {rows[0]["NO KK"], rows[3]["NO KK"]}
    assert set(db_session.scalars(select(Member.nik))) == {row["NIK"] for row in rows}
    proposals = db_session.scalars(select(Proposal)).all()
    assert len(proposals) == 2 and {proposal.created_by_id for proposal in proposals} == {operator.id}
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT))
    assert (entry.actor_id, entry.actor_name, entry.region_code) == (operator.id, "operator_paruga", DEFAULT_VILLAGE)
    assert entry.message.startswith("Impor BNBA (CLI): 2 keluarga, 6 anggota")
    assert entry.after is not None and (entry.after["households"], entry.after["members"]) == (2, 6)
    rows_audited = db_session.scalars(select(AuditEntry).where(AuditEntry.object_type.in_(IMPORTED_TYPES))).all()
    assert len(rows_audited) == 2 + 6 + 2 + 2  # households, members, proposals, their creation history
    assert {(audit.actor_id, audit.actor_name) for audit in rows_audited} == {(operator.id, "operator_paruga")}
    assert len({audit.request_id for audit in [*rows_audited, entry]}) == 1  # one run, one request id
    assert current_context() is None and acting_scope() is None  # nothing of the run leaks into the caller


def test_a_refused_sheet_exits_2_with_every_error_by_excel_row_and_writes_nothing(
    cli: ImportRun, operator: User
) -> None:
    rows = family() + family()
    rows[1]["JENIS KELAMIN"] = "X"
    rows[4]["TANGGAL LAHIR"] = "31-02-2006"
    path = cli.sheet(rows, title_rows=[["BNBA DESA PARUGA"], []])  # header on row 3: data from row 4
    before = cli.snapshot()

    code, result = cli.json(str(path), "--user", "operator_paruga", "--confirm")

    assert code == 2
    assert [(error["row"], error["column"]) for error in result["errors"]] == [
        (5, "JENIS KELAMIN"),
        (8, "TANGGAL LAHIR"),
    ]
    assert "JENIS KELAMIN 'X' tidak dikenal; isi salah satu: Laki-laki (L, LK)" in result["errors"][0]["message"]
    assert cli.snapshot() == before


def test_a_refused_sheet_prints_each_error_as_a_line_naming_its_row(cli: ImportRun, operator: User) -> None:
    rows = family()
    rows[2]["STATUS KAWIN"] = "Janda"
    path = cli.sheet(rows)

    assert main(["import-bnba", str(path), "--user", "operator_paruga"]) == 2

    out, err = cli.output()
    assert 'Lembar "BNBA": judul kolom di baris 1, 3 baris data.' in out
    assert "Berkas ditolak: 1 kesalahan; tidak ada data yang diubah." in err
    assert "  Baris 4, kolom STATUS KAWIN: STATUS KAWIN 'Janda' bisa berarti Cerai hidup atau Cerai mati" in err


def test_a_readable_preview_says_nothing_was_written_and_how_to_confirm(cli: ImportRun, operator: User) -> None:
    assert main(["import-bnba", str(cli.sheet(family())), "--user", "operator_paruga"]) == 0

    out = cli.output()[0]
    assert "Pratinjau, belum ada yang ditulis: akan dibuat 1 keluarga, 3 anggota dan 1 usulan draf" in out
    assert "--confirm" in out


def _inactive(db_session: Session) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="pensiun")
    user.is_active = False


def _without_the_right(db_session: Session) -> None:
    make_user(db_session, Role.TKSK, "52.72.01", username="tksk_rasanae")


def _other_region(db_session: Session) -> None:
    make_user(db_session, Role.OPERATOR_DESA, "52.72.01.1002", username="operator_tetangga")


USER_CASES: dict[str, tuple[Callable[[Session], None], str, str]] = {
    "unknown user": (lambda session: None, "tidak_ada", "Pengguna 'tidak_ada' tidak ditemukan."),
    "inactive user": (_inactive, "pensiun", "Pengguna 'pensiun' tidak aktif; impor ditolak."),
    "no casbin right": (_without_the_right, "tksk_rasanae", "tidak berhak mengimpor BNBA (aturan bnba, import)"),
}


@pytest.mark.parametrize(("make", "username", "message"), USER_CASES.values(), ids=USER_CASES.keys())
def test_a_user_who_may_not_import_is_refused_with_exit_2_and_nothing_is_written(
    cli: ImportRun, db_session: Session, make: Callable[[Session], None], username: str, message: str
) -> None:
    make(db_session)
    db_session.commit()
    path = cli.sheet(family())
    before = cli.snapshot()

    code, result = cli.json(str(path), "--user", username, "--confirm")

    assert code == 2
    assert result["households"] == 0
    [error] = result["errors"]
    assert error["row"] is None and message in error["message"]
    assert cli.snapshot() == before
    assert main(["import-bnba", str(path), "--user", username, "--confirm"]) == 2
    assert message in cli.output()[1]


def test_a_user_of_another_village_is_refused_row_by_row(cli: ImportRun, db_session: Session) -> None:
    _other_region(db_session)
    db_session.commit()
    path = cli.sheet(family())
    before = cli.snapshot()

    code, result = cli.json(str(path), "--user", "operator_tetangga", "--confirm")

    assert code == 2
    assert [(error["row"], error["column"]) for error in result["errors"]] == [
        (row, "KODE WILAYAH") for row in (2, 3, 4)
    ]
    assert "di luar wilayah tugas Anda (52.72.01.1002)" in result["errors"][0]["message"]
    assert cli.snapshot() == before


def test_the_right_comes_from_the_rules_in_the_database_as_in_the_console(
    cli: ImportRun, operator: User, db_session: Session
) -> None:
    rule = (PolicyRule.subject == "operator_desa", PolicyRule.resource == "bnba", PolicyRule.action == "import")
    db_session.execute(delete(PolicyRule).where(*rule))
    db_session.commit()
    try:
        code, result = cli.json(str(cli.sheet(family())), "--user", "operator_paruga")
    finally:
        db_session.add(PolicyRule(subject="operator_desa", resource="bnba", action="import"))
        db_session.commit()

    assert code == 2
    assert "tidak berhak mengimpor BNBA" in result["errors"][0]["message"]


def test_the_same_sheet_confirmed_twice_is_skipped_the_second_time(cli: ImportRun, operator: User) -> None:
    path = cli.sheet(family() + family())
    assert cli.json(str(path), "--user", "operator_paruga", "--confirm")[0] == 0
    before = cli.snapshot()

    code, result = cli.json(str(path), "--user", "operator_paruga", "--confirm")

    assert code == 0
    assert result == {"households": 0, "members": 0, "proposals": 0, "skipped_households": 2, "errors": []}
    assert cli.snapshot() == {**before, "audit_entry": before["audit_entry"] + 1}  # only the second IMPORT entry


def _a_folder(tmp_path: Path) -> Path:
    (tmp_path / "folder").mkdir()
    return tmp_path / "folder"


def _a_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bnba.csv"
    path.write_text("NIK;NAMA\n5272010101800001;Budi\n", encoding="utf-8")
    return path


def _too_large(tmp_path: Path) -> Path:
    path = tmp_path / "besar.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024 + 1))
    return path


FILE_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing file": (lambda tmp_path: tmp_path / "tidak-ada.xlsx", "tidak-ada.xlsx tidak ditemukan."),
    "a folder": (_a_folder, "bukan berkas; sebutkan berkas BNBA .xlsx."),
    "not an xlsx": (_a_csv, "Berkas bukan lembar kerja Excel .xlsx."),
    "over the size cap": (_too_large, "Berkas terlalu besar; batas ukuran 10 MiB."),
    "no header row": (lambda folder: _write(folder, [], headers=["NAMA", "NIK"]), "tidak ditemukan"),
}


@pytest.mark.parametrize(("make", "message"), FILE_CASES.values(), ids=FILE_CASES.keys())
def test_a_file_that_is_no_bnba_sheet_gets_a_message_and_exit_2_not_a_traceback(
    cli: ImportRun, operator: User, make: Callable[[Path], Path], message: str
) -> None:
    path = make(cli.folder)
    before = cli.snapshot()

    assert main(["import-bnba", str(path), "--user", "operator_paruga", "--confirm"]) == 2
    out, err = cli.output()
    code, result = cli.json(str(path), "--user", "operator_paruga", "--confirm")

    assert message in err and "Traceback" not in out + err
    assert code == 2 and [error["row"] for error in result["errors"]] == [None]
    assert message in result["errors"][0]["message"]
    assert cli.snapshot() == before


def test_a_database_that_cannot_serve_the_import_exits_1_with_one_line(
    cli: ImportRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = cli.folder / "kosong.sqlite3"
    empty.touch()  # a database never migrated: no tables
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")

    code, result = cli.json(str(cli.sheet(family())), "--user", "operator_paruga", "--confirm")

    assert code == 1
    [error] = result["errors"]
    assert error["row"] is None
    assert error["message"].startswith("Impor gagal karena kesalahan tak terduga (OperationalError:")
