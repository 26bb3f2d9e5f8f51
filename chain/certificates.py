"""The certificate desk (Surat Keterangan Terdaftar DTKS, seed 004): NIK lookup, numbering, paraf chain.

A `petugas_layanan` types a NIK at the desk. The member is looked up nationwide, but the answer is given
only within the officer's regency: a NIK registered elsewhere reads as "not found" here, so the desk leaks
nothing about other regencies. Every request is recorded (found or not) and every lookup audited with the
NIK masked. A registered NIK gets the next letter number of the regency and year, computed inside the
caller's write transaction (`begin_write`); the unique constraint is the backstop (the caller may try once
more). The paraf chain (models/certificate_flow.py) then runs penyuluh sosial -> kabid -> sekretaris ->
kepala dinas (who signs), one CertificateApproval per step, in order. The caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from chain.actor import Actor
from chain.audit import record, record_transition
from chain.store import load_scoped
from models.audit import AuditAction
from models.base import utc_now
from models.certificate import SERVICE_TARGET_MINUTES, Certificate, CertificateApproval, CertificateResult, new_code
from models.certificate import CertificateStep as Step
from models.certificate_flow import CERTIFICATE_FLOW, LOOKUP
from models.flow import FlowStep
from models.household import DtksStatus, Household
from models.identity import check_nik, mask_identity_number
from models.member import Member
from models.refusals import Conflict, Invalid, NotAllowed, NotFound
from models.region import Region
from models.region_codes import is_within
from models.text import checked_text

ParafStep = FlowStep[Step]
ADVICE_NOT_REGISTERED = (
    "NIK tidak ditemukan sebagai anggota keluarga terdaftar DTKS periode berjalan di wilayah ini. "
    "Silakan mendaftar melalui operator SIKS-NG di desa/kelurahan tempat tinggal."
)
NUMBER_TAKEN = "Nomor surat keterangan baru saja dipakai permohonan lain; permohonan Anda tidak dicatat. Coba lagi."
# A concurrent paraf of the same step meets the (certificate, step) unique constraint at the commit.
PARAF_TAKEN = "Data surat keterangan sudah berubah oleh pengguna lain; paraf Anda tidak disimpan. Muat ulang."
NOT_REGISTERED_NO_PARAF = "Permohonan ini tidak terdaftar di DTKS; tidak ada surat yang diparaf."
OUT_OF_ORDER = "Paraf harus berurutan: penyuluh sosial, kabid, sekretaris, kepala dinas."


def letter_number(sequence: int, year: int) -> str:
    return f"474/{sequence:03d}/DINSOS/{year}"


def find_registered_household(session: Session, nik: str, regency: str) -> Household | None:
    """The member's household when it is in the DTKS for its period and lies within `regency`; else None."""
    member = session.scalar(select(Member).where(Member.nik == nik))
    if member is None:
        return None
    household = member.household
    if not is_within(household.region_code, regency):
        return None  # exists elsewhere: answered as "not found" here
    if household.dtks_status != DtksStatus.REGISTERED or not household.period:
        return None
    return household


def desk_regency(actor: Actor) -> str:
    """The regency whose register the actor's desk answers from: their own scope, which a desk must have."""
    user = actor.require(LOOKUP.permission)
    if not user.scope_region_code:
        raise NotAllowed()
    return user.scope_region_code


def checked_request(nik: str, applicant_name: str, purpose: str) -> tuple[str, str, str]:
    """The desk's three fields, trimmed and checked; Invalid (naming the field) for the first one wrong."""
    nik = (nik or "").strip()
    if errors := check_nik(nik).errors:
        raise Invalid("NIK tidak sah: " + " ".join(errors), fields={"nik": " ".join(errors)})
    applicant_name = (applicant_name or "").strip()
    if not applicant_name:
        raise Invalid("Nama pemohon wajib diisi.", fields={"applicant_name": "wajib diisi"})
    columns = Certificate.__mapper__.columns
    applicant_name = checked_text(columns.applicant_name, applicant_name, "Nama pemohon", Invalid)
    purpose = checked_text(columns.purpose, (purpose or "").strip(), "Keperluan", Invalid)
    return nik, applicant_name, purpose


def request_certificate(
    session: Session, actor: Actor, *, nik: str, applicant_name: str, purpose: str, at: datetime | None = None
) -> Certificate:
    """Record one desk request (found or not) and audit the lookup, at `at` (now); the caller commits."""
    regency = desk_regency(actor)
    nik, applicant_name, purpose = checked_request(nik, applicant_name, purpose)
    now = at or utc_now()
    certificate = Certificate(
        region_code=regency,
        requested_nik=nik,
        applicant_name=applicant_name,
        purpose=purpose,
        handled_by_id=actor.id,
        requested_at=now,
    )
    household = find_registered_household(session, nik, regency)
    if household is not None:
        _number(session, certificate, household, now)
    else:
        certificate.result, certificate.step = CertificateResult.NOT_REGISTERED, Step.CLOSED
        certificate.completed_at, certificate.notes = now, ADVICE_NOT_REGISTERED
    session.add(certificate)
    session.flush()
    record(
        session,
        AuditAction.LOOKUP,
        object_type=Certificate.__tablename__,
        object_id=certificate.id,
        region_code=regency,
        message=f"Pencarian NIK {mask_identity_number(nik)} di layanan surat keterangan: {certificate.result.label}.",
    )
    return certificate


def _number(session: Session, certificate: Certificate, household: Household, now: datetime) -> None:
    """Give a registered request the next letter number of its regency and year."""
    regency = certificate.region_code
    # Serialise numbering per regency: SQLite already holds its write lock (begin_write); PostgreSQL locks the
    # regency's row (FOR NO KEY UPDATE, so rows referencing it can still be inserted).
    session.execute(select(Region.code).where(Region.code == regency).with_for_update(key_share=True))
    last = session.scalar(
        select(func.max(Certificate.sequence)).where(Certificate.region_code == regency, Certificate.year == now.year)
    )
    sequence = (last or 0) + 1
    certificate.result, certificate.household_id = CertificateResult.REGISTERED, household.id
    certificate.year, certificate.sequence = now.year, sequence
    certificate.letter_number = letter_number(sequence, now.year)
    certificate.step = Step.REQUESTED


def load_certificate(session: Session, actor: Actor, pk: int) -> Certificate:
    """The certificate through the actor's scope (NotFound outside), with approvals and household loaded."""
    return load_scoped(
        session,
        actor,
        Certificate,
        pk,
        selectinload(Certificate.approvals),
        selectinload(Certificate.household).selectinload(Household.members),
    )


def next_step(certificate: Certificate) -> ParafStep | None:
    """The paraf the certificate waits for, or None when it is signed or closed."""
    steps = CERTIFICATE_FLOW.from_status(certificate.step)
    return steps[0] if steps else None


def offered_step(actor: Actor, certificate: Certificate) -> ParafStep | None:
    """The next paraf when the actor's role may give it; else None (the page offers nothing)."""
    step = next_step(certificate)
    return step if step is not None and actor.allows(*step.permission) else None


def paraf(session: Session, actor: Actor, pk: int, action: str, *, at: datetime | None = None) -> ParafStep:
    """Record one paraf (or the signature) at `at` (now): the role by casbin, the scope, the order.

    NotFound for an unknown action or a certificate out of scope, NotAllowed for the wrong role, Conflict when
    out of turn; the caller commits (a concurrent paraf of the same step is the unique constraint's Conflict).
    """
    step = CERTIFICATE_FLOW.any_step(action)
    if step is None:
        raise NotFound()
    user = actor.require(step.permission)
    certificate = load_certificate(session, actor, pk)
    _check_turn(certificate, step)
    now = at or utc_now()
    source = certificate.step
    certificate.step = step.target
    approval = CertificateApproval(step=step.target, user_id=user.id, user_name=actor.name[:120], at=now)
    certificate.approvals.append(approval)
    if step.target == Step.SIGNED:
        certificate.completed_at = now
        certificate.verification_code = new_code()  # printed with its QR (chain/letter_verification.py)
    message = f"{step.label}: {source.label} -> {step.target.label}"
    record_transition(session, certificate, message, before={"step": source.value}, after={"step": step.target.value})
    return step


def _check_turn(certificate: Certificate, step: ParafStep) -> None:
    if certificate.result != CertificateResult.REGISTERED:
        raise Conflict(NOT_REGISTERED_NO_PARAF)
    if any(approval.step == step.target for approval in certificate.approvals):
        raise Conflict(f"{step.label} sudah diberikan; paraf kedua tidak dicatat.")
    if certificate.step != step.source:
        raise Conflict(
            f"{step.label} belum dapat diberikan: surat masih pada tahap '{certificate.step.label}'. {OUT_OF_ORDER}"
        )


def elapsed_minutes(certificate: Certificate, now: datetime | None = None) -> float:
    """Minutes from the request to its completion (or to `now` while it is open)."""
    end = certificate.completed_at or now or utc_now()
    start = certificate.requested_at
    if start.tzinfo is None and end.tzinfo is not None:
        end = end.replace(tzinfo=None)
    elif end.tzinfo is None and start.tzinfo is not None:
        start = start.replace(tzinfo=None)
    return max((end - start).total_seconds() / 60, 0.0)


def is_late(certificate: Certificate, now: datetime | None = None) -> bool:
    """Over the 15-minute service standard (seed 004)."""
    return elapsed_minutes(certificate, now) > SERVICE_TARGET_MINUTES


def requested_member(certificate: Certificate) -> Member | None:
    household = certificate.household
    if household is None:
        return None
    return next((member for member in household.members if member.nik == certificate.requested_nik), None)


def signed_letter(session: Session, actor: Actor, pk: int) -> tuple[Certificate, CertificateApproval] | None:
    """The certificate and its signature when the kepala dinas has signed; None before (nothing to print)."""
    certificate = load_certificate(session, actor, pk)
    if certificate.step != Step.SIGNED:
        return None
    return certificate, next(a for a in certificate.approvals if a.step == Step.SIGNED)
