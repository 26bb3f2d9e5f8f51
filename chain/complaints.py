"""Handling a complaint (Pengaduan): assign, start, resolve with a response, reject with a reason.

Each action is a step of models/complaint_flow.py, taken by a role casbin allows (`complaint, action:<name>`)
on a complaint within the actor's scope (NotFound outside), with an explicit audit entry: the trail is the
history. The handler of a complaint is an active official of the complaint's regency. The caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record_transition
from chain.store import load_scoped
from models.base import utc_now
from models.complaint import Complaint, ComplaintStatus
from models.complaint_flow import ASSIGN, CLOSED, COMPLAINT_FLOW
from models.flow import FlowStep
from models.refusals import Conflict, Invalid, NotFound
from models.region_codes import RegionLevel, ancestor_at, is_within
from models.text import checked_text
from models.user import User

ComplaintStep = FlowStep[ComplaintStatus]
CHOOSE_A_HANDLER = "Pilih petugas aktif dari kabupaten/kota yang sama dengan pengaduan."


def load_complaint(session: Session, actor: Actor, pk: int) -> Complaint:
    return load_scoped(session, actor, Complaint, pk)


def offered_steps(actor: Actor, complaint: Complaint) -> list[ComplaintStep]:
    """The steps that leave the complaint's status and that the actor's role may take, in table order."""
    return [step for step in COMPLAINT_FLOW.from_status(complaint.status) if actor.allows(*step.permission)]


def _handles(user: User, regency: str) -> bool:
    return bool(user.is_active and user.scope_region_code and is_within(user.scope_region_code, regency))


def assignable_users(session: Session, complaint: Complaint) -> list[User]:
    """Active officials of the complaint's regency (a complaint on a whole province: of that province)."""
    regency = ancestor_at(complaint.region_code, RegionLevel.REGENCY)
    users = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username)).all()
    return [user for user in users if _handles(user, regency)]


def perform(
    session: Session,
    actor: Actor,
    pk: int,
    action: str,
    *,
    text: str = "",
    assignee_id: int | None = None,
    at: datetime | None = None,
) -> ComplaintStep:
    """Take `action` on complaint `pk` at `at` (now). NotFound for an unknown action or a complaint out of
    scope, NotAllowed for the role, Conflict for the complaint's status, Invalid for missing or bad input."""
    named = COMPLAINT_FLOW.any_step(action)
    if named is None:
        raise NotFound()
    actor.require(named.permission)
    label = named.needs_text or "Catatan"
    text = checked_text(Complaint.__mapper__.columns["response"], (text or "").strip(), label, Invalid)
    complaint = load_complaint(session, actor, pk)
    step = COMPLAINT_FLOW.step(action, complaint.status)
    if step is None:
        raise Conflict(
            f"Tindakan '{named.label}' tidak dapat dilakukan pada pengaduan berstatus '{complaint.status.label}'."
        )
    if step.needs_text and not text:
        raise Invalid(f"{step.needs_text} wajib diisi.", fields={"text": "wajib diisi"})
    before = {"status": complaint.status.value, "assigned_to_id": complaint.assigned_to_id}
    message = f"{step.label} pengaduan #{complaint.id}"
    if step.action == ASSIGN:
        message += f" kepada {_assign(session, complaint, assignee_id)}"
    if step.target != step.source:  # assigning names the handler and leaves the status as it is
        complaint.status = step.target
    if step.target in CLOSED:
        complaint.response, complaint.resolved_at = text, at or utc_now()
    after = {"status": complaint.status.value, "assigned_to_id": complaint.assigned_to_id}
    record_transition(session, complaint, message + (f": {text}" if text else "."), before=before, after=after)
    return step


def _assign(session: Session, complaint: Complaint, assignee_id: int | None) -> str:
    """Name the complaint's handler; returns their name for the trail. Invalid unless they may handle it."""
    assignee = session.get(User, assignee_id) if assignee_id is not None else None
    if assignee is None or not _handles(assignee, ancestor_at(complaint.region_code, RegionLevel.REGENCY)):
        raise Invalid(CHOOSE_A_HANDLER, fields={"assignee": CHOOSE_A_HANDLER})
    complaint.assigned_to_id = assignee.id
    return assignee.full_name
