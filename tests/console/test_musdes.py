"""The Musdes agenda over HTTP: agenda, decisions, the signed BA, finalisation of the whole agenda at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from chain.uploads import UploadRefused
from console.settings import Settings
from console.uploads import file_store
from models import (
    AuditAction,
    AuditEntry,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingParticipant,
    ParticipantPosition,
    Proposal,
    ProposalHistory,
    ProposalStatus,
    Role,
)
from tests.console.form_posts import delete, edit, fixed_refusal
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_proposal

VILLAGE = "52.72.01.1001"
OTHER_VILLAGE = "52.72.01.1002"
PDF = b"%PDF-1.4\n% Berita Acara Musdes\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clients(app: Starlette) -> Iterator[list[ConsoleClient]]:
    opened: list[ConsoleClient] = []
    yield opened
    for client in opened:
        client.__exit__(None, None, None)


def _client_as(app: Starlette, session: Session, opened: list[ConsoleClient], role: Role, scope: str | None):  # noqa: ANN202
    name = f"musdes_{role.value}_{len(opened)}_{(scope or 'pusat').replace('.', '')}"
    client = client_logged_in_as(app, session, role, scope, name)
    opened.append(client)
    return client


def _meeting(session: Session, village: str = VILLAGE) -> Meeting:
    meeting = Meeting(kind=MeetingKind.MUSDES, region_code=village, held_on=date(2026, 11, 2), place="Balai desa")
    meeting.participants.append(
        MeetingParticipant(name="Ahmad Kades", position=ParticipantPosition.HEAD, region_code=village)
    )
    session.add(meeting)
    session.commit()
    return meeting


def _draft(session: Session, village: str = VILLAGE) -> Proposal:
    proposal = make_proposal(session, region_code=village)
    session.commit()
    return proposal


def _upload(client: ConsoleClient, meeting: Meeting, content: bytes, name: str = "ba.pdf", number: str = "BA/7/2026"):  # noqa: ANN202
    return client.post(
        f"/admin/meeting/musdes/{meeting.id}/ba",
        data={"ba_number": number},
        files={"ba_file": (name, content, "application/pdf")},
        follow_redirects=False,
    )


def _items(session: Session, meeting: Meeting) -> list[MeetingDecision]:
    session.expire_all()
    return list(session.scalars(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting.id)))


def _decide(client: ConsoleClient, meeting: Meeting, items: list[MeetingDecision], values: list[tuple[str, str]]):  # noqa: ANN202
    data: dict[str, str] = {}
    for item, (decision, note) in zip(items, values, strict=True):
        data[f"decision-{item.id}"] = decision
        data[f"note-{item.id}"] = note
    return client.post(f"/admin/meeting/musdes/{meeting.id}/decisions", data=data, follow_redirects=False)


def _agenda_with_two(app: Starlette, db_session: Session, clients: list[ConsoleClient]):  # noqa: ANN202
    meeting = _meeting(db_session)
    first, second = _draft(db_session), _draft(db_session)
    operator = _client_as(app, db_session, clients, Role.OPERATOR_DESA, VILLAGE)
    page = operator.get(f"/admin/meeting/musdes/{meeting.id}")
    assert page.status_code == 200 and "Ahmad Kades" in page.text and f"#{first.id}" in page.text
    response = operator.post(
        f"/admin/meeting/musdes/{meeting.id}/agenda",
        data={"proposal": [str(first.id), str(second.id)]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return meeting, first, second, operator


def test_the_whole_musdes_from_agenda_to_finalisation(
    app: Starlette, db_session: Session, clients: list[ConsoleClient]
) -> None:
    meeting, agreed, rejected, operator = _agenda_with_two(app, db_session, clients)
    db_session.expire_all()
    assert {db_session.get(Proposal, p.id).status for p in (agreed, rejected)} == {ProposalStatus.IN_MUSDES}

    items = sorted(_items(db_session, meeting), key=lambda item: item.proposal_id)
    reason = "Keluarga mampu secara ekonomi."
    assert _decide(operator, meeting, items, [("setuju", ""), ("tolak", reason)]).status_code == 303
    assert _upload(operator, meeting, PDF).status_code == 303
    assert operator.post(f"/admin/meeting/musdes/{meeting.id}/finalise").status_code == 403  # kepala_desa only
    page = operator.get(f"/admin/meeting/musdes/{meeting.id}")
    assert "Finalkan musyawarah" not in page.text and "Simpan keputusan" in page.text

    head = _client_as(app, db_session, clients, Role.KEPALA_DESA, VILLAGE)
    page = head.get(f"/admin/meeting/musdes/{meeting.id}")
    assert "Finalkan musyawarah" in page.text and "Masukkan ke agenda" not in page.text
    response = head.post(f"/admin/meeting/musdes/{meeting.id}/finalise", follow_redirects=False)
    assert response.status_code == 303, response.text

    db_session.expire_all()
    stored = db_session.get(Meeting, meeting.id)
    assert stored.is_final and stored.finalised_by_id is not None and stored.ba_number == "BA/7/2026"
    assert db_session.get(Proposal, agreed.id).status == ProposalStatus.AGREED
    assert db_session.get(Proposal, rejected.id).status == ProposalStatus.REJECTED_MUSDES
    history = db_session.scalars(
        select(ProposalHistory).where(ProposalHistory.proposal_id == rejected.id).order_by(ProposalHistory.id)
    ).all()
    assert [(h.to_status, h.note) for h in history][-1] == (ProposalStatus.REJECTED_MUSDES, reason)
    assert len(history) == 2
    transitions = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.TRANSITION)).all()
    assert sorted(entry.after["status"] for entry in transitions) == sorted(
        ["in_musdes", "in_musdes", "agreed", "rejected_musdes"]
    )

    # The signed BA downloads as an attachment, with the content type its bytes say.
    download = head.get(f"/admin/meeting/musdes/{meeting.id}/ba-file")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")

    # Finalised: nothing about the meeting changes any more.
    again = _decide(operator, meeting, items, [("tolak", "x"), ("tolak", "y")])
    assert again.status_code == 409 and "sudah difinalkan" in again.text
    assert _upload(operator, meeting, PDF + b"x").status_code == 409
    assert head.post(f"/admin/meeting/musdes/{meeting.id}/finalise").status_code == 409
    newcomer = _draft(db_session)
    refused = operator.post(f"/admin/meeting/musdes/{meeting.id}/agenda", data={"proposal": str(newcomer.id)})
    assert refused.status_code == 409
    assert "difinalkan" in fixed_refusal(delete(operator, "meeting", meeting.id))
    fields = {"kind": "musdes", "region": VILLAGE, "held_on": "2026-02-03", "place": "Aula", "ba_number": "BA/X"}
    assert "sudah difinalkan" in fixed_refusal(edit(operator, "meeting", meeting.id, fields))
    participant = db_session.scalars(select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id))
    assert "difinalkan" in fixed_refusal(delete(operator, "meeting-participant", participant.one().id))
    page = head.get(f"/admin/meeting/musdes/{meeting.id}")
    assert "Finalkan musyawarah" not in page.text and "Sudah difinalkan" in page.text
    assert f"/admin/meeting/musdes/{meeting.id}" in head.get(f"/admin/meeting/details/{meeting.id}").text
    db_session.expire_all()
    assert [(i.decision.value, i.note) for i in sorted(_items(db_session, meeting), key=lambda i: i.proposal_id)] == [
        ("setuju", ""),
        ("tolak", reason),
    ]
    assert db_session.get(Proposal, newcomer.id).status == ProposalStatus.DRAFT


def test_finalising_without_ba_or_with_an_undecided_item_is_refused_and_changes_nothing(
    app: Starlette, db_session: Session, clients: list[ConsoleClient]
) -> None:
    meeting, first, second, operator = _agenda_with_two(app, db_session, clients)
    items = sorted(_items(db_session, meeting), key=lambda item: item.proposal_id)
    head = _client_as(app, db_session, clients, Role.KEPALA_DESA, VILLAGE)

    assert _decide(head, meeting, items, [("setuju", ""), ("setuju", "")]).status_code == 303
    no_ba = head.post(f"/admin/meeting/musdes/{meeting.id}/finalise")
    assert no_ba.status_code == 409 and "Berita Acara yang ditandatangani belum diunggah" in no_ba.text

    assert _upload(operator, meeting, PDF).status_code == 303
    assert _decide(head, meeting, items, [("setuju", ""), ("", "")]).status_code == 303
    undecided = head.post(f"/admin/meeting/musdes/{meeting.id}/finalise")
    assert undecided.status_code == 409 and f"Usulan belum diputuskan: #{second.id}" in undecided.text

    assert _decide(head, meeting, items, [("setuju", ""), ("tolak", "")]).status_code == 303
    no_reason = head.post(f"/admin/meeting/musdes/{meeting.id}/finalise")
    assert no_reason.status_code == 409 and "wajib diberi alasan" in no_reason.text

    db_session.expire_all()
    assert not db_session.get(Meeting, meeting.id).is_final
    assert {db_session.get(Proposal, p.id).status for p in (first, second)} == {ProposalStatus.IN_MUSDES}
    transitions = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.TRANSITION)).all()
    assert len(transitions) == 2  # the two put_on_agenda only


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64, "ba.pdf", "hanya PDF, JPEG atau PNG"),
        (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "ba.pdf", "terlalu besar"),
        (b"", "ba.pdf", "Berkas kosong"),
    ],
    ids=["renamed-executable", "oversized", "empty"],
)
def test_uploads_that_are_not_a_small_pdf_jpeg_or_png_are_refused(
    content: bytes,
    name: str,
    message: str,
    app: Starlette,
    db_session: Session,
    clients: list[ConsoleClient],
) -> None:
    meeting = _meeting(db_session)
    operator = _client_as(app, db_session, clients, Role.OPERATOR_DESA, VILLAGE)

    response = _upload(operator, meeting, content, name=name)

    assert response.status_code == 400 and message in response.text
    db_session.expire_all()
    stored = db_session.get(Meeting, meeting.id)
    assert stored.ba_file_path is None and stored.ba_file_sha256 is None


def test_the_store_names_files_by_their_hash_and_accepts_images(settings: Settings) -> None:
    files = file_store(settings)
    png = files.store(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    jpeg = files.store(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert png.path == f"{png.sha256[:2]}/{png.sha256}.png" and png.content_type == "image/png"
    assert jpeg.content_type == "image/jpeg"
    handle, content_type = files.open(png.path)
    with handle:
        assert handle.read().startswith(b"\x89PNG") and content_type == "image/png"
    with pytest.raises(FileNotFoundError):
        files.open("../../etc/passwd")
    with pytest.raises(UploadRefused):
        files.store(b"GIF89a")


def test_another_villages_meeting_is_not_found_and_roles_without_permission_are_refused(
    app: Starlette, db_session: Session, clients: list[ConsoleClient]
) -> None:
    meeting = _meeting(db_session)
    draft = _draft(db_session)
    neighbour = _client_as(app, db_session, clients, Role.OPERATOR_DESA, OTHER_VILLAGE)
    assert neighbour.get(f"/admin/meeting/musdes/{meeting.id}").status_code == 404
    assert neighbour.get(f"/admin/meeting/musdes/{meeting.id}/ba-file").status_code == 404
    response = neighbour.post(f"/admin/meeting/musdes/{meeting.id}/agenda", data={"proposal": str(draft.id)})
    assert response.status_code == 404

    tksk = _client_as(app, db_session, clients, Role.TKSK, "52.72.01")
    assert tksk.get(f"/admin/meeting/musdes/{meeting.id}").status_code == 200
    assert tksk.post(f"/admin/meeting/musdes/{meeting.id}/agenda", data={"proposal": str(draft.id)}).status_code == 403
    assert tksk.post(f"/admin/meeting/musdes/{meeting.id}/finalise").status_code == 403
    assert _upload(tksk, meeting, PDF).status_code == 403

    head = _client_as(app, db_session, clients, Role.KEPALA_DESA, VILLAGE)
    response = head.post(f"/admin/meeting/musdes/{meeting.id}/agenda", data={"proposal": str(draft.id)})
    assert response.status_code == 403  # putting proposals on the agenda is the operator's
    db_session.expire_all()
    assert db_session.get(Proposal, draft.id).status == ProposalStatus.DRAFT
