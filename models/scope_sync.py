"""Keep the copied region code of owned rows equal to their owner's (one place for it).

Members, proposals, visits, meeting participants and decisions carry their village code themselves, and a
certificate's parafs the certificate's code, so the scope filter is one indexed condition without a join. This
before_flush hook, the first of the write path (chain/write_path.py), fills the code on insert, follows a
changed owner (a member moved to another household) and a moved owner (a household or a meeting moved to
another village; a household's programme memberships, their reviews, its usul/sanggah and their evidence too).

A row that other rows point to stays in its regency (kabupaten/kota): on PostgreSQL those links include the
regency code (docs/SCALING.md, rule 2), so a family, a meeting, a proposal or a certificate moved to another
regency is refused with a message; the family is registered again at its destination. A member may still move
to a family in another regency: nothing points to a member.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from models.base import regency_of
from models.certificate import Certificate, CertificateApproval
from models.household import Household
from models.meeting import Meeting, MeetingDecision, MeetingParticipant
from models.member import HouseholdRuleViolation, Member
from models.programme import ProgrammeMembership, ProgrammeReview
from models.proposal import Proposal, ProposalHistory
from models.resident_request import RequestEvidence, ResidentRequest
from models.visit import Visit

# owned class -> (owner class, foreign-key attribute, what the owner is called in a refusal)
_OWNERS: dict[type, tuple[type, str, str]] = {
    Member: (Household, "household_id", "Keluarga"),
    Proposal: (Household, "household_id", "Keluarga"),
    Visit: (Household, "household_id", "Keluarga"),
    ProgrammeMembership: (Household, "household_id", "Keluarga"),
    ResidentRequest: (Household, "household_id", "Keluarga"),
    MeetingParticipant: (Meeting, "meeting_id", "Musyawarah"),
    MeetingDecision: (Meeting, "meeting_id", "Musyawarah"),
    ProposalHistory: (Proposal, "proposal_id", "Usulan"),
    CertificateApproval: (Certificate, "certificate_id", "Surat keterangan"),
}
# owner class -> the collections whose rows follow it when it moves
_FOLLOWERS: dict[type, tuple[str, ...]] = {
    Household: ("members", "proposals", "visits"),
    Meeting: ("participants", "decisions"),
    Certificate: ("approvals",),
}

# owner class -> rows that follow it without being a collection of it: (class, foreign-key column), read when it moves
_QUERIED_FOLLOWERS: dict[type, tuple[tuple[type, str], ...]] = {
    Household: ((ProgrammeMembership, "household_id"), (ResidentRequest, "household_id")),
    ProgrammeMembership: ((ProgrammeReview, "membership_id"),),
    ResidentRequest: ((RequestEvidence, "request_id"),),
}

# class -> what it is called when a move to another regency is refused (the parents of links keyed by regency)
_STAYS_IN_REGENCY: dict[type, str] = {
    Household: "Keluarga",
    Meeting: "Musyawarah",
    Proposal: "Usulan",
    Certificate: "Surat keterangan",
}


def _owner(session: Session, obj: Any) -> Any:
    owner_class, key, label = _OWNERS[type(obj)]
    relation = key.removesuffix("_id")
    owner = getattr(obj, relation)
    owner_id = getattr(obj, key)
    # The foreign key wins over a stale loaded relationship (sqladmin sets only the key on edit).
    if owner_id is not None and (owner is None or inspect(owner).identity != (owner_id,)):
        with session.no_autoflush:
            owner = session.get(owner_class, owner_id)
        if owner is None:
            raise HouseholdRuleViolation(f"{label} yang dipilih tidak ditemukan.")
    return owner


def _owner_region(session: Session, owner: Any) -> str | None:
    if isinstance(owner, Proposal) and not owner.region_code:
        owner = _owner(session, owner)
    region = getattr(owner, "region", None)
    return owner.region_code or (region.code if region is not None else None)


def copy_region_codes(session: Session, _context: Any, _instances: Any) -> None:
    new = session.new  # builds a set on every access: read once, or a large flush turns quadratic
    for obj in [*new, *session.dirty]:
        if type(obj) in _OWNERS:
            owner = _owner(session, obj)
            code = _owner_region(session, owner) if owner is not None else None
            if code and obj.region_code != code:
                obj.region_code = code
        if type(obj) in _STAYS_IN_REGENCY and obj not in new:
            _refuse_move_to_another_regency(obj)
        if type(obj) in _FOLLOWERS and obj not in new:
            if inspect(obj).attrs.region_code.history.has_changes():
                for collection in _FOLLOWERS[type(obj)]:
                    for follower in getattr(obj, collection):
                        follower.region_code = obj.region_code
                _move_queried_followers(session, obj, obj.region_code)


def _move_queried_followers(session: Session, owner: Any, code: str) -> None:
    """A moved family's programme memberships (with their reviews) and usul/sanggah (with their evidence)."""
    for follower_class, key in _QUERIED_FOLLOWERS.get(type(owner), ()):
        with session.no_autoflush:
            followers: list[Any] = list(
                session.scalars(select(follower_class).where(getattr(follower_class, key) == owner.id))
            )
        for follower in followers:
            if follower.region_code != code:
                follower.region_code = code
            _move_queried_followers(session, follower, code)


def _refuse_move_to_another_regency(obj: Any) -> None:
    history = inspect(obj).attrs.region_code.history
    if not history.has_changes() or not history.deleted:
        return
    before, after = regency_of(history.deleted[0]), regency_of(obj.region_code)
    if before and before != after:
        raise HouseholdRuleViolation(
            f"{_STAYS_IN_REGENCY[type(obj)]} tidak dapat dipindahkan ke kabupaten/kota lain "
            f"({before} ke {after or 'tanpa wilayah'}): daftarkan baru di kabupaten/kota tujuan."
        )
