"""Rows in their final state for the finality tests: a proposal at any status with what its path implies.

A proposal at status S is stored at once (one transaction) with its history, the Musdes that decided it, its
verval visit and the decrees that hold it, as the workflow would have left them; `dump` reads every row of the
tables the finality rule guards, to compare a database before and after a refused request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from demo.paths import status_path
from models import (
    Decision,
    Decree,
    DecreeKind,
    Meeting,
    MeetingDecision,
    MeetingParticipant,
    ParticipantPosition,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    Visit,
    VisitResult,
)
from tests.factories import DEFAULT_VILLAGE, make_household

S = ProposalStatus
SIGNED = datetime(2026, 9, 2, 1, 0, tzinfo=UTC)
GUARDED_TABLES = (
    "household",
    "member",
    "proposal",
    "proposal_history",
    "visit",
    "meeting",
    "meeting_participant",
    "meeting_decision",
    "decree",
    "decree_proposal",
    "pmt_result",
    "household_period",
)


@dataclass(frozen=True)
class Placed:
    """A proposal stored at its status, and the ids of what came with it."""

    proposal_id: int
    household_id: int
    status: ProposalStatus
    visit_id: int | None
    meeting_id: int | None
    decree_ids: tuple[int, ...]


def _meeting(proposal: Proposal, path: list[ProposalStatus], region: str) -> Meeting | None:
    if S.IN_MUSDES not in path:
        return None
    decided = S.AGREED in path or S.REJECTED_MUSDES in path
    meeting = Meeting(
        region_code=region,
        held_on=date(2026, 8, 1),
        place="Balai Desa",
        ba_number="BA/1/2026" if decided else "",
        ba_file_sha256="a" * 64 if decided else None,
        finalised_at=datetime(2026, 8, 1, 5, tzinfo=UTC) if decided else None,
    )
    meeting.participants.append(MeetingParticipant(name="Kepala Desa", position=ParticipantPosition.HEAD))
    decision = Decision.REJECTED if S.REJECTED_MUSDES in path else Decision.AGREED if decided else None
    meeting.decisions.append(MeetingDecision(proposal=proposal, decision=decision, region_code=region))
    return meeting


def _visit(proposal: Proposal, path: list[ProposalStatus], region: str) -> Visit | None:
    if S.VISITED not in path:
        return None
    confirmed = path[-1] != S.VISITED
    result = VisitResult.NOT_ELIGIBLE if S.NOT_ELIGIBLE in path else VisitResult.ELIGIBLE
    return Visit(
        household=proposal.household,
        proposal=proposal,
        region_code=region,
        enumerator_name="Pendata Uji",
        visited_on=date(2026, 8, 10),
        notes="Kunjungan pertama.",
        result=result if confirmed else VisitResult.PENDING,
        confirmed_at=datetime(2026, 8, 12, tzinfo=UTC) if confirmed else None,
    )


def _decrees(proposal: Proposal, path: list[ProposalStatus], serial: int) -> list[Decree]:
    steps = (
        (S.IN_DECREE, DecreeKind.DISTRICT_RATIFICATION, "52.72", S.RATIFIED),
        (S.FORWARDED, DecreeKind.PROVINCE_FORWARDING, "52", S.FORWARDED),
        (S.DETERMINED if S.DETERMINED in path else S.NOT_DETERMINED, DecreeKind.MINISTRY_DETERMINATION, "", None),
    )
    decrees = []
    for step, kind, region, signed_from in steps:
        if step not in path:
            continue
        signed = signed_from is None or signed_from in path
        decrees.append(
            Decree(
                kind=kind,
                region_code=region,
                number=f"{kind.value}/{serial}/2026" if signed else None,
                decree_date=date(2026, 9, 1),
                signer_name="Penandatangan Uji",
                signer_title="Jabatan Uji",
                period="2026-10" if kind == DecreeKind.MINISTRY_DETERMINATION else None,
                signed_at=SIGNED if signed else None,
                proposals=[proposal],
            )
        )
    return decrees


def place(
    session: Session,
    status: ProposalStatus,
    *,
    region: str = DEFAULT_VILLAGE,
    kind: ProposalKind = ProposalKind.NEW,
    serial: int = 0,
    actor_id: int | None = None,
) -> Placed:
    """Store a proposal at `status` with its history, Musdes, visit and decrees (flushed; the caller commits).

    `actor_id` names the user who created the proposal, finalised the Musdes and did and confirmed the visit.
    """
    path = status_path(status)
    household = make_household(session, region_code=region, members=2)
    proposal = Proposal(
        kind=kind,
        household=household,
        region_code=region,
        reason="Keluarga miskin belum terdaftar",
        status=status,
        has_ktp=True,
        has_kk=True,
        has_sktm=S.SUBMITTED in path,
        return_reason="Foto rumah kurang jelas" if status == S.RETURNED else "",
        created_by_id=actor_id,
    )
    proposal.history = [
        ProposalHistory(from_status=path[i - 1] if i else None, to_status=step, actor_name="uji", region_code=region)
        for i, step in enumerate(path)
    ]
    meeting, visit = _meeting(proposal, path, region), _visit(proposal, path, region)
    if actor_id is not None and meeting is not None and meeting.finalised_at is not None:
        meeting.finalised_by_id = actor_id
    if actor_id is not None and visit is not None:
        visit.enumerator_id = actor_id
        visit.confirmed_by_id = actor_id if visit.confirmed_at else None
    decrees = _decrees(proposal, path, serial or next(_SERIALS))
    session.add_all([proposal, *(row for row in (meeting, visit) if row is not None), *decrees])
    session.flush()
    return Placed(
        proposal.id,
        household.id,
        status,
        visit.id if visit else None,
        meeting.id if meeting else None,
        tuple(d.id for d in decrees),
    )


_SERIALS = iter(range(1, 10**9))


def dump(session: Session, tables: tuple[str, ...] = GUARDED_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the guarded tables, as tuples in primary-key order, read fresh."""
    session.expire_all()
    rows = {}
    for table in tables:
        result = session.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))  # noqa: S608 - fixed names
        rows[table] = [tuple(row) for row in result]
    return rows


def stored_status(session: Session, proposal_id: int) -> ProposalStatus | None:
    session.expire_all()
    return session.scalar(select(Proposal.status).where(Proposal.id == proposal_id))
