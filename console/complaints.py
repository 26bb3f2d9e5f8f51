"""Handling a complaint (Pengaduan): assign, start, resolve with a response, reject with a reason.

Each action is a POST by a role casbin allows (`complaint, action:<name>`) on a complaint within the user's
scope (404 outside), in one write transaction with an explicit audit entry: the trail is the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request

from chain.audit import record
from chain.store import begin_write
from console.authorization import current_user, may
from models import AuditAction, Complaint, ComplaintStatus, User
from models.base import utc_now
from models.region_codes import is_within
from models.text import checked_text
from policies.scope import Scope

RESOURCE = "complaint"


@dataclass(frozen=True)
class ComplaintAction:
    name: str
    label: str
    sources: tuple[ComplaintStatus, ...]
    target: ComplaintStatus | None  # None: the status does not change (assignment)
    needs_text: str = ""  # the label of a required text field


OPEN = (ComplaintStatus.NEW, ComplaintStatus.IN_PROGRESS)
ACTIONS: dict[str, ComplaintAction] = {
    action.name: action
    for action in (
        ComplaintAction("assign", "Tugaskan", OPEN, None),
        ComplaintAction("start", "Mulai proses", (ComplaintStatus.NEW,), ComplaintStatus.IN_PROGRESS),
        ComplaintAction("resolve", "Selesaikan", (ComplaintStatus.IN_PROGRESS,), ComplaintStatus.RESOLVED, "Tanggapan"),
        ComplaintAction("reject", "Tolak", OPEN, ComplaintStatus.REJECTED, "Alasan penolakan"),
    )
}


class ComplaintRefused(ValueError):
    """An action refused for the complaint's state or missing input; the message is in Indonesian."""


def regency_code(code: str) -> str:
    """The regency a region code lies in ("52.72.01.1001" -> "52.72"); a province code stays itself."""
    return ".".join(code.split(".")[:2])


def _scope(request: Request) -> Scope:
    user = current_user(request)
    return Scope.of(user) if user is not None else Scope(None, valid=False)


def load_complaint(session: Session, request: Request, pk: int) -> Complaint:
    complaint = session.scalar(
        select(Complaint).where(Complaint.id == pk, _scope(request).condition(Complaint.region_code))
    )
    if complaint is None:
        raise HTTPException(status_code=404)
    return complaint


def offered_actions(request: Request, complaint: Complaint) -> list[ComplaintAction]:
    return [
        action
        for action in ACTIONS.values()
        if complaint.status in action.sources and may(request, RESOURCE, f"action:{action.name}")
    ]


def assignable_users(session: Session, complaint: Complaint) -> list[User]:
    regency = regency_code(complaint.region_code)
    users = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username)).all()
    return [user for user in users if user.scope_region_code and is_within(user.scope_region_code, regency)]


def perform(
    session_factory: sessionmaker[Session], request: Request, pk: int, name: str, *, text: str, assignee_id: str
) -> ComplaintAction:
    user = current_user(request)
    action = ACTIONS.get(name)
    if user is None or action is None:
        raise HTTPException(status_code=404)
    if not may(request, RESOURCE, f"action:{name}"):
        raise HTTPException(status_code=403)
    label = action.needs_text or "Catatan"
    text = checked_text(Complaint.__table__.c.response, (text or "").strip(), label, ComplaintRefused)
    with session_factory() as session:
        begin_write(session)
        complaint = load_complaint(session, request, pk)
        if complaint.status not in action.sources:
            raise ComplaintRefused(
                f"Tindakan '{action.label}' tidak dapat dilakukan pada pengaduan berstatus '{complaint.status.label}'."
            )
        if action.needs_text and not text:
            raise ComplaintRefused(f"{action.needs_text} wajib diisi.")
        before = {"status": complaint.status.value, "assigned_to_id": complaint.assigned_to_id}
        message = f"{action.label} pengaduan #{complaint.id}"
        if name == "assign":
            assignee = session.get(User, int(assignee_id)) if assignee_id.isdigit() else None
            regency = regency_code(complaint.region_code)
            if (
                assignee is None
                or not assignee.is_active
                or not assignee.scope_region_code
                or not is_within(assignee.scope_region_code, regency)
            ):
                raise ComplaintRefused("Pilih petugas aktif dari kabupaten/kota yang sama dengan pengaduan.")
            complaint.assigned_to_id = assignee.id
            message += f" kepada {assignee.full_name}"
        if action.target is not None:
            complaint.status = action.target
        if name in ("resolve", "reject"):
            complaint.response = text
            complaint.resolved_at = utc_now()
        record(
            session,
            AuditAction.TRANSITION,
            object_type=Complaint.__tablename__,
            object_id=complaint.id,
            region_code=complaint.region_code,
            message=message + (f": {text}" if text else "."),
            before=before,
            after={"status": complaint.status.value, "assigned_to_id": complaint.assigned_to_id},
        )
        session.commit()
        return action
