"""The demo proposals: which households propose, at which status, and the history that led there."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, update

from demo.meetings import meeting_decision, new_meeting
from demo.paths import ACTOR_ROLE, STATUS_WEIGHTS, ProposalPlan, S, cohort_of, status_path
from demo.people import DEMO_PERIOD
from demo.texts import (
    HISTORY_NOTES,
    MINISTRY_REJECTION_NOTES,
    MUSDES_REJECTION_NOTES,
    NOT_ELIGIBLE_NOTES,
    PROPOSAL_REASONS,
    REMOVAL_NOTES,
    RETURN_REASONS,
)
from models.base import table_of
from models.household import DtksStatus, Household
from models.meeting import Meeting
from models.proposal import Proposal, ProposalHistory, ProposalKind, ProposalStatus, RemovalReason
from models.user import Role

if TYPE_CHECKING:
    from demo.run import DemoRun

PROPOSAL_SHARE = 0.10


def proposal_households(run: DemoRun, count: int) -> list[Household]:
    """Half the demo village first (its users then see every status), then a few other villages."""
    by_village: dict[str, list[Household]] = defaultdict(list)
    for home in run.homes:
        by_village[home.region_code].append(home)
    local = by_village.pop(run.geography.demo_village.code, [])
    run.rng.shuffle(local)
    chosen = local[: max(len(ProposalStatus), len(local) // 2)]
    others = sorted(by_village)
    run.rng.shuffle(others)
    elsewhere: list[Household] = []
    for index, code in enumerate(others):
        if index >= 5 and len(chosen) + len(elsewhere) >= count * 1.3:
            break
        elsewhere += by_village[code][: max(1, len(by_village[code]) * 2 // 3)]
    run.rng.shuffle(elsewhere)
    return (chosen + elsewhere)[:count]


def plan_proposals(run: DemoRun) -> None:
    count = min(len(run.homes), max(len(ProposalStatus), round(len(run.homes) * PROPOSAL_SHARE)))
    statuses = run.rng.sample(list(ProposalStatus), len(ProposalStatus))  # every status at least once
    statuses += run.rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=count - len(statuses))
    kinds = {ProposalKind.UPDATE: 4, ProposalKind.REMOVE: 3, ProposalKind.KEEP: 3}  # for registered homes
    for home, status in zip(proposal_households(run, count), statuses, strict=False):
        kind = ProposalKind.NEW
        if home.dtks_status == DtksStatus.REGISTERED:
            kind = run.rng.choices(list(kinds), list(kinds.values()))[0]
        path = status_path(status)
        plan = ProposalPlan(home, kind, status, path, cohort_of(path))
        plan.times = run.timeline.times(plan)
        run.plans.append(plan)


def create_proposals(run: DemoRun) -> None:
    plan_proposals(run)
    villages = {v.code: v for v in run.geography.villages}
    meetings: dict[tuple[str, str], Meeting] = {}
    for plan in run.plans:
        meeting = None
        if plan.passed(S.IN_MUSDES):
            if (plan.village, plan.cohort) not in meetings:
                meetings[plan.village, plan.cohort] = new_meeting(run, villages[plan.village], plan.cohort)
            meeting = meetings[plan.village, plan.cohort]
        plan.proposal = new_proposal(run, plan)
        plan.proposal.history = history(run, plan, meeting)
        if meeting is not None:
            meeting.decisions.append(meeting_decision(plan))
    run.session.add_all(meetings.values())
    run.session.add_all(plan.proposal for plan in run.plans)
    run.session.flush()
    set_versions(run)


def new_proposal(run: DemoRun, plan: ProposalPlan) -> Proposal:
    rng = run.rng
    removal = rng.choice(list(RemovalReason)) if plan.kind == ProposalKind.REMOVE else None
    sent = plan.passed(S.SUBMITTED)  # the documents checklist is complete before the village sends
    changes = {}
    if plan.kind == ProposalKind.UPDATE:
        changes = {"address": run.people.address(plan.village), "rt": f"{rng.randint(1, 12):03d}"}
    return Proposal(
        kind=plan.kind,
        household=plan.household,
        region_code=plan.village,
        reason=REMOVAL_NOTES[removal] if removal else rng.choice(PROPOSAL_REASONS[plan.kind]),
        removal_reason=removal,
        requested_changes=changes,
        has_ktp=sent or rng.random() < 0.95,
        has_kk=sent or rng.random() < 0.95,
        has_sktm=sent or rng.random() < 0.8,
        status=plan.status,
        status_changed_at=plan.times[-1],
        return_reason=rng.choice(RETURN_REASONS) if plan.status == S.RETURNED else "",
        created_by_id=run.actor(Role.OPERATOR_DESA, plan.village).id,
        created_at=plan.times[0],
        updated_at=plan.times[-1],
    )


def history(run: DemoRun, plan: ProposalPlan, meeting: Meeting | None) -> list[ProposalHistory]:
    rows = []
    for index, status in enumerate(plan.path):
        actor = run.actor(ACTOR_ROLE[status], plan.village)
        rows.append(
            ProposalHistory(
                region_code=plan.village,
                from_status=plan.path[index - 1] if index else None,
                to_status=status,
                actor_id=actor.id,
                actor_name=actor.name,
                at=plan.times[index],
                note=history_note(run, status, plan.proposal, meeting),
            )
        )
    return rows


def history_note(run: DemoRun, status: ProposalStatus, proposal: Proposal, meeting: Meeting | None) -> str:
    if status in HISTORY_NOTES:
        return HISTORY_NOTES[status]
    notes = {
        S.AGREED: lambda: f"Disetujui dalam musyawarah, BA No. {meeting.ba_number if meeting else '-'}.",
        S.REJECTED_MUSDES: lambda: run.rng.choice(MUSDES_REJECTION_NOTES),
        S.NOT_ELIGIBLE: lambda: run.rng.choice(NOT_ELIGIBLE_NOTES),
        S.RETURNED: lambda: proposal.return_reason,
        S.RATIFIED: lambda: f"Disahkan dengan SK No. {district_number(run, proposal)}.",
        S.FORWARDED: lambda: f"Diteruskan ke Kementerian Sosial dengan surat No. {run.numbers.province}.",
        S.REJECTED_MINISTRY: lambda: run.rng.choice(MINISTRY_REJECTION_NOTES),
        S.DETERMINED: lambda: f"Ditetapkan dengan SK No. {run.numbers.ministry}, periode {DEMO_PERIOD}.",
    }
    return notes[status]()


def district_number(run: DemoRun, proposal: Proposal) -> str:
    """The district SK that ratified the proposal: the forwarded one, or the one still to forward."""
    return run.numbers.waiting if proposal.status == S.RATIFIED else run.numbers.district


def set_versions(run: DemoRun) -> None:
    """Version = 1 + transitions, as if each step had passed the state machine (the ORM inserts 1)."""
    table = table_of(Proposal)
    rows = [{"row_id": plan.proposal.id, "new_version": len(plan.path)} for plan in run.plans]
    statement = update(table).where(table.c.id == bindparam("row_id")).values(version=bindparam("new_version"))
    run.session.connection().execute(statement, rows)
    for plan in run.plans:
        run.session.expire(plan.proposal, ["version"])
