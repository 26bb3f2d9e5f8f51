"""The district's services driven through the core alone: a certificate up its paraf chain, a complaint handled.

No HTTP: each step is a chain/ function of (session, actor) on the test database, the test commits as a caller
does (`begin_write`, the call, `commit_or_conflict`), and each refusal is one of the four named ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain import certificates, complaints
from chain.actor import Actor, actor_for
from chain.store import begin_write, commit_or_conflict, write_transaction
from console.database import make_session_factory
from models import AuditAction, AuditEntry, Certificate, CertificateResult, CertificateStep, Complaint, Household
from models.certificate_flow import PARAF_CHAIN
from models.complaint import ComplaintStatus
from models.household import DtksStatus
from models.refusals import Conflict, Invalid, NotAllowed, NotFound, Refusal
from models.user import Role
from tests.factories import make_household, make_user, new_complaint

VILLAGE = "52.72.01.1001"  # Kota Bima
REGENCY = "52.72"
OTHER_REGENCY = "73.02"  # Bulukumba
PARAF_ROLES = [next(iter(step.roles)) for step in PARAF_CHAIN]


def _actor(session: Session, role: Role, scope: str | None = REGENCY) -> Actor:
    user = make_user(session, role, scope)
    session.commit()
    return actor_for(session, user)


def _registered(session: Session, village: str = VILLAGE) -> Household:
    household = make_household(session, region_code=village, dtks_status=DtksStatus.REGISTERED, period="2026-07")
    session.commit()
    return household


def _in_a_write(session: Session, work: Callable[[], Any]) -> Any:
    """What a caller does around a core call: take the write lock, call, commit (or say the conflict)."""
    session.rollback()  # end the read transaction the setup left open, so BEGIN IMMEDIATE can start one
    begin_write(session)
    result = work()
    commit_or_conflict(session, taken=certificates.PARAF_TAKEN)
    return result


def _ask(session: Session, desk: Actor, nik: str, name: str = "Pemohon Uji") -> Certificate:
    return _in_a_write(
        session, lambda: certificates.request_certificate(session, desk, nik=nik, applicant_name=name, purpose="KIP")
    )


def _give(session: Session, actor: Actor, pk: int, action: str) -> certificates.ParafStep:
    return _in_a_write(session, lambda: certificates.paraf(session, actor, pk, action))


def _trail(session: Session, object_type: str, object_id: int) -> list[AuditEntry]:
    """The explicit events of a record (the desk's lookup, the steps), not its row changes."""
    statement = select(AuditEntry).where(
        AuditEntry.object_type == object_type,
        AuditEntry.object_id == str(object_id),
        AuditEntry.action.in_((AuditAction.LOOKUP, AuditAction.TRANSITION)),
    )
    return list(session.scalars(statement.order_by(AuditEntry.id)))


# --- certificates ----------------------------------------------------------------------------------------------


def test_a_registered_nik_goes_up_the_whole_paraf_chain_to_a_printable_letter(db_session: Session) -> None:
    household = _registered(db_session)
    desk = _actor(db_session, Role.PETUGAS_LAYANAN)
    officials = {role: _actor(db_session, role) for role in PARAF_ROLES}

    certificate = _ask(db_session, desk, household.members[0].nik)
    assert (certificate.result, certificate.step) == (CertificateResult.REGISTERED, CertificateStep.REQUESTED)
    assert certificate.letter_number == f"474/001/DINSOS/{certificate.requested_at.year}"
    assert certificates.signed_letter(db_session, desk, certificate.id) is None  # nothing to print yet

    for step, role in zip(PARAF_CHAIN, PARAF_ROLES, strict=True):
        loaded = certificates.load_certificate(db_session, desk, certificate.id)
        offered = {other: certificates.offered_step(actor, loaded) for other, actor in officials.items()}
        assert offered == {other: step if other == role else None for other in officials}
        assert _give(db_session, officials[role], certificate.id, step.action) == step

    signed = certificates.signed_letter(db_session, desk, certificate.id)
    assert signed is not None
    letter, signature = signed
    assert letter.step == CertificateStep.SIGNED and letter.completed_at is not None
    assert [approval.step for approval in letter.approvals] == [step.target for step in PARAF_CHAIN]
    # Each paraf carries its certificate's region code (models/scope_sync.py), as every child row does.
    assert {approval.region_code for approval in letter.approvals} == {letter.region_code}
    assert signature.user_name == officials[Role.KEPALA_DINAS].name
    assert certificates.requested_member(letter) == household.members[0]
    assert not certificates.is_late(letter) and certificates.next_step(letter) is None
    trail = _trail(db_session, "certificate", certificate.id)
    assert [entry.action for entry in trail] == [AuditAction.LOOKUP] + [AuditAction.TRANSITION] * len(PARAF_CHAIN)
    assert all(household.members[0].nik not in entry.message for entry in trail)


def test_the_next_request_of_the_regency_gets_the_next_number(db_session: Session) -> None:
    desk = _actor(db_session, Role.PETUGAS_LAYANAN)
    numbers = [_ask(db_session, desk, _registered(db_session).members[0].nik).sequence for _ in range(3)]
    assert numbers == [1, 2, 3]


@pytest.mark.parametrize(
    ("place", "status", "period"),
    [
        (VILLAGE, DtksStatus.NOT_REGISTERED, None),
        ("73.02.01.1001", DtksStatus.REGISTERED, "2026-07"),  # registered, but in another regency
    ],
    ids=["not-in-the-register", "registered-in-another-regency"],
)
def test_a_nik_not_registered_here_is_recorded_closed_with_the_advice(
    db_session: Session, place: str, status: DtksStatus, period: str | None
) -> None:
    household = make_household(db_session, region_code=place, dtks_status=status, period=period)
    db_session.commit()
    certificate = _ask(db_session, _actor(db_session, Role.PETUGAS_LAYANAN), household.members[0].nik)
    assert (certificate.result, certificate.step) == (CertificateResult.NOT_REGISTERED, CertificateStep.CLOSED)
    assert certificate.household_id is None and certificate.letter_number is None
    assert certificate.notes == certificates.ADVICE_NOT_REGISTERED


DESK_REFUSALS = [
    (Role.PETUGAS_LAYANAN, "12345", "Pemohon", Invalid, "NIK tidak sah", "nik"),
    (Role.PETUGAS_LAYANAN, None, "  ", Invalid, "Nama pemohon wajib diisi.", "applicant_name"),
    (Role.PETUGAS_LAYANAN, None, "a" * 121, Invalid, "Nama pemohon: Paling banyak 120 karakter", ""),
    (Role.KABID, None, "Pemohon", NotAllowed, "", ""),
]


@pytest.mark.parametrize(
    ("role", "nik", "name", "refusal", "message", "field"),
    DESK_REFUSALS,
    ids=["invalid-nik", "no-name", "name-too-long", "role-without-the-desk"],
)
def test_the_desk_refuses_and_records_nothing(
    db_session: Session, role: Role, nik: str | None, name: str, refusal: type[Refusal], message: str, field: str
) -> None:
    household = _registered(db_session)
    actor = _actor(db_session, role)
    with pytest.raises(refusal, match=message or None) as raised:
        _ask(db_session, actor, nik or household.members[0].nik, name)
    assert (field in raised.value.fields) if field else True
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Certificate)) == 0


def _paraf_setup(session: Session, registered: bool = True) -> tuple[int, dict[str, Actor]]:
    household = _registered(session) if registered else make_household(session, region_code=VILLAGE)
    session.commit()
    certificate = _ask(session, _actor(session, Role.PETUGAS_LAYANAN), household.members[0].nik)
    actors = {role.value: _actor(session, role) for role in PARAF_ROLES}
    actors["outsider"] = _actor(session, Role.PENYULUH, OTHER_REGENCY)
    return certificate.id, actors


PARAF_REFUSALS = [
    ("kabid", "paraf_kabid", Conflict, "berurutan"),
    ("kabid", "paraf_penyuluh", NotAllowed, ""),
    ("penyuluh", "stamp", NotFound, ""),
    ("outsider", "paraf_penyuluh", NotFound, ""),
]


@pytest.mark.parametrize(
    ("who", "action", "refusal", "message"),
    PARAF_REFUSALS,
    ids=["out-of-order", "wrong-role", "unknown-action", "another-regency"],
)
def test_a_paraf_out_of_turn_by_the_wrong_role_or_out_of_scope_is_refused(
    db_session: Session, who: str, action: str, refusal: type[Refusal], message: str
) -> None:
    pk, actors = _paraf_setup(db_session)
    with pytest.raises(refusal, match=message or None):
        _in_a_write(db_session, lambda: certificates.paraf(db_session, actors[who], pk, action))
    db_session.rollback()
    assert db_session.get(Certificate, pk).step == CertificateStep.REQUESTED


def test_a_second_paraf_of_the_same_step_is_a_conflict(db_session: Session) -> None:
    pk, actors = _paraf_setup(db_session)
    _in_a_write(db_session, lambda: certificates.paraf(db_session, actors["penyuluh"], pk, "paraf_penyuluh"))
    with pytest.raises(Conflict, match="paraf kedua"):
        _in_a_write(db_session, lambda: certificates.paraf(db_session, actors["penyuluh"], pk, "paraf_penyuluh"))


def test_a_request_not_registered_has_nothing_to_initial(db_session: Session) -> None:
    pk, actors = _paraf_setup(db_session, registered=False)
    with pytest.raises(Conflict, match=certificates.NOT_REGISTERED_NO_PARAF):
        _in_a_write(db_session, lambda: certificates.paraf(db_session, actors["penyuluh"], pk, "paraf_penyuluh"))


def test_a_number_taken_at_the_commit_is_tried_once_more_in_a_fresh_transaction(
    engine: Engine, db_session: Session
) -> None:
    household = _registered(db_session)
    desk = _actor(db_session, Role.PETUGAS_LAYANAN)
    taken = _ask(db_session, desk, household.members[0].nik)
    factory = make_session_factory(engine)
    tries: list[int] = []

    def ask(session: Session) -> Certificate:
        certificate = certificates.request_certificate(
            session, desk, nik=household.members[0].nik, applicant_name="Pemohon", purpose=""
        )
        tries.append(certificate.id)
        if len(tries) == 1:  # as if another desk had taken this number between the read and the commit
            certificate.sequence = taken.sequence
        return certificate

    certificate = write_transaction(factory, ask, attempts=2, taken=certificates.NUMBER_TAKEN)
    assert len(tries) == 2 and certificate.sequence == taken.sequence + 1
    tries.clear()
    with pytest.raises(Conflict, match="Nomor surat keterangan baru saja dipakai"):
        write_transaction(factory, ask, attempts=1, taken=certificates.NUMBER_TAKEN)
    assert len(tries) == 1


# --- complaints ------------------------------------------------------------------------------------------------


def _complaint(session: Session, village: str = VILLAGE) -> int:
    complaint = new_complaint(village)
    session.add(complaint)
    session.commit()
    return complaint.id


def _perform(session: Session, actor: Actor, pk: int, action: str, **given: Any) -> complaints.ComplaintStep:
    return _in_a_write(session, lambda: complaints.perform(session, actor, pk, action, **given))


def test_a_complaint_is_assigned_started_and_resolved_with_its_trail(db_session: Session) -> None:
    pk = _complaint(db_session)
    district = _actor(db_session, Role.OPERATOR_DINSOS)
    handler = make_user(db_session, Role.PETUGAS_LAYANAN, REGENCY)
    db_session.commit()
    loaded = complaints.load_complaint(db_session, district, pk)
    assert [step.action for step in complaints.offered_steps(district, loaded)] == ["assign", "start", "reject"]
    assert handler in complaints.assignable_users(db_session, loaded)

    _perform(db_session, district, pk, "assign", assignee_id=handler.id)
    _perform(db_session, district, pk, "start")
    _perform(db_session, district, pk, "resolve", text="  Sudah diusulkan lewat Musdes. ")

    complaint = db_session.get(Complaint, pk)
    assert (complaint.status, complaint.assigned_to_id) == (ComplaintStatus.RESOLVED, handler.id)
    assert complaint.response == "Sudah diusulkan lewat Musdes." and complaint.resolved_at is not None
    assert complaints.offered_steps(district, complaint) == []
    trail = _trail(db_session, "complaint", pk)
    assert [entry.after["status"] for entry in trail] == ["baru", "diproses", "selesai"]


def test_a_new_complaint_is_rejected_with_its_reason(db_session: Session) -> None:
    pk = _complaint(db_session)
    _perform(db_session, _actor(db_session, Role.PETUGAS_LAYANAN), pk, "reject", text="Di luar kewenangan dinas.")
    complaint = db_session.get(Complaint, pk)
    assert (complaint.status, complaint.response) == (ComplaintStatus.REJECTED, "Di luar kewenangan dinas.")


COMPLAINT_REFUSALS = [
    (Role.OPERATOR_DINSOS, REGENCY, "resolve", {"text": "Selesai."}, Conflict, "tidak dapat dilakukan"),
    (Role.OPERATOR_DINSOS, REGENCY, "reject", {"text": " "}, Invalid, "Alasan penolakan wajib diisi"),
    (Role.OPERATOR_DINSOS, REGENCY, "reject", {"text": "y" * 5001}, Invalid, "Tanggapan|Alasan penolakan: Paling"),
    (Role.OPERATOR_DINSOS, REGENCY, "assign", {"assignee_id": None}, Invalid, "kabupaten/kota yang sama"),
    (Role.TKSK, "52.72.01", "start", {}, NotAllowed, ""),
    (Role.OPERATOR_DINSOS, OTHER_REGENCY, "start", {}, NotFound, ""),
    (Role.OPERATOR_DINSOS, REGENCY, "escalate", {}, NotFound, ""),
]


@pytest.mark.parametrize(
    ("role", "scope", "action", "given", "refusal", "message"),
    COMPLAINT_REFUSALS,
    ids=["out-of-order", "no-reason", "reason-too-long", "no-handler", "role-without-it", "another-regency",
         "unknown-action"],
)  # fmt: skip
def test_a_complaint_step_refused_changes_nothing(
    db_session: Session,
    role: Role,
    scope: str,
    action: str,
    given: dict[str, Any],
    refusal: type[Refusal],
    message: str,
) -> None:
    pk = _complaint(db_session)
    with pytest.raises(refusal, match=message or None):
        _perform(db_session, _actor(db_session, role, scope), pk, action, **given)
    db_session.rollback()
    complaint = db_session.get(Complaint, pk)
    assert (complaint.status, complaint.assigned_to_id, complaint.response) == (ComplaintStatus.NEW, None, "")
    assert _trail(db_session, "complaint", pk) == []


def test_a_handler_from_another_regency_cannot_be_assigned(db_session: Session) -> None:
    pk = _complaint(db_session)
    outsider = make_user(db_session, Role.PETUGAS_LAYANAN, OTHER_REGENCY)
    db_session.commit()
    with pytest.raises(Invalid, match="kabupaten/kota yang sama") as raised:
        _perform(db_session, _actor(db_session, Role.KABID), pk, "assign", assignee_id=outsider.id)
    assert "assignee" in raised.value.fields
