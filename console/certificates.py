"""The certificate desk (Surat Keterangan Terdaftar DTKS, seed 004): NIK lookup, numbering, paraf chain.

A `petugas_layanan` types a NIK into a POST form. The member is looked up nationwide, but the answer is
given only within the officer's regency: a NIK registered elsewhere reads as "not found" here, so the desk
leaks nothing about other regencies. Every request is recorded (found or not) and every lookup audited with
the NIK masked. A registered NIK gets the next letter number of the regency and year, computed inside the
write transaction (`begin_write`); the unique constraint is the backstop, with one retry on a conflict.
The paraf chain then runs penyuluh sosial -> kabid -> sekretaris -> kepala dinas (who signs), one recorded
CertificateApproval per step, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request

from chain.audit import record
from chain.store import begin_write
from console.authorization import current_user, may
from models import (
    AuditAction,
    Certificate,
    CertificateApproval,
    CertificateResult,
    CertificateStep,
    Household,
    Region,
)
from models.base import utc_now
from models.certificate import SERVICE_TARGET_MINUTES
from models.household import DtksStatus
from models.identity import check_nik, mask_identity_number
from models.member import Member
from models.region_codes import is_within
from models.text import checked_text
from models.user import Role
from policies.scope import Scope

RESOURCE = "certificate"
LOOKUP_PERMISSION = "action:lookup"
ADVICE_NOT_REGISTERED = (
    "NIK tidak ditemukan sebagai anggota keluarga terdaftar DTKS periode berjalan di wilayah ini. "
    "Silakan mendaftar melalui operator SIKS-NG di desa/kelurahan tempat tinggal."
)
CHANGED_UNDER_YOU = "Data surat keterangan sudah berubah oleh pengguna lain; paraf Anda tidak disimpan. Muat ulang."


@dataclass(frozen=True)
class ParafStep:
    source: CertificateStep
    target: CertificateStep
    role: Role
    action: str
    label: str


PARAF_CHAIN: tuple[ParafStep, ...] = (
    ParafStep(
        CertificateStep.REQUESTED,
        CertificateStep.PARAF_PENYULUH,
        Role.PENYULUH,
        "paraf_penyuluh",
        "Paraf penyuluh sosial",
    ),
    ParafStep(CertificateStep.PARAF_PENYULUH, CertificateStep.PARAF_KABID, Role.KABID, "paraf_kabid", "Paraf kabid"),
    ParafStep(
        CertificateStep.PARAF_KABID,
        CertificateStep.PARAF_SEKRETARIS,
        Role.SEKRETARIS,
        "paraf_sekretaris",
        "Paraf sekretaris",
    ),
    ParafStep(
        CertificateStep.PARAF_SEKRETARIS,
        CertificateStep.SIGNED,
        Role.KEPALA_DINAS,
        "sign",
        "Tanda tangan kepala dinas",
    ),
)
BY_ACTION = {step.action: step for step in PARAF_CHAIN}


class DeskRefused(ValueError):
    """A request the desk refuses (invalid NIK, missing name, out-of-order paraf); message in Indonesian."""


def letter_number(sequence: int, year: int) -> str:
    return f"474/{sequence:03d}/DINSOS/{year}"


def regency_of(request: Request) -> str:
    user = current_user(request)
    if user is None or not user.scope_region_code:
        raise HTTPException(status_code=403)
    return user.scope_region_code


def _scope(request: Request) -> Scope:
    user = current_user(request)
    return Scope.of(user) if user is not None else Scope(None, valid=False)


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


def request_certificate(
    session_factory: sessionmaker[Session], request: Request, *, nik: str, applicant_name: str, purpose: str
) -> Certificate:
    """Record one desk request (found or not) and audit the lookup; raises DeskRefused for bad input."""
    user = current_user(request)
    if user is None or not may(request, RESOURCE, LOOKUP_PERMISSION):
        raise HTTPException(status_code=403)
    regency = regency_of(request)
    nik = (nik or "").strip()
    check = check_nik(nik)
    if check.errors:
        raise DeskRefused("NIK tidak sah: " + " ".join(check.errors))
    applicant_name = (applicant_name or "").strip()
    if not applicant_name:
        raise DeskRefused("Nama pemohon wajib diisi.")
    columns = Certificate.__table__.c
    applicant_name = checked_text(columns.applicant_name, applicant_name, "Nama pemohon", DeskRefused)
    purpose = checked_text(columns.purpose, (purpose or "").strip(), "Keperluan", DeskRefused)
    for attempt in range(2):
        try:
            return _record_request(session_factory, user.id, regency, nik, applicant_name, purpose)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _record_request(
    session_factory: sessionmaker[Session], user_id: int, regency: str, nik: str, applicant_name: str, purpose: str
) -> Certificate:
    with session_factory() as session:
        begin_write(session)
        household = find_registered_household(session, nik, regency)
        now = utc_now()
        certificate = Certificate(
            region_code=regency,
            requested_nik=nik,
            applicant_name=applicant_name,
            purpose=purpose,
            handled_by_id=user_id,
            requested_at=now,
        )
        if household is not None:
            # Serialise numbering per regency: SQLite already holds its write lock (begin_write); PostgreSQL
            # locks the regency's row (FOR NO KEY UPDATE, so rows referencing it can still be inserted).
            session.execute(select(Region.code).where(Region.code == regency).with_for_update(key_share=True))
            year = now.year
            last = session.scalar(
                select(func.max(Certificate.sequence)).where(
                    Certificate.region_code == regency, Certificate.year == year
                )
            )
            sequence = (last or 0) + 1
            certificate.result = CertificateResult.REGISTERED
            certificate.household_id = household.id
            certificate.year, certificate.sequence = year, sequence
            certificate.letter_number = letter_number(sequence, year)
            certificate.step = CertificateStep.REQUESTED
        else:
            certificate.result = CertificateResult.NOT_REGISTERED
            certificate.step = CertificateStep.CLOSED
            certificate.completed_at = now
            certificate.notes = ADVICE_NOT_REGISTERED
        session.add(certificate)
        session.flush()
        record(
            session,
            AuditAction.LOOKUP,
            object_type=Certificate.__tablename__,
            object_id=certificate.id,
            region_code=regency,
            message=f"Pencarian NIK {mask_identity_number(nik)} di layanan surat keterangan: "
            f"{certificate.result.label}.",
        )
        session.commit()
        return certificate


def load_certificate(session: Session, request: Request, pk: int) -> Certificate:
    """The certificate through the user's scope (404 outside), with approvals and household loaded."""
    statement = (
        select(Certificate)
        .where(Certificate.id == pk, _scope(request).condition(Certificate.region_code))
        .options(
            selectinload(Certificate.approvals),
            selectinload(Certificate.household).selectinload(Household.members),
        )
    )
    certificate = session.scalar(statement)
    if certificate is None:
        raise HTTPException(status_code=404)
    return certificate


def next_step(certificate: Certificate) -> ParafStep | None:
    return next((step for step in PARAF_CHAIN if step.source == certificate.step), None)


def offered_step(request: Request, certificate: Certificate) -> ParafStep | None:
    step = next_step(certificate)
    if step is None or not may(request, RESOURCE, f"action:{step.action}"):
        return None
    return step


def paraf(session_factory: sessionmaker[Session], request: Request, pk: int, action: str) -> ParafStep:
    """Record one paraf (or the signature): role by casbin, scope, order; raises DeskRefused when out of turn."""
    user = current_user(request)
    step = BY_ACTION.get(action)
    if user is None or step is None:
        raise HTTPException(status_code=404)
    if not may(request, RESOURCE, f"action:{action}"):
        raise HTTPException(status_code=403)
    with session_factory() as session:
        begin_write(session)
        certificate = load_certificate(session, request, pk)
        if certificate.result != CertificateResult.REGISTERED:
            raise DeskRefused("Permohonan ini tidak terdaftar di DTKS; tidak ada surat yang diparaf.")
        if any(approval.step == step.target for approval in certificate.approvals):
            raise DeskRefused(f"{step.label} sudah diberikan; paraf kedua tidak dicatat.")
        if certificate.step != step.source:
            raise DeskRefused(
                f"{step.label} belum dapat diberikan: surat masih pada tahap '{certificate.step.label}'. "
                "Paraf harus berurutan: penyuluh sosial, kabid, sekretaris, kepala dinas."
            )
        now = utc_now()
        source = certificate.step
        certificate.step = step.target
        certificate.approvals.append(
            CertificateApproval(step=step.target, user_id=user.id, user_name=user.full_name[:120], at=now)
        )
        if step.target == CertificateStep.SIGNED:
            certificate.completed_at = now
        try:
            record(
                session,
                AuditAction.TRANSITION,
                object_type=Certificate.__tablename__,
                object_id=certificate.id,
                region_code=certificate.region_code,
                message=f"{step.label}: {source.label} -> {step.target.label}",
                before={"step": source.value},
                after={"step": step.target.value},
            )
            session.commit()
        except IntegrityError as error:
            session.rollback()
            raise DeskRefused(CHANGED_UNDER_YOU) from error
        return step


def elapsed_minutes(certificate: Certificate) -> float:
    end = certificate.completed_at or utc_now()
    start = certificate.requested_at
    if start.tzinfo is None and end.tzinfo is not None:
        end = end.replace(tzinfo=None)
    elif end.tzinfo is None and start.tzinfo is not None:
        start = start.replace(tzinfo=None)
    return max((end - start).total_seconds() / 60, 0.0)


def is_late(certificate: Certificate) -> bool:
    return elapsed_minutes(certificate) > SERVICE_TARGET_MINUTES


def requested_member(certificate: Certificate) -> Member | None:
    household = certificate.household
    if household is None:
        return None
    return next((member for member in household.members if member.nik == certificate.requested_nik), None)
