"""Backup and restore through the command line (database/backup.py): a restored console is the same console.

On SQLite by default, on PostgreSQL (pg_dump / pg_restore) when TEST_DATABASE_URL names a server; the restore
always goes into a database and an upload folder of its own, made empty for the test.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

from alembic import command
from console.app import create_app
from console.cli import main
from console.settings import Settings
from console.uploads import file_store
from database.archive import folder_digests
from database.snapshot import database_snapshot
from demo import DEMO_PASSWORD
from models import Meeting, MeetingKind, MeetingParticipant, ParticipantPosition, User
from tests.conftest import _server_url, alembic_config, fresh_database, log_in, settings_for
from tests.console_client import ConsoleClient
from tests.test_database_roles import TwoRoles, _renamed, _run_as_superuser, _server, _url, readme_setup

PDF = b"%PDF-1.4\n% Berita Acara Musyawarah, ditandatangani\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
LIST_LINK = re.compile(r'href="http://testserver(/admin/[a-z0-9-]+/list)"')
LIST_COUNT = re.compile(r"Menampilkan \d+ sampai \d+ dari ([\d.]+) data")
DEMO_USERS = ("admin", "operator_desa", "kepala_dinas", "pusdatin")


@pytest.fixture
def cli_settings(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Path], None]:
    """Point the command line's settings at a database and an upload folder (a developer's .env is not read)."""
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("MIGRATION_DATABASE_URL", raising=False)

    def point(database_url: str, upload_dir: Path) -> None:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("UPLOAD_DIR", str(upload_dir))

    return point


@contextmanager
def _console(settings: Settings, username: str) -> Iterator[ConsoleClient]:
    with ConsoleClient(create_app(settings), base_url="http://testserver") as client:
        log_in(client, username, DEMO_PASSWORD)
        yield client


def _list_counts(client: ConsoleClient) -> dict[str, str | None]:
    """Every list the menu links to, with the count its page shows."""
    links = sorted(set(LIST_LINK.findall(client.get("/admin/dashboard").text)))
    counts = {}
    for link in links:
        found = LIST_COUNT.search(client.get(link).text)
        counts[link] = found.group(1) if found else None
    return counts


def _open_meeting(session: Session) -> Meeting:
    """A meeting of the demo operator's village that takes a signed BA (the demo's own, else a new one)."""
    operator = session.scalars(select(User).where(User.username == "operator_desa")).one()
    village = operator.scope_region_code
    meeting = session.scalars(select(Meeting).where(Meeting.region_code == village, Meeting.finalised_at.is_(None)))
    found = meeting.first()
    if found:
        return found
    made = Meeting(kind=MeetingKind.MUSKEL, region_code=village, held_on=date(2026, 11, 2), place="Aula kelurahan")
    made.participants.append(
        MeetingParticipant(name="Lurah Uji", position=ParticipantPosition.HEAD, region_code=village)
    )
    session.add(made)
    session.commit()
    return made


def _upload_scans(session: Session, settings: Settings) -> tuple[int, bytes]:
    """A signed BA through its page, as the village operator uploads it, and a logo image through the store; the
    meeting and its scan as the page downloads it."""
    meeting = _open_meeting(session)
    with _console(settings, "operator_desa") as operator:
        response = operator.post(
            f"/admin/meeting/musdes/{meeting.id}/ba",
            data={"ba_number": "140/7/BA-MUSKEL/XI/2026"},
            files={"ba_file": ("ba.pdf", PDF, "application/pdf")},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        scan = operator.get(f"/admin/meeting/musdes/{meeting.id}/ba-file").content
    file_store(settings).store(PNG)
    return meeting.id, scan


def test_a_backup_restored_into_a_fresh_database_and_folder_is_the_same_console(
    demo_seeder: Callable[[str, int], Session],
    settings: Settings,
    cli_settings: Callable[[str, Path], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    session = demo_seeder("52.72", 12)
    meeting_id, scan_before = _upload_scans(session, settings)
    cli_settings(settings.database_url, settings.upload_dir)

    assert main(["backup", "--out", str(tmp_path / "cadangan")]) == 0
    manifest = json.loads((tmp_path / "cadangan" / "manifest.json").read_text())
    assert manifest["tables"]["household"]["rows"] > 0 and manifest["uploads"]["count"] >= 2
    # Counted after the backup: a login writes its audit row and session on both sides alike.
    with _console(settings, "admin") as admin:
        counts_before = _list_counts(admin)
    with fresh_database(tmp_path) as restored_url:
        restored_uploads = tmp_path / "dipulihkan"
        cli_settings(restored_url, restored_uploads)
        assert main(["restore", str(tmp_path / "cadangan")]) == 0, capsys.readouterr().err
        assert "semua cocok" in capsys.readouterr().out

        restored = settings_for(restored_url, restored_uploads)
        with _console(restored, "admin") as admin:
            counts_after = _list_counts(admin)
        for username in DEMO_USERS:
            with _console(restored, username) as client:
                assert client.get("/admin/dashboard").status_code == 200
        with _console(restored, "operator_desa") as operator:
            scan_after = operator.get(f"/admin/meeting/musdes/{meeting_id}/ba-file")

    assert counts_after == counts_before and counts_before["/admin/household/list"] not in (None, "0")
    assert scan_after.status_code == 200 and scan_after.content == scan_before == PDF
    assert folder_digests(restored_uploads) == folder_digests(settings.upload_dir) == manifest["uploads"]["files"]
    for relative in manifest["uploads"]["files"]:
        assert (restored_uploads / relative).read_bytes() == (settings.upload_dir / relative).read_bytes()


@pytest.fixture
def backup_folder(
    engine: object,
    regions: frozenset[str],
    settings: Settings,
    cli_settings: Callable[[str, Path], None],
    tmp_path: Path,
) -> Path:
    """A backup of the session database (regions and rules) and its upload folder."""
    file_store(settings).store(PDF)
    cli_settings(settings.database_url, settings.upload_dir)
    assert main(["backup", "--out", str(tmp_path / "cadangan")]) == 0
    return tmp_path / "cadangan"


def _tables(url: str) -> dict[str, object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return dict(database_snapshot(connection)) if inspect(connection).get_table_names() else {}
    finally:
        engine.dispose()


def test_a_restore_into_a_database_with_a_schema_refuses_and_changes_nothing(
    backup_folder: Path,
    cli_settings: Callable[[str, Path], None],
    empty_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command.upgrade(alembic_config(empty_database_url), "head")
    before = _tables(empty_database_url)
    cli_settings(empty_database_url, tmp_path / "unggahan")

    assert main(["restore", str(backup_folder)]) == 2

    assert "tidak kosong" in capsys.readouterr().err
    assert _tables(empty_database_url) == before
    assert not (tmp_path / "unggahan").exists()


def test_a_restore_into_an_upload_folder_that_holds_files_refuses_and_changes_nothing(
    backup_folder: Path,
    cli_settings: Callable[[str, Path], None],
    empty_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "unggahan").mkdir()
    (tmp_path / "unggahan" / "lama.pdf").write_bytes(PDF)
    cli_settings(empty_database_url, tmp_path / "unggahan")

    assert main(["restore", str(backup_folder)]) == 2

    assert "Folder unggahan" in capsys.readouterr().err
    assert _tables(empty_database_url) == {}
    assert [path.name for path in (tmp_path / "unggahan").iterdir()] == ["lama.pdf"]


@pytest.mark.parametrize("damaged", ["uploads.tar", "manifest"], ids=["archive-bytes", "manifest-archive-checksum"])
def test_a_damaged_archive_is_refused_before_anything_changes(
    damaged: str,
    backup_folder: Path,
    cli_settings: Callable[[str, Path], None],
    empty_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if damaged == "uploads.tar":
        archive = bytearray((backup_folder / "uploads.tar").read_bytes())
        archive[600] ^= 0xFF  # inside the first file's content
        (backup_folder / "uploads.tar").write_bytes(bytes(archive))
    else:
        manifest = json.loads((backup_folder / "manifest.json").read_text())
        manifest["uploads_archive"]["sha256"] = "0" * 64
        (backup_folder / "manifest.json").write_text(json.dumps(manifest))
    cli_settings(empty_database_url, tmp_path / "unggahan")

    assert main(["restore", str(backup_folder)]) == 2

    assert "Checksum uploads.tar tidak cocok" in capsys.readouterr().err
    assert _tables(empty_database_url) == {}
    assert not (tmp_path / "unggahan").exists()


def test_a_restore_that_does_not_read_back_as_the_manifest_says_exits_1_naming_the_table(
    backup_folder: Path,
    cli_settings: Callable[[str, Path], None],
    empty_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = json.loads((backup_folder / "manifest.json").read_text())
    manifest["tables"]["region"]["rows"] += 1
    (backup_folder / "manifest.json").write_text(json.dumps(manifest))
    cli_settings(empty_database_url, tmp_path / "unggahan")

    assert main(["restore", str(backup_folder)]) == 1

    output = capsys.readouterr()
    assert re.search(r"^region .* BEDA", output.out, re.MULTILINE)
    assert "TIDAK cocok" in output.err


def test_a_backup_into_a_folder_that_holds_files_is_refused(
    engine: object,
    settings: Settings,
    cli_settings: Callable[[str, Path], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "cadangan").mkdir()
    (tmp_path / "cadangan" / "manifest.json").write_text("{}")
    cli_settings(settings.database_url, settings.upload_dir)

    assert main(["backup", "--out", str(tmp_path / "cadangan")]) == 2

    assert "sudah berisi" in capsys.readouterr().err
    assert (tmp_path / "cadangan" / "manifest.json").read_text() == "{}"


@pytest.mark.parametrize("problem", ["no-manifest", "other-engine"])
def test_a_folder_that_is_no_backup_of_this_engine_is_refused(
    problem: str,
    backup_folder: Path,
    cli_settings: Callable[[str, Path], None],
    empty_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = json.loads((backup_folder / "manifest.json").read_text())
    if problem == "no-manifest":
        (backup_folder / "manifest.json").unlink()
    else:
        manifest["engine"] = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
        (backup_folder / "manifest.json").write_text(json.dumps(manifest))
    cli_settings(empty_database_url, tmp_path / "unggahan")

    assert main(["restore", str(backup_folder)]) == 2

    assert ("bukan cadangan" if problem == "no-manifest" else "copy-to") in capsys.readouterr().err
    assert _tables(empty_database_url) == {}


@pytest.fixture
def two_roles() -> Iterator[TwoRoles]:
    """The README's owner, app role and empty database (tests/test_database_roles.py's set-up), dropped after."""
    server, suffix = _server(), secrets.token_hex(5)
    owner, app, database = f"dtks_owner_{suffix}", f"dtks_app_{suffix}", f"dtks_test_{suffix}"
    roles = TwoRoles(owner, app, database, _url(server, owner, database), _url(server, app, database))
    try:
        for name, statements in readme_setup():
            _run_as_superuser(server, name and roles.database, [_renamed(s, roles) for s in statements])
        yield roles
    finally:
        _run_as_superuser(
            server,
            None,
            [
                f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                f'DROP ROLE IF EXISTS "{app}"',
                f'DROP ROLE IF EXISTS "{owner}"',
            ],
        )


@pytest.mark.skipif(_server_url() is None, reason="two PostgreSQL roles: set TEST_DATABASE_URL")
def test_a_restore_as_the_schema_owner_leaves_the_owner_owning_everything_and_grants_the_app_role(
    backup_folder: Path,
    two_roles: TwoRoles,
    cli_settings: Callable[[str, Path], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    cli_settings(two_roles.app_url, tmp_path / "unggahan")
    monkeypatch.setenv("MIGRATION_DATABASE_URL", two_roles.owner_url)

    assert main(["restore", str(backup_folder)]) == 0

    engine = create_engine(two_roles.app_url)
    try:
        with engine.connect() as connection:
            owners = connection.execute(text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"))
            assert owners.scalars().all() == [two_roles.owner]
            may = "SELECT has_table_privilege(current_user, :table, :privilege)"
            assert connection.execute(text(may), {"table": "household", "privilege": "UPDATE"}).scalar()
            assert not connection.execute(text(may), {"table": "audit_entry", "privilege": "UPDATE"}).scalar()
            regions = connection.execute(text("SELECT count(*) FROM region")).scalar()
    finally:
        engine.dispose()
    assert regions == json.loads((backup_folder / "manifest.json").read_text())["tables"]["region"]["rows"]
