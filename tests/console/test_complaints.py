"""Complaint handling over HTTP: assign, start, resolve, reject; roles and regions; the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditAction, AuditEntry, Complaint, ComplaintStatus, Role, User
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_user, new_complaint

VILLAGE = "52.72.01.1001"
REGENCY = "52.72"


def _complaint(session: Session, village: str = VILLAGE) -> Complaint:
    complaint = new_complaint(village)
    session.add(complaint)
    session.commit()
    return complaint


def _act(client: ConsoleClient, complaint: Complaint, action: str, **data: str):  # noqa: ANN202
    return client.post(f"/admin/complaint/handle/{complaint.id}/{action}", data=data, follow_redirects=False)


def _stored(session: Session, complaint: Complaint) -> Complaint:
    session.expire_all()
    return session.get(Complaint, complaint.id)


def test_a_complaint_is_assigned_started_and_resolved_with_history(app: object, db_session: Session) -> None:
    complaint = _complaint(db_session)
    officer = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, REGENCY, "dinsos_aduan")
    handler = make_user(db_session, Role.PETUGAS_LAYANAN, REGENCY, username="layanan_aduan")
    outsider = make_user(db_session, Role.PETUGAS_LAYANAN, "73.02", username="layanan_luar_aduan")
    db_session.commit()

    page = officer.get(f"/admin/complaint/handle/{complaint.id}")
    assert page.status_code == 200 and "Tugaskan" in page.text and "Pengguna Uji layanan_aduan" in page.text
    assert "layanan_luar_aduan" not in page.text

    refused = _act(officer, complaint, "assign", assignee=str(outsider.id))
    assert refused.status_code == 409 and "kabupaten/kota yang sama" in refused.text
    response = _act(officer, complaint, "assign", assignee=str(handler.id))
    assert response.status_code == 303
    assert "Tugaskan berhasil" in officer.get(response.headers["location"]).text
    assert _stored(db_session, complaint).assigned_to_id == handler.id

    early = _act(officer, complaint, "resolve", text="Sudah didaftarkan.")
    assert early.status_code == 409 and "tidak dapat dilakukan" in early.text
    assert _act(officer, complaint, "start").status_code == 303
    assert _stored(db_session, complaint).status == ComplaintStatus.IN_PROGRESS
    missing = _act(officer, complaint, "resolve", text=" ")
    assert missing.status_code == 409 and "Tanggapan wajib diisi" in missing.text
    assert _act(officer, complaint, "resolve", text="Sudah diusulkan lewat Musdes.").status_code == 303

    stored = _stored(db_session, complaint)
    assert stored.status == ComplaintStatus.RESOLVED and stored.resolved_at is not None
    assert stored.response == "Sudah diusulkan lewat Musdes."
    history = db_session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == AuditAction.TRANSITION,
            AuditEntry.object_type == "complaint",
            AuditEntry.object_id == str(complaint.id),
        )
        .order_by(AuditEntry.id)
    ).all()
    assert [entry.after["status"] for entry in history] == ["baru", "diproses", "selesai"]
    officer.__exit__(None, None, None)


def test_a_complaint_is_rejected_with_a_reason(app: object, db_session: Session) -> None:
    complaint = _complaint(db_session)
    officer = client_logged_in_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_tolak")
    missing = _act(officer, complaint, "reject", text="")
    assert missing.status_code == 409 and "Alasan penolakan wajib diisi" in missing.text
    assert _act(officer, complaint, "reject", text="Di luar kewenangan dinas.").status_code == 303
    stored = _stored(db_session, complaint)
    assert stored.status == ComplaintStatus.REJECTED and stored.response == "Di luar kewenangan dinas."
    officer.__exit__(None, None, None)


def test_a_role_without_the_action_gets_403_and_another_regency_404(app: object, db_session: Session) -> None:
    complaint = _complaint(db_session)
    tksk = client_logged_in_as(app, db_session, Role.TKSK, "52.72.01", "tksk_aduan")
    assert _act(tksk, complaint, "start").status_code == 403
    bulukumba = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "73.02", "dinsos_bulukumba_aduan")
    assert _act(bulukumba, complaint, "start").status_code == 404
    assert bulukumba.get(f"/admin/complaint/handle/{complaint.id}").status_code == 404
    assert _stored(db_session, complaint).status == ComplaintStatus.NEW
    for client in (tksk, bulukumba):
        client.__exit__(None, None, None)


def test_status_is_not_a_form_field(app: object, db_session: Session) -> None:
    complaint = _complaint(db_session)
    officer = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, REGENCY, "dinsos_form")
    form = officer.get(f"/admin/complaint/edit/{complaint.id}")
    assert form.status_code == 200 and 'name="status"' not in form.text
    assert db_session.scalar(select(User).where(User.username == "dinsos_form")) is not None
    officer.__exit__(None, None, None)
