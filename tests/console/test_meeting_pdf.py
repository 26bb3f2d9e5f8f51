"""The Berita Acara of a Musdes and its SPTJM as PDF over HTTP: read back, scoped, audited; the BNBA annex names
every member of each family on the agenda, NIK in full only for a role that sees it so."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditAction, AuditEntry, Meeting, MeetingDecision, MeetingParticipant, Role
from models.meeting import Decision, MeetingKind, ParticipantPosition
from models.proposal import ProposalStatus
from tests.console_client import client_logged_in_as
from tests.factories import make_proposal
from tests.pdf_reading import pdf_pages, pdf_text

VILLAGE = "52.72.01.1001"  # Kota Bima


def _meeting_with_two_decided(session: Session) -> tuple[Meeting, list[object]]:
    meeting = Meeting(kind=MeetingKind.MUSDES, region_code=VILLAGE, held_on=date(2026, 11, 2), place="Balai desa",
                      ba_number="BA/7/2026", notes="Dihadiri 14 orang.")  # fmt: skip
    for name, position in (("Ahmad Kades", ParticipantPosition.HEAD), ("Siti BPD", ParticipantPosition.BPD)):
        meeting.participants.append(MeetingParticipant(name=name, position=position, region_code=VILLAGE))
    session.add(meeting)
    session.flush()
    proposals = [make_proposal(session, ProposalStatus.IN_MUSDES, region_code=VILLAGE) for _ in range(2)]
    session.flush()
    for proposal, (decision, note) in zip(
        proposals, [(Decision.AGREED, ""), (Decision.REJECTED, "mampu")], strict=True
    ):
        session.add(MeetingDecision(meeting_id=meeting.id, proposal_id=proposal.id, region_code=VILLAGE,
                                    decision=decision, note=note))  # fmt: skip
    session.commit()
    return meeting, proposals


def test_the_ba_and_sptjm_print_the_meeting_as_it_was_decided(app: object, db_session: Session) -> None:
    meeting, proposals = _meeting_with_two_decided(db_session)
    operator = client_logged_in_as(app, db_session, Role.OPERATOR_DESA, VILLAGE, "operator_ba_pdf")
    page = operator.get(f"/admin/meeting/musdes/{meeting.id}").text
    assert 'id="musdes-ba-pdf"' in page and 'id="musdes-sptjm-pdf"' in page
    response = operator.get(f"/admin/meeting/musdes/{meeting.id}/ba.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text, pages = pdf_text(response.content), pdf_pages(response.content)
    households = [proposal.household for proposal in proposals]  # type: ignore[attr-defined]
    for expected in (
        "PEMERINTAH KOTA BIMA",
        "BERITA ACARA MUSYAWARAH DESA",
        "Musyawarah Desa Kelurahan Paruga",  # 52.72.01.1001 is a kelurahan (serial 1xxx)
        "Perwakilan BPD",
        "BA/7/2026",
        "2 November 2026",
        "Balai desa",
        "Ahmad Kades",
        "Siti BPD",
        "Disetujui",
        "Ditolak (mampu)",
        "Dihadiri 14 orang.",
        "LAMPIRAN BERITA ACARA",
        f"Halaman {pages} dari {pages}",
        *(household.head_name for household in households),
        *(member.nik for household in households for member in household.members),  # operator_desa: full NIK
    ):
        assert expected in text, expected
    assert households[0].no_kk not in text.split("LAMPIRAN")[0]  # the BA's own text masks the No. KK

    sptjm = operator.get(f"/admin/meeting/musdes/{meeting.id}/sptjm.pdf")
    sptjm_text = pdf_text(sptjm.content)
    assert "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK" in sptjm_text and "Ahmad Kades" in sptjm_text
    assert "sebanyak 1 keluarga" in sptjm_text and "Lurah Paruga" in sptjm_text

    printed = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT,
                                                          AuditEntry.object_type == "meeting")).all()  # fmt: skip
    assert len(printed) == 2 and all(entry.object_id == str(meeting.id) for entry in printed)

    neighbour = client_logged_in_as(app, db_session, Role.OPERATOR_DESA, "52.72.01.1002", "operator_tetangga_pdf")
    assert neighbour.get(f"/admin/meeting/musdes/{meeting.id}/ba.pdf").status_code == 404
    for client in (operator, neighbour):
        client.__exit__(None, None, None)


def test_a_role_without_the_full_nik_right_prints_the_annex_masked(app: object, db_session: Session) -> None:
    meeting, proposals = _meeting_with_two_decided(db_session)
    reader = client_logged_in_as(app, db_session, Role.KEPALA_DESA, VILLAGE, "kades_ba_pdf")
    response = reader.get(f"/admin/meeting/musdes/{meeting.id}/ba.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    nik = proposals[0].household.members[0].nik  # type: ignore[attr-defined]
    assert nik not in text and nik[:4] in text
    reader.__exit__(None, None, None)
