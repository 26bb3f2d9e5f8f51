"""What a page says and how: times in the office's zone, the page's language, the favicon, a required choice that
starts unchosen, and the audit trail in words with before and after."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from console.app import create_app
from console.settings import Settings
from models import ProposalStatus, Role
from models.audit import AuditAction, AuditEntry
from models.proposal import ProposalHistory
from tests.conftest import log_in
from tests.console.form_posts import create, refusal_text, row_counts
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import make_household, make_proposal, make_user

STORED = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)


def _history_time(html: str) -> str:
    heading = re.search(r"<th>Waktu \((\w+)\)</th>", html)
    assert heading, "no time column"
    row = html.split("Riwayat status", 1)[1]
    cell = re.search(r"<tr><td>(\d\d-\d\d-\d{4} \d\d:\d\d \w+)</td>", row)
    assert cell, "no history row"
    return f"{heading.group(1)}|{cell.group(1)}"


def _proposal_with_history(session: Session, region: str) -> int:
    proposal = make_proposal(session, ProposalStatus.DRAFT, region_code=region)
    session.add(
        ProposalHistory(
            proposal=proposal, region_code=region, to_status=ProposalStatus.DRAFT, actor_name="Uji", at=STORED
        )
    )
    session.commit()
    return proposal.id


def test_times_read_in_the_zone_of_the_users_province(client: TestClient, db_session: Session) -> None:
    bima = _proposal_with_history(db_session, "52.72.01.1001")
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    assert _history_time(client.get(f"/admin/proposal/workflow/{bima}").text) == "WITA|05-12-2026 01:30 WITA"


def test_the_ministry_reads_jakartas_time(client: TestClient, db_session: Session) -> None:
    bima = _proposal_with_history(db_session, "52.72.01.1001")
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)
    assert _history_time(client.get(f"/admin/proposal/workflow/{bima}").text) == "WIB|05-12-2026 00:30 WIB"


def test_the_server_may_set_one_zone_for_everyone(
    settings: Settings, engine: object, regions: frozenset[str], db_session: Session
) -> None:
    bima = _proposal_with_history(db_session, "52.72.01.1001")
    make_user(db_session, Role.OPERATOR_DINSOS, "52.72", username="dinsos_wit")
    db_session.commit()
    app: Starlette = create_app(settings.model_copy(update={"time_zone": "WIT"}))
    with ConsoleClient(app, base_url="http://testserver") as client:
        log_in(client, "dinsos_wit")
        assert _history_time(client.get(f"/admin/proposal/workflow/{bima}").text) == "WIT|05-12-2026 02:30 WIT"


def test_pages_declare_their_language_and_carry_the_icon(client: TestClient, db_session: Session) -> None:
    login = client.get("/admin/login").text
    assert '<html lang="id">' in login
    assert '<link rel="icon" href="/static/favicon.png">' in login
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, "52.72.01.1001")
    assert '<html lang="en">' in client.get("/admin/household/list?lang=en").text  # the user chose English
    assert '<html lang="id">' in client.get("/admin/household/list?lang=id").text


def test_a_new_member_is_not_the_head_unless_chosen(admin_client: TestClient, db_session: Session) -> None:
    household = make_household(db_session)
    db_session.commit()
    form = admin_client.get(f"/admin/member/create?household={household.id}").text
    relation = form.split('name="family_relation"', 1)[1].split("</select>", 1)[0]
    unchosen = r'<option (selected value=""|value="" selected)>— pilih —</option>'
    assert re.search(unchosen, relation)
    assert 'selected value="kepala_keluarga"' not in relation and 'value="kepala_keluarga" selected' not in relation
    before = row_counts(db_session)
    response = create(
        admin_client,
        "member",
        {
            "household": str(household.id),
            "nik": "5272014107850002",
            "name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1985-07-01",
            "family_relation": "",
        },
    )
    assert response.status_code == 400 and "Pilih salah satu." in refusal_text(response)
    assert row_counts(db_session) == before


def test_the_audit_trail_names_fields_and_values_in_words(admin_client: TestClient, db_session: Session) -> None:
    entry = AuditEntry(
        action=AuditAction.UPDATE,
        object_type="proposal",
        object_id="7",
        actor_name="uji",
        before={"status": "submitted", "has_ktp": False, "reason": "Rumah rusak"},
        after={"status": "accepted", "has_ktp": True, "reason": "Rumah rusak"},
    )
    db_session.add(entry)
    db_session.commit()
    page = admin_client.get(f"/admin/audit-entry/details/{entry.id}").text
    changes = page.split('id="audit-changes"', 1)[1].split("</table>", 1)[0]
    status_row = changes.split('data-field="status"', 1)[1].split("</tr>", 1)[0]
    assert "<del>Dikirim ke Dinsos</del>" in status_row and "<ins>Diterima Dinsos</ins>" in status_row
    ktp_row = changes.split('data-field="has_ktp"', 1)[1].split("</tr>", 1)[0]
    assert "<del>Tidak</del>" in ktp_row and "<ins>Ya</ins>" in ktp_row
    reason_row = changes.split('data-field="reason"', 1)[1].split("</tr>", 1)[0]
    assert "diubah" not in reason_row and "Rumah rusak" in reason_row
    assert "submitted" not in changes and "has_ktp<" not in changes
    assert "<td>Alasan/keterangan" in reason_row  # the form's label, not the column name
    listed = admin_client.get("/admin/audit-entry/list").text
    assert "Usulan" in listed.split(f"/admin/audit-entry/details/{entry.id}", 1)[1].split("</tr>", 1)[0]
