"""The worklist ("Kotak kerja"): what waits for this official's action, step by step, oldest first.

A step is a status of one of the chain's state machines from which the actor's role takes the next step, read
from the tables themselves (models/workflow.py `TRANSITIONS`, the certificate paraf chain, the complaint flow,
the usul/sanggah flow), plus the decrees waiting for a signature and the programme memberships suspended for a
review, for the roles the casbin rules let sign or review. Each step counts its records in the actor's scope
(a pendamping PKH's village records only in the villages assigned to them), how many are late, and lists the
oldest few with their deadline:

- proposals: the SOP working-day target of their status or the regency's monthly window (chain/deadlines.py,
  the one rule the lists and the dashboard use);
- certificates: the service standard of SERVICE_TARGET_MINUTES from the request (models/certificate.py);
- complaints, usul/sanggah, decrees and suspended memberships: no deadline is set by the SOP, so they are
  listed by age and never marked late.

No HTTP here: the console draws it as each user's home page and puts the total in the menu (console/views/
worklist.py); tests read it against direct SQL counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.deadlines import Deadlines, load_deadlines
from chain.programmes import DECIDING
from database.counting import RowCount, count_rows
from models.base import LabelledEnum
from models.certificate import SERVICE_TARGET_MINUTES, Certificate
from models.certificate_flow import CERTIFICATE_FLOW
from models.complaint import Complaint
from models.complaint_flow import COMPLAINT_FLOW
from models.decree import Decree, DecreeKind
from models.flow import Flow
from models.pendamping import PendampingVillage
from models.programme import MembershipStatus, ProgrammeMembership
from models.proposal import Proposal, ProposalStatus
from models.resident_request import ResidentRequest
from models.resident_request_flow import REQUEST_FLOW
from models.user import Role
from models.workflow import TRANSITIONS

SHOWN_PER_STEP = 10  # the oldest records listed under each step; the count says how many more wait
EXACT_UP_TO = 10_000  # counts beyond this are the planner's estimate on PostgreSQL (database/counting.py)

# Arrows a page offers beside the main one that are not what a record in the status waits for: the TKSK's
# shortcut for a kept family with a recent visit (the proposal waits for the enumerator), taking a proposal
# back out of a draft decree (it waits for the signature).
SIDE_ACTIONS = frozenset({"confirm_recent_visit", "remove_from_decree"})

DECREE_SIGNING = ("decree", "action:sign")


class WorkKind(LabelledEnum):
    """What a worklist row is; the console maps each to its decision page and its list."""

    PROPOSAL = "proposal", "Usulan"
    CERTIFICATE = "certificate", "Surat Keterangan"
    COMPLAINT = "complaint", "Pengaduan"
    RESIDENT_REQUEST = "resident-request", "Usul/Sanggah"
    DECREE = "decree", "SK"
    MEMBERSHIP = "programme-membership", "Program"


@dataclass(frozen=True)
class WorkItem:
    """One record waiting: what it is, where, since when, until when, and whether that day has passed."""

    kind: WorkKind
    record_id: int
    title: str
    region_code: str
    since: datetime
    due: date | datetime | None
    late: bool
    version: int = 0  # a proposal's version, which a batch decision is taken on (chain/bulk_decisions.py)


@dataclass(frozen=True)
class WorkStep:
    """One status waiting for the actor: its records counted, the late ones counted, the oldest listed."""

    kind: WorkKind
    status: str  # the status value the filtered list is asked for
    title: str  # the status's label (shown after the kind's: "Usulan: Dikirim ke Dinsos")
    actions: tuple[str, ...]  # what the actor does here (the steps' labels)
    count: RowCount
    late: int
    items: tuple[WorkItem, ...]

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.status}"


@dataclass(frozen=True)
class Worklist:
    steps: tuple[WorkStep, ...]

    @property
    def total(self) -> int:
        return sum(step.count.rows for step in self.steps)

    @property
    def late(self) -> int:
        return sum(step.late for step in self.steps)


@dataclass(frozen=True)
class Queue:
    """A status some role acts on, with how to read its records: the model, its status and time columns."""

    kind: WorkKind
    model: Any
    status: Enum
    title: str
    actions: tuple[str, ...]
    since: Any  # the column the records are aged by (oldest first)
    village_rows: bool  # rows of one village: a pendamping sees only their assigned villages'

    @property
    def status_value(self) -> str:
        return str(self.status.value)


# --- which statuses wait for a role ------------------------------------------------------------------------


def _labels(steps: Iterable[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(step.label for step in steps))


def proposal_queues(role: Role) -> list[Queue]:
    """The proposal statuses whose next arrow is this role's, in chain order."""
    queues = []
    for status in ProposalStatus:
        arrows = [t for t in TRANSITIONS if t.source == status and role in t.roles and t.action not in SIDE_ACTIONS]
        if arrows and not status.is_final:
            queues.append(
                Queue(
                    WorkKind.PROPOSAL, Proposal, status, status.label, _labels(arrows), Proposal.status_changed_at, True
                )
            )
    return queues


def _flow_queues(
    flow: Flow[Any], role: Role, kind: WorkKind, model: Any, since: Any, *, village_rows: bool
) -> list[Queue]:
    """The statuses of a flow where the role takes a step that moves the record (assigning alone does not)."""
    queues = []
    for status in flow.statuses:
        steps = [step for step in flow.from_status(status) if role in step.roles and step.target != step.source]
        if steps and status not in flow.final:
            queues.append(Queue(kind, model, status, status.label, _labels(steps), since, village_rows))
    return queues


class Unsigned(Enum):
    """A decree has no status column: the queue's "status" is a draft of the district's SK, not yet signed."""

    DRAFT = "draft"


UNSIGNED = Unsigned.DRAFT


def queues_for(actor: Actor) -> list[Queue]:
    """Every queue of the actor's role, in the order the chain reaches them."""
    role = actor.role
    if role is None:
        return []
    queues = proposal_queues(role)
    queues += _flow_queues(
        REQUEST_FLOW, role, WorkKind.RESIDENT_REQUEST, ResidentRequest, ResidentRequest.created_at, village_rows=True
    )
    queues += _flow_queues(
        CERTIFICATE_FLOW, role, WorkKind.CERTIFICATE, Certificate, Certificate.requested_at, village_rows=False
    )
    queues += _flow_queues(
        COMPLAINT_FLOW, role, WorkKind.COMPLAINT, Complaint, Complaint.created_at, village_rows=False
    )
    if actor.allows(*DECREE_SIGNING):
        queues.append(
            Queue(
                WorkKind.DECREE,
                Decree,
                UNSIGNED,
                "Draf SK belum ditandatangani",
                ("Catat SK yang ditandatangani",),
                Decree.created_at,
                False,
            )
        )
    if actor.allows(*DECIDING):
        queues.append(
            Queue(
                WorkKind.MEMBERSHIP,
                ProgrammeMembership,
                MembershipStatus.SUSPENDED,
                "Kepesertaan ditangguhkan",
                ("Putuskan: lanjut atau hentikan",),
                ProgrammeMembership.updated_at,
                True,
            )
        )
    return queues


# --- reading a queue --------------------------------------------------------------------------------------


def _status_condition(queue: Queue) -> ColumnElement[bool]:
    if queue.kind is WorkKind.DECREE:
        return and_(Decree.signed_at.is_(None), Decree.kind == DecreeKind.DISTRICT_RATIFICATION)
    column = Certificate.step if queue.kind is WorkKind.CERTIFICATE else queue.model.status
    condition: ColumnElement[bool] = column == queue.status
    return condition


def _area(actor: Actor, queue: Queue) -> ColumnElement[bool]:
    scope = actor.scope
    area = scope.condition(queue.model.region_code)
    if queue.village_rows and scope.assigned_to is not None:
        assigned = select(PendampingVillage.region_code).where(PendampingVillage.user_id == scope.assigned_to)
        area = and_(area, queue.model.region_code.in_(assigned))
    return area


def _late_condition(queue: Queue, deadlines: Deadlines, today: date, now: datetime) -> Any:
    """SQL: a record of the queue is past its deadline; None where no deadline applies."""
    if queue.kind is WorkKind.PROPOSAL:
        return deadlines.status_conditions(today).get(ProposalStatus(queue.status.value))
    if queue.kind is WorkKind.CERTIFICATE:
        return Certificate.requested_at < now - timedelta(minutes=SERVICE_TARGET_MINUTES)
    return None


def _title(queue: Queue, record: Any) -> str:
    if queue.kind is WorkKind.PROPOSAL:
        head = record.household.head_name if record.household is not None else ""
        return f"Usulan #{record.id} {record.kind.label.lower()}: {head or 'keluarga tanpa nama kepala'}"
    if queue.kind is WorkKind.CERTIFICATE:
        return f"{record} a.n. {record.applicant_name}"
    if queue.kind is WorkKind.COMPLAINT:
        return f"{record}: {record.complainant_name}"
    if queue.kind is WorkKind.RESIDENT_REQUEST:
        return f"{record.kind.label.split(' (')[0]} #{record.id}: {record.resident_name}"
    if queue.kind is WorkKind.MEMBERSHIP:
        head = record.household.head_name if record.household is not None else ""
        return f"{record.programme.code} {record.period}: {head}"
    return str(record)


def _due(queue: Queue, record: Any, deadlines: Deadlines, today: date, now: datetime) -> tuple[Any, bool]:
    if queue.kind is WorkKind.PROPOSAL:
        status = record.status
        return (
            deadlines.due(status, record.status_changed_at, record.regency_code),
            deadlines.overdue(status, record.status_changed_at, record.regency_code, today),
        )
    if queue.kind is WorkKind.CERTIFICATE:
        due = _aware(record.requested_at) + timedelta(minutes=SERVICE_TARGET_MINUTES)
        return due, now > due
    return None, False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read_step(
    session: Session, actor: Actor, queue: Queue, deadlines: Deadlines, now: datetime, shown: int = SHOWN_PER_STEP
) -> WorkStep:
    """One queue: its count, its late count (when `shown`: the badge asks for the count alone), its oldest rows."""
    today = now.date()
    where = and_(_status_condition(queue), _area(actor, queue))
    counted = count_rows(session, select(queue.model.id).where(where), exact_up_to=EXACT_UP_TO)
    late = 0
    late_clause = _late_condition(queue, deadlines, today, now) if shown else None
    if counted.rows and late_clause is not None:
        late = count_rows(session, select(queue.model.id).where(where, late_clause), exact_up_to=EXACT_UP_TO).rows
    items: list[WorkItem] = []
    if counted.rows and shown:
        records = session.scalars(
            select(queue.model).where(where).order_by(queue.since, queue.model.id).limit(shown)
        ).all()
        for record in records:
            due, is_late = _due(queue, record, deadlines, today, now)
            items.append(
                WorkItem(
                    queue.kind,
                    record.id,
                    _title(queue, record),
                    record.region_code,
                    getattr(record, queue.since.key),
                    due,
                    is_late,
                    record.version if queue.kind is WorkKind.PROPOSAL else 0,
                )
            )
    return WorkStep(queue.kind, queue.status_value, queue.title, queue.actions, counted, late, tuple(items))


def build(session: Session, actor: Actor, now: datetime | None = None, *, shown: int = SHOWN_PER_STEP) -> Worklist:
    """The actor's worklist at `now` (UTC): every queue of their role, empty ones included, in chain order."""
    now = now or datetime.now(UTC)
    queues = queues_for(actor) if actor.scope.valid else []
    # The deadlines serve the late counts and the rows' due dates: the badge's counts alone need none.
    deadlines = load_deadlines(session, actor.scope, now.date()) if queues and shown else Deadlines({})
    return Worklist(tuple(read_step(session, actor, queue, deadlines, now, shown) for queue in queues))


def waiting_count(session: Session, actor: Actor) -> int:
    """How many records wait for the actor in all (the menu's badge): the counts alone, no rows read."""
    return build(session, actor, shown=0).total
