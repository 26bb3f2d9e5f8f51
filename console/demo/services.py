"""The district desk in the demo: DTKS certificates up the paraf chain, and complaints in every status."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from console.demo.texts import CERTIFICATE_PURPOSES, COMPLAINT_RESPONSES, COMPLAINT_TEXTS
from models.certificate import Certificate, CertificateApproval, CertificateResult, CertificateStep
from models.complaint import Complaint, ComplaintCategory, ComplaintChannel, ComplaintStatus
from models.household import DtksStatus, Household
from models.user import Role

if TYPE_CHECKING:
    from console.demo.run import DemoRun

PARAF_CHAIN = (
    (CertificateStep.PARAF_PENYULUH, Role.PENYULUH),
    (CertificateStep.PARAF_KABID, Role.KABID),
    (CertificateStep.PARAF_SEKRETARIS, Role.SEKRETARIS),
    (CertificateStep.SIGNED, Role.KEPALA_DINAS),
)


def create_certificates(run: DemoRun) -> None:
    """Four lookups found in the register (three signed, one halfway up the paraf chain), two not found."""
    registered = [h for h in run.homes if h.dtks_status == DtksStatus.REGISTERED]
    unknown = [h for h in run.homes if h.dtks_status == DtksStatus.NOT_REGISTERED]
    steps = [CertificateStep.SIGNED, CertificateStep.SIGNED, CertificateStep.SIGNED, CertificateStep.PARAF_KABID]
    asked = list(zip(run.rng.sample(registered, min(4, len(registered))), steps, strict=False))
    asked += [(home, CertificateStep.CLOSED) for home in run.rng.sample(unknown, min(2, len(unknown)))]
    sequence = 0
    for index, (home, step) in enumerate(asked):
        requested_at = run.timeline.at(14 - 2 * index)
        sequence += step == CertificateStep.SIGNED
        run.session.add(new_certificate(run, home, step, requested_at, sequence))


def new_certificate(
    run: DemoRun, home: Household, step: CertificateStep, requested_at: datetime, sequence: int
) -> Certificate:
    """One desk request: found ones climb the paraf chain up to `step`; a signed one gets its letter number."""
    person, found, signed = (
        run.rng.choice(home.members),
        step != CertificateStep.CLOSED,
        step == CertificateStep.SIGNED,
    )
    chain = PARAF_CHAIN[: [s for s, _ in PARAF_CHAIN].index(step) + 1] if found else ()
    approvals = [
        CertificateApproval(step=s, user_id=run.users[role].id, user_name=run.users[role].full_name)
        for s, role in chain
    ]
    for minutes, approval in enumerate(approvals, start=1):
        approval.at = requested_at + timedelta(minutes=3 * minutes)
    completed_at = None if found and not signed else requested_at + timedelta(minutes=13 if signed else 5)
    return Certificate(
        region_code=run.geography.regency.code,
        requested_nik=person.nik,
        applicant_name=person.name,
        purpose=run.rng.choice(CERTIFICATE_PURPOSES),
        result=CertificateResult.REGISTERED if found else CertificateResult.NOT_REGISTERED,
        household=home if found else None,
        year=requested_at.year if signed else None,
        sequence=sequence if signed else None,
        letter_number=f"474/{sequence:03d}/DINSOS/{requested_at.year}" if signed else None,
        step=step,
        requested_at=requested_at,
        completed_at=completed_at,
        handled_by_id=run.users[Role.PETUGAS_LAYANAN].id,
        approvals=approvals,
        created_at=requested_at,
    )


def create_complaints(run: DemoRun) -> None:
    """Two complaints per category, covering every status and most channels between them."""
    categories, statuses, channels = list(ComplaintCategory), list(ComplaintStatus), list(ComplaintChannel)
    for index in range(2 * len(categories)):
        category = categories[index % len(categories)]
        status = statuses[(index + index // len(categories)) % len(statuses)]
        home = run.rng.choice(run.homes)
        head, created_at = home.members[0], run.timeline.at(run.rng.randint(3, 60))
        closed = status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
        responses = COMPLAINT_RESPONSES[:2] if status == ComplaintStatus.RESOLVED else COMPLAINT_RESPONSES[2:]
        run.session.add(
            Complaint(
                region_code=home.region_code,
                channel=channels[index % len(channels)],
                complainant_name=head.name,
                complainant_contact=f"08{run.rng.randint(11, 59)}{run.rng.randint(10_000_000, 99_999_999)}",
                nik=head.nik
                if category in (ComplaintCategory.WRONGLY_EXCLUDED, ComplaintCategory.WRONG_DATA)
                else None,
                category=category,
                description=COMPLAINT_TEXTS[category],
                status=status,
                assigned_to_id=None if status == ComplaintStatus.NEW else run.users[Role.PETUGAS_LAYANAN].id,
                response=run.rng.choice(responses) if closed else "",
                resolved_at=created_at + timedelta(days=run.rng.randint(2, 10)) if closed else None,
                created_at=created_at,
            )
        )
