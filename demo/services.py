"""The district desk in the demo: DTKS certificates up the paraf chain, and complaints in every status.

Both go through the core (chain/certificates.py, chain/complaints.py) as the demo officials, under the shipped
casbin rules, at the demo timeline's moments: the demo shows what the desk and the handling page write.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from chain.actor import Actor
from chain.certificates import paraf, request_certificate
from chain.complaints import perform
from demo.texts import CERTIFICATE_PURPOSES, COMPLAINT_RESPONSES, COMPLAINT_TEXTS
from models.certificate import CertificateStep
from models.certificate_flow import PARAF_CHAIN
from models.complaint import Complaint, ComplaintCategory, ComplaintChannel, ComplaintStatus
from models.household import DtksStatus, Household
from models.user import Role
from policies.rules import Decisions, read_seed

if TYPE_CHECKING:
    from demo.run import DemoRun

PARAF_MINUTES = 3  # between two initials of a demo request


@cache
def shipped_rules() -> Decisions:
    """The casbin seed as shipped: the demo database may hold no rules yet when the demo is seeded."""
    return Decisions(read_seed())


def actor_of(run: DemoRun, role: Role) -> Actor:
    """The demo official of `role`, deciding by the shipped casbin seed."""
    return Actor.of(run.users[role], shipped_rules().allows)


def create_certificates(run: DemoRun) -> None:
    """Four lookups found in the register (three signed, one halfway up the paraf chain), two not found."""
    registered = [h for h in run.homes if h.dtks_status == DtksStatus.REGISTERED]
    unknown = [h for h in run.homes if h.dtks_status == DtksStatus.NOT_REGISTERED]
    steps = [CertificateStep.SIGNED, CertificateStep.SIGNED, CertificateStep.SIGNED, CertificateStep.PARAF_KABID]
    asked = list(zip(run.rng.sample(registered, min(4, len(registered))), steps, strict=False))
    asked += [(home, CertificateStep.CLOSED) for home in run.rng.sample(unknown, min(2, len(unknown)))]
    for index, (home, step) in enumerate(asked):
        ask_at_the_desk(run, home, step, run.timeline.at(14 - 2 * index))


def ask_at_the_desk(run: DemoRun, home: Household, step: CertificateStep, requested_at: datetime) -> None:
    """One desk request for a member of `home`; a found one climbs the paraf chain up to `step`."""
    person = run.rng.choice(home.members)
    certificate = request_certificate(
        run.session,
        actor_of(run, Role.PETUGAS_LAYANAN),
        nik=person.nik,
        applicant_name=person.name,
        purpose=run.rng.choice(CERTIFICATE_PURPOSES),
        at=requested_at,
    )
    certificate.created_at = requested_at
    if step == CertificateStep.CLOSED:
        return
    climbed = [paraf_step.target for paraf_step in PARAF_CHAIN].index(step) + 1
    for minutes, paraf_step in enumerate(PARAF_CHAIN[:climbed], start=1):
        [role] = paraf_step.roles
        at = requested_at + timedelta(minutes=PARAF_MINUTES * minutes)
        paraf(run.session, actor_of(run, role), certificate.id, paraf_step.action, at=at)


# The steps after assignment that bring a demo complaint to its status (models/complaint_flow.py).
HANDLING = {
    ComplaintStatus.NEW: (),
    ComplaintStatus.IN_PROGRESS: ("start",),
    ComplaintStatus.RESOLVED: ("start", "resolve"),
    ComplaintStatus.REJECTED: ("reject",),
}


def create_complaints(run: DemoRun) -> None:
    """Two complaints per category, covering every status and most channels between them."""
    categories, statuses, channels = list(ComplaintCategory), list(ComplaintStatus), list(ComplaintChannel)
    for index in range(2 * len(categories)):
        category = categories[index % len(categories)]
        status = statuses[(index + index // len(categories)) % len(statuses)]
        home = run.rng.choice(run.homes)
        head, created_at = home.members[0], run.timeline.at(run.rng.randint(3, 60))
        complaint = Complaint(
            region_code=home.region_code,
            channel=channels[index % len(channels)],
            complainant_name=head.name,
            complainant_contact=f"08{run.rng.randint(11, 59)}{run.rng.randint(10_000_000, 99_999_999)}",
            nik=head.nik if category in (ComplaintCategory.WRONGLY_EXCLUDED, ComplaintCategory.WRONG_DATA) else None,
            category=category,
            description=COMPLAINT_TEXTS[category],
            created_at=created_at,
        )
        run.session.add(complaint)
        run.session.flush()
        handle_complaint(run, complaint, status)


def handle_complaint(run: DemoRun, complaint: Complaint, status: ComplaintStatus) -> None:
    """Bring a new complaint to `status` through the flow: the district assigns the desk, then its steps."""
    if status == ComplaintStatus.NEW:
        return
    closed = status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
    responses = COMPLAINT_RESPONSES[:2] if status == ComplaintStatus.RESOLVED else COMPLAINT_RESPONSES[2:]
    text = run.rng.choice(responses) if closed else ""
    closed_at = complaint.created_at + timedelta(days=run.rng.randint(2, 10)) if closed else complaint.created_at
    district, desk = actor_of(run, Role.OPERATOR_DINSOS), run.users[Role.PETUGAS_LAYANAN]
    perform(run.session, district, complaint.id, "assign", assignee_id=desk.id, at=complaint.created_at)
    for action in HANDLING[status]:
        closing = action in ("resolve", "reject")
        perform(run.session, district, complaint.id, action, text=text if closing else "", at=closed_at)
