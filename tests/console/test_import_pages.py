"""Impor BNBA through the real application: who sees it, upload -> preview -> confirm with CSRF, refusals,
the error report, and the database unchanged whenever the import is refused."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.settings import Settings
from models import AuditAction, AuditEntry, Household, Role
from policies.rules import Decisions, read_seed
from tests.conftest import log_in
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, make_household, make_member, make_user
from tests.reports.bnba_sheets import family, sheet_bytes

PAGE = "/admin/bnba-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = ("household", "member", "proposal", "proposal_history", "audit_entry")
SCOPE_OF_LEVEL = {None: None, 1: "52", 2: "52.72", 3: "52.72.01", 4: DEFAULT_VILLAGE}
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_DIGEST = re.compile(r'name="digest" value="([0-9a-f]{64})"')


def _scope_of(role: Role) -> str | None:
    level = role.scope_level
    return SCOPE_OF_LEVEL[None if level is None else int(level)]


def _logged_in(client: ConsoleClient, db_session: Session, role: Role, scope: str | None = "") -> ConsoleClient:
    user = make_user(db_session, role, _scope_of(role) if scope == "" else scope)
    db_session.commit()
    log_in(client, user.username)
    return client


def _upload(client: ConsoleClient, data: bytes) -> Response:
    token = _FORM_TOKEN.search(client.get(PAGE).text)
    assert token is not None, "the upload form carries its CSRF token"
    return client.post(
        f"{PAGE}/preview", data={"csrf_token": token.group(1)}, files={"sheet": ("bnba.xlsx", data, XLSX)}
    )


def _counts(response: Response) -> dict[str, int]:
    found = re.findall(r'<tr data-count="(\w+)"><td>[^<]*</td><td>(\d+)</td></tr>', response.text)
    return {name: int(value) for name, value in found}


@pytest.fixture
def snapshot(count_rows: Callable[[str], int]) -> Callable[[], dict[str, int]]:
    return lambda: {table: count_rows(table) for table in TABLES}


ROLES = list(Role)


@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_the_import_page_and_its_menu_entry_follow_the_casbin_rule_bnba_import(
    role: Role, client: ConsoleClient, db_session: Session
) -> None:
    allowed = Decisions(read_seed()).allows(role.value, "bnba", "import")
    _logged_in(client, db_session, role)

    page = client.get(PAGE)
    home = client.get("/admin/")

    assert page.status_code == (200 if allowed else 403)
    assert ("Impor BNBA" in home.text) is allowed
    assert allowed is (role in (Role.OPERATOR_DESA, Role.OPERATOR_DINSOS))


def test_a_village_operator_uploads_previews_and_confirms_an_import(
    client: ConsoleClient, db_session: Session, settings: Settings
) -> None:
    _logged_in(client, db_session, Role.OPERATOR_DESA)
    rows = family() + family()

    preview = _upload(client, sheet_bytes(rows, title_rows=[["BNBA DESA PARUGA"]]))

    assert preview.status_code == 200, preview.text
    assert preview.headers["cache-control"] == "no-store"
    assert _counts(preview) == {
        "rows": 6, "households": 2, "members": 6, "proposals": 2, "skipped_households": 0, "errors": 0
    }  # fmt: skip
    digest = _DIGEST.search(preview.text)
    assert digest is not None
    kept = Path(settings.upload_dir) / "imports"
    assert len(list(kept.glob(f"*/{digest.group(1)}.xlsx"))) == 1
    token = _FORM_TOKEN.search(preview.text)
    assert token is not None

    done = client.post(f"{PAGE}/confirm", data={"csrf_token": token.group(1), "digest": digest.group(1)})

    assert done.status_code == 200 and done.url.path == PAGE
    assert "Impor BNBA selesai: 2 keluarga, 6 anggota dan 2 usulan draf dibuat" in done.text
    db_session.expire_all()
    assert set(db_session.scalars(select(Household.no_kk))) == {rows[0]["NO KK"], rows[3]["NO KK"]}
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT))
    assert entry.after is not None and (entry.after["households"], entry.after["members"]) == (2, 6)
    assert list(kept.glob(f"*/{digest.group(1)}.xlsx")) == []  # the kept sheet is gone once applied

    again = _upload(client, sheet_bytes(rows))
    assert _counts(again)["skipped_households"] == 2 and _counts(again)["households"] == 0
    assert "sudah pernah diimpor" in again.text


def test_a_confirmation_without_the_csrf_token_is_refused(client: ConsoleClient, db_session: Session) -> None:
    _logged_in(client, db_session, Role.OPERATOR_DESA)
    preview = _upload(client, sheet_bytes(family()))
    digest = _DIGEST.search(preview.text)
    assert digest is not None

    with client.without_csrf():
        refused = client.post(
            f"{PAGE}/confirm", data={"digest": digest.group(1)}, headers={"Origin": "http://testserver"}
        )

    assert refused.status_code == 403
    assert db_session.scalar(select(Household.id)) is None


def test_a_sheet_with_errors_shows_every_error_and_downloads_the_error_report(
    client: ConsoleClient, db_session: Session, snapshot: Callable[[], dict[str, int]]
) -> None:
    _logged_in(client, db_session, Role.OPERATOR_DESA)
    rows = family() + family(region="52.72.01.1002")
    rows[1]["TANGGAL LAHIR"] = "31-02-2026"
    before = snapshot()

    preview = _upload(client, sheet_bytes(rows))

    assert preview.status_code == 200
    assert _counts(preview)["errors"] == 4
    assert 'id="confirm-import"' not in preview.text
    assert re.search(r'<tr data-row="3"><td>3</td><td>TANGGAL LAHIR</td><td>[^<]*bukan tanggal yang ada', preview.text)
    for row in (5, 6, 7):  # the neighbouring village: refused row by row, never dropped
        assert re.search(
            rf'<tr data-row="{row}"><td>{row}</td><td>KODE WILAYAH</td><td>[^<]*luar wilayah', preview.text
        )
    link = re.search(r'id="error-report" href="([^"]+)"', preview.text)
    assert link is not None

    report = client.get(link.group(1).replace("http://testserver", ""))

    assert report.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert sheet.cell(row=1, column=23).value == "KETERANGAN KESALAHAN"
    assert "TANGGAL LAHIR" in sheet.cell(row=3, column=23).value
    assert sheet.cell(row=2, column=23).value is None
    assert snapshot() == before


def test_a_confirmation_after_someone_registered_a_nik_applies_nothing(
    client: ConsoleClient, db_session: Session, snapshot: Callable[[], dict[str, int]]
) -> None:
    _logged_in(client, db_session, Role.OPERATOR_DINSOS)
    rows = family()
    preview = _upload(client, sheet_bytes(rows))
    digest = _DIGEST.search(preview.text)
    assert digest is not None
    other = make_household(db_session, members=1)
    make_member(db_session, other, nik=rows[2]["NIK"], birth_date=rows[2]["TANGGAL LAHIR"])
    db_session.commit()
    before = snapshot()

    refused = client.post(f"{PAGE}/confirm", data={"digest": digest.group(1)})

    assert refused.status_code == 409
    assert "Pemeriksaan ulang menemukan kesalahan; tidak ada data yang diimpor." in refused.text
    assert "sudah terdaftar di konsol pada keluarga lain" in refused.text
    assert snapshot() == before


def _not_xlsx() -> bytes:
    return b"NIK;NAMA\n5272010101800001;Budi\n"


def _oversized() -> bytes:
    return b"PK\x03\x04" + os.urandom(10 * 1024 * 1024 + 10)


@pytest.mark.parametrize(
    ("make", "message"),
    [(_not_xlsx, "bukan lembar kerja Excel .xlsx"), (_oversized, "Berkas terlalu besar; batas ukuran 10 MiB.")],
    ids=["not an xlsx", "larger than the cap"],
)
def test_a_file_that_is_not_an_acceptable_xlsx_gets_a_message_not_an_error_page(
    make: Callable[[], bytes],
    message: str,
    client: ConsoleClient,
    db_session: Session,
    settings: Settings,
    snapshot: Callable[[], dict[str, int]],
    private_temp_dir: Path,
) -> None:
    _logged_in(client, db_session, Role.OPERATOR_DESA)
    kept = Path(settings.upload_dir) / "imports"
    before, kept_before = snapshot(), set(kept.glob("*/*"))

    refused = _upload(client, make())

    assert refused.status_code == 400
    assert message in refused.text
    assert snapshot() == before
    assert list(private_temp_dir.iterdir()) == []
    assert set(kept.glob("*/*")) == kept_before


def test_an_unknown_or_foreign_kept_sheet_cannot_be_confirmed(client: ConsoleClient, db_session: Session) -> None:
    _logged_in(client, db_session, Role.OPERATOR_DESA)
    refused = client.post(f"{PAGE}/confirm", data={"digest": "a" * 64})
    assert refused.status_code == 400
    assert "Berkas pratinjau tidak ditemukan lagi" in refused.text
    assert client.get(f"{PAGE}/errors/{'b' * 64}").status_code == 404
