"""Hasil Pemeringkatan over HTTP: who may import and read, an import through the page with CSRF, a broken file
refused whole, the comparison page and its export read back, and the DTSEN mode of the ministry desk."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from httpx2 import Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from console.app import create_app
from models import (
    AuditAction,
    AuditEntry,
    DtksStatus,
    Household,
    HouseholdPeriod,
    ProposalStatus,
    RankingResult,
    Role,
)
from tests.conftest import settings_for
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import DEFAULT_VILLAGE, make_household, make_proposal
from tests.ranking_files import ranking_bytes, ranking_row, row_of

PAGE = "/admin/ranking"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
OTHER_REGENCY_VILLAGE = "52.71.02.1001"  # Kota Mataram: outside the Kota Bima office's scope


def _upload(client: ConsoleClient, period: str, data: bytes) -> Response:
    token = _FORM_TOKEN.search(client.get(PAGE).text)
    assert token is not None, "the import form carries its CSRF token"
    return client.post(
        f"{PAGE}/impor",
        data={"csrf_token": token.group(1), "period": period},
        files={"sheet": ("hasil.xlsx", data, XLSX)},
    )


def _results(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(RankingResult)) or 0


def test_the_page_is_for_the_ranking_roles_only(client: ConsoleClient, db_session: Session) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    assert client.get(PAGE).status_code == 403
    refused = client.post(f"{PAGE}/impor", data={"period": "2026-10"}, headers={"Origin": "http://testserver"})
    assert refused.status_code in (400, 403, 404)  # no CSRF token, or no permission: never applied
    assert _results(db_session) == 0


def test_a_district_imports_its_families_and_is_told_of_the_others(client: ConsoleClient, db_session: Session) -> None:
    registered = make_household(db_session, members=2, dtks_status=DtksStatus.REGISTERED, desil=3)
    proposed = make_household(db_session, members=1, dtks_status=DtksStatus.PROPOSED)
    elsewhere = make_household(db_session, region_code=OTHER_REGENCY_VILLAGE, members=1)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    data = ranking_bytes([row_of(registered, 5), row_of(proposed, 2), row_of(elsewhere, 1)])

    done = _upload(client, "2026-10", data)

    assert done.status_code == 200, done.text
    assert "Hasil pemeringkatan 2026-10 diimpor: 2 keluarga baru" in done.text
    assert 'id="ranking-unapplied"' in done.text and "tidak ada di register wilayah Anda" in done.text
    db_session.expire_all()
    assert db_session.get(Household, registered.id).desil == 5
    standing = db_session.scalar(select(HouseholdPeriod).where(HouseholdPeriod.household_id == registered.id))
    assert standing is not None and (standing.period, standing.desil) == ("2026-10", 5)
    assert _results(db_session) == 2
    assert db_session.scalar(select(func.count()).where(AuditEntry.action == AuditAction.IMPORT)) == 1

    again = _upload(client, "2026-10", data)
    assert again.status_code == 200
    assert "sudah diimpor untuk periode 2026-10" in again.text
    assert _results(db_session) == 2
    assert db_session.scalar(select(func.count()).where(AuditEntry.action == AuditAction.IMPORT)) == 1


def test_a_broken_file_is_refused_whole_with_its_row_errors(client: ConsoleClient, db_session: Session) -> None:
    good = make_household(db_session, members=1)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    data = ranking_bytes([row_of(good, 4), ranking_row("5272011234560000", "1234", 11)])

    refused = _upload(client, "2026-10", data)

    assert refused.status_code == 400
    assert 'id="ranking-errors"' in refused.text and "DESIL harus 1 sampai 10" in refused.text
    assert _results(db_session) == 0
    closed = _upload(client, "2026-11", ranking_bytes([row_of(good, 4)]))
    assert closed.status_code == 409 and "Periode TTTT-BB" in closed.text
    not_a_sheet = _upload(client, "2026-10", b"PK\x03\x04 bukan xlsx")
    assert not_a_sheet.status_code == 400
    assert _results(db_session) == 0


def test_the_comparison_counts_and_exports_what_changed(client: ConsoleClient, db_session: Session) -> None:
    stays, moves, leaves, enters = (make_household(db_session, members=1) for _ in range(4))
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)
    assert _upload(client, "2026-07", ranking_bytes([row_of(stays, 3), row_of(moves, 5), row_of(leaves, 2)])).is_success
    later = [row_of(stays, 3), row_of(moves, 2), row_of(leaves, status="NIK tidak aktif"), row_of(enters, 7)]
    assert _upload(client, "2026-10", ranking_bytes(later)).is_success

    page = client.get(f"{PAGE}/compare", params={"before": "2026-10", "after": "2026-07"})  # either order

    assert page.status_code == 200
    assert "diperingkat 3 lalu 3" in page.text
    assert "masuk 1, keluar 1, desil turun 1, desil naik 0" in page.text
    exported = client.get(f"{PAGE}/compare-export", params={"before": "2026-07", "after": "2026-10"})
    assert exported.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(exported.content), read_only=True)
    families = [row for row in book["Perubahan"].iter_rows(values_only=True) if row and row[1] and row[1] != "NO KK"]
    changes = {row[1]: (row[3], row[4], row[5]) for row in families}
    assert changes == {
        moves.no_kk: (5, 2, "Desil turun"),
        leaves.no_kk: (2, None, "Keluar"),
        enters.no_kk: (None, 7, "Masuk"),
    }
    counts = [row for row in book["Per wilayah"].iter_rows(values_only=True) if row and row[1] == "JUMLAH"]
    assert len(counts) == 1 and counts[0][2:8] == (3, 3, 1, 1, 1, 0)
    assert client.get(f"{PAGE}/compare", params={"before": "2026-11", "after": "2026-07"}).status_code == 400


@pytest.fixture
def dtsen_client(database_url: str, engine: Engine, regions: frozenset[str], tmp_path: Path) -> Iterator[ConsoleClient]:
    """A client of the console deployed in the DTSEN mode."""
    app = create_app(settings_for(database_url, tmp_path, register_mode="dtsen"))
    with ConsoleClient(app, base_url="http://testserver") as test_client:
        yield test_client


def test_the_dtsen_desk_imports_instead_of_running_the_pmt(dtsen_client: ConsoleClient, db_session: Session) -> None:
    make_proposal(db_session, ProposalStatus.RECEIVED)
    db_session.commit()
    log_in_as_new_user(dtsen_client, db_session, Role.PUSDATIN, None)

    desk = dtsen_client.get("/admin/pmt-model/desk")
    assert desk.status_code == 200
    assert 'id="dtsen-ranking"' in desk.text and "Jalankan PMT untuk satu periode" not in desk.text
    refused = dtsen_client.post("/admin/pmt-model/desk/run", data={"period": "2026-10"})
    assert refused.status_code == 409 and "mode DTSEN" in refused.text
    assert 'id="mode-note"' not in dtsen_client.get(PAGE).text
