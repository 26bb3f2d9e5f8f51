"""SK pages over HTTP: a draft takes accepted proposals in bulk, the signature ratifies them, the province forwards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AuditAction,
    AuditEntry,
    Decree,
    DecreeKind,
    Proposal,
    ProposalHistory,
    ProposalStatus,
    Role,
)
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_decree, make_proposal

VILLAGE = "52.72.01.1001"
OTHER_REGENCY_VILLAGE = "52.71.01.1004"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = datetime.now(UTC).date().isoformat()


def _proposals(session: Session, status: ProposalStatus, count: int, village: str = VILLAGE) -> list[Proposal]:
    made = [make_proposal(session, status, region_code=village) for _ in range(count)]
    session.commit()
    return made


def _draft(session: Session, region_code: str = "52.72", **fields: object) -> Decree:
    decree = make_decree(session, region_code=region_code, **fields)
    session.commit()
    return decree


def _add(client: ConsoleClient, decree: Decree, proposals: list[Proposal]):  # noqa: ANN202
    data = {"proposal": [str(p.id) for p in proposals]}
    return client.post(f"/admin/decree/annex/{decree.id}/add", data=data, follow_redirects=False)


def _sign(client: ConsoleClient, decree: Decree, scan: tuple[str, bytes, str] | None, number: str = "188.45/123/2026"):  # noqa: ANN202
    files = {"scan": scan} if scan is not None else None
    data = {"number": number, "signed_on": TODAY}
    return client.post(f"/admin/decree/annex/{decree.id}/sign", data=data, files=files, follow_redirects=False)


def _statuses(session: Session, proposals: list[Proposal]) -> list[ProposalStatus]:
    session.expire_all()
    return [session.get(Proposal, p.id).status for p in proposals]


def _transitions(session: Session, proposal: Proposal) -> list[AuditEntry]:
    statement = select(AuditEntry).where(
        AuditEntry.action == AuditAction.TRANSITION,
        AuditEntry.object_type == "proposal",
        AuditEntry.object_id == str(proposal.id),
    )
    return list(session.scalars(statement.order_by(AuditEntry.id)))


def test_a_draft_takes_three_proposals_at_once_and_the_signature_ratifies_them_all(
    app: object, db_session: Session
) -> None:
    proposals = _proposals(db_session, ProposalStatus.ACCEPTED, 3)
    decree = _draft(db_session)
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_sk")
    page = client.get(f"/admin/decree/annex/{decree.id}")
    assert page.status_code == 200 and all(f'value="{p.id}"' in page.text for p in proposals)

    assert _add(client, decree, proposals).status_code == 303

    assert _statuses(db_session, proposals) == [ProposalStatus.IN_DECREE] * 3
    assert [p.id for p in db_session.get(Decree, decree.id).proposals] == [p.id for p in proposals]
    for proposal in proposals:
        assert [a.after["status"] for a in _transitions(db_session, proposal)] == ["in_decree"]

    response = _sign(client, decree, ("sk-walikota.pdf", PDF, "application/pdf"))

    assert response.status_code == 303
    assert _statuses(db_session, proposals) == [ProposalStatus.RATIFIED] * 3
    signed = db_session.get(Decree, decree.id)
    assert signed.is_signed and signed.number == "188.45/123/2026" and len(signed.signed_file_sha256) == 64
    for proposal in proposals:
        history = db_session.scalars(select(ProposalHistory).where(ProposalHistory.proposal_id == proposal.id))
        assert [h.to_status for h in history] == [ProposalStatus.IN_DECREE, ProposalStatus.RATIFIED]
        assert [a.after["status"] for a in _transitions(db_session, proposal)] == ["in_decree", "ratified"]

    download = client.get(f"/admin/decree/annex/{decree.id}/scan")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")

    # The signed decree no longer changes: no new proposal, no removal, no second signature.
    late = _proposals(db_session, ProposalStatus.ACCEPTED, 1)
    refused = _add(client, decree, late)
    assert refused.status_code == 409 and "tidak dapat diubah" in refused.text
    removal = client.post(f"/admin/decree/annex/{decree.id}/remove/{proposals[0].id}", data={}, follow_redirects=False)
    assert removal.status_code == 409
    assert _sign(client, decree, ("lain.pdf", PDF + b"x", "application/pdf")).status_code == 409
    assert _statuses(db_session, [*proposals, *late]) == [ProposalStatus.RATIFIED] * 3 + [ProposalStatus.ACCEPTED]
    assert db_session.get(Decree, decree.id).signed_file_sha256 == signed.signed_file_sha256

    other = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.71", "dinsos_lain_unduh")
    assert other.get(f"/admin/decree/annex/{decree.id}/scan").status_code == 404
    client.__exit__(None, None, None)
    other.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("scan", "number", "message"),
    [
        (None, "188/1/2026", "Berkas kosong"),
        (("sk.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 50, "application/pdf"), "188/1/2026", "hanya PDF"),
        (("sk.pdf", b"", "application/pdf"), "188/1/2026", "Berkas kosong"),
        (("sk.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "application/pdf"), "188/1/2026", "terlalu besar"),
        (("sk.pdf", PDF, "application/pdf"), "  ", "Nomor SK wajib"),
    ],
    ids=["no-scan", "renamed-executable", "empty-file", "oversized-file", "no-number"],
)
def test_a_signature_without_an_acceptable_scan_or_number_is_refused_and_changes_nothing(
    scan: tuple[str, bytes, str] | None, number: str, message: str, app: object, db_session: Session
) -> None:
    proposals = _proposals(db_session, ProposalStatus.ACCEPTED, 2)
    decree = _draft(db_session)
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_tolak")
    assert _add(client, decree, proposals).status_code == 303

    response = _sign(client, decree, scan, number=number)

    assert response.status_code == 409 and message in response.text
    assert _statuses(db_session, proposals) == [ProposalStatus.IN_DECREE] * 2
    stored = db_session.get(Decree, decree.id)
    assert not stored.is_signed and stored.number is None and stored.signed_file_path is None
    client.__exit__(None, None, None)


def test_a_proposal_of_another_regency_cannot_be_added_and_nothing_changes(app: object, db_session: Session) -> None:
    own = _proposals(db_session, ProposalStatus.ACCEPTED, 1)
    foreign = _proposals(db_session, ProposalStatus.ACCEPTED, 1, village=OTHER_REGENCY_VILLAGE)
    decree = _draft(db_session)
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_asing")

    assert foreign[0].id and f'value="{foreign[0].id}"' not in client.get(f"/admin/decree/annex/{decree.id}").text
    assert _add(client, decree, [*own, *foreign]).status_code == 404

    assert _statuses(db_session, [*own, *foreign]) == [ProposalStatus.ACCEPTED] * 2
    assert db_session.get(Decree, decree.id).proposals == []
    assert _transitions(db_session, own[0]) == []
    client.__exit__(None, None, None)


def test_a_proposal_taken_out_of_an_unsigned_draft_goes_back_to_accepted(app: object, db_session: Session) -> None:
    proposals = _proposals(db_session, ProposalStatus.ACCEPTED, 2)
    decree = _draft(db_session)
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_keluarkan")
    assert _add(client, decree, proposals).status_code == 303

    response = client.post(
        f"/admin/decree/annex/{decree.id}/remove/{proposals[0].id}", data={"note": "Salah"}, follow_redirects=False
    )

    assert response.status_code == 303
    assert _statuses(db_session, proposals) == [ProposalStatus.ACCEPTED, ProposalStatus.IN_DECREE]
    assert [p.id for p in db_session.get(Decree, decree.id).proposals] == [proposals[1].id]
    assert [a.after["status"] for a in _transitions(db_session, proposals[0])] == ["in_decree", "accepted"]
    client.__exit__(None, None, None)


def _signed_decree(session: Session, proposals: list[Proposal]) -> Decree:
    # Stored signed with its annex at once: a signed decree's annex no longer changes (models/finality.py).
    signed_at = datetime(2026, 11, 2, tzinfo=UTC)
    return _draft(session, number="188.45/9/2026", signed_at=signed_at, proposals=list(proposals))


def test_the_province_forwards_a_ratified_decree_and_its_proposals_are_forwarded(
    app: object, db_session: Session
) -> None:
    proposals = _proposals(db_session, ProposalStatus.RATIFIED, 3)
    decree = _signed_decree(db_session, proposals)
    other_province = client_logged_in_as(app, db_session, Role.OPERATOR_PROVINSI, "73", "provinsi_lain")
    assert "188.45/9/2026" not in other_province.get("/admin/decree/forwarding").text
    data = {"number": "400/77/2026", "letter_date": TODAY, "signer_name": "Kadis Provinsi", "signer_title": "Kadis"}
    assert other_province.post(f"/admin/decree/forwarding/{decree.id}", data=data).status_code == 404
    province = client_logged_in_as(app, db_session, Role.OPERATOR_PROVINSI, "52", "provinsi_ntb")
    assert "188.45/9/2026" in province.get("/admin/decree/forwarding").text

    response = province.post(f"/admin/decree/forwarding/{decree.id}", data=data, follow_redirects=False)

    assert response.status_code == 303
    assert _statuses(db_session, proposals) == [ProposalStatus.FORWARDED] * 3
    letter = db_session.scalar(select(Decree).where(Decree.kind == DecreeKind.PROVINCE_FORWARDING))
    assert letter.region_code == "52" and letter.number == "400/77/2026"
    assert [p.id for p in letter.proposals] == [p.id for p in proposals]
    for proposal in proposals:
        assert [a.after["status"] for a in _transitions(db_session, proposal)] == ["forwarded"]
    again = province.post(f"/admin/decree/forwarding/{decree.id}", data=data, follow_redirects=False)
    assert again.status_code == 409
    province.__exit__(None, None, None)
    other_province.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.KABID, "52.72"), (Role.OPERATOR_DESA, VILLAGE), (Role.OPERATOR_PROVINSI, "52")],
    ids=["kabid", "village-operator", "province-operator"],
)
def test_roles_without_the_permission_are_refused(role: Role, scope: str, app: object, db_session: Session) -> None:
    proposals = _proposals(db_session, ProposalStatus.ACCEPTED, 1)
    decree = _draft(db_session)
    client = client_logged_in_as(app, db_session, role, scope, f"tanpa_izin_{role.value}")

    assert _add(client, decree, proposals).status_code == 403
    assert _sign(client, decree, ("sk.pdf", PDF, "application/pdf")).status_code == 403

    assert _statuses(db_session, proposals) == [ProposalStatus.ACCEPTED]
    assert not db_session.get(Decree, decree.id).is_signed
    client.__exit__(None, None, None)


def test_the_district_may_not_forward(app: object, db_session: Session) -> None:
    decree = _signed_decree(db_session, _proposals(db_session, ProposalStatus.RATIFIED, 1))
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_teruskan")
    assert client.get("/admin/decree/forwarding").status_code == 403
    data = {"number": "1", "letter_date": TODAY, "signer_name": "A"}
    assert client.post(f"/admin/decree/forwarding/{decree.id}", data=data).status_code == 403
    client.__exit__(None, None, None)
