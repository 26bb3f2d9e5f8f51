"""SK steps for an actor: the annex of a district draft and recording its signature (forwarding: forwarding.py).

Each step is one transaction of the caller's (`begin_write` ... `commit_or_conflict(changed=CHANGED_UNDER_YOU,
taken=NUMBER_TAKEN)`): the decree rows, every proposal's transition (models/workflow.py), its history row
and its audit entry commit together or not at all. Permission (casbin, on the `decree` resource and on the
proposal transition) and region scope are asked of the actor; out of scope is NotFound.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from chain.actor import Actor
from chain.proposals import apply_recorded, permission
from chain.store import load_scoped
from chain.uploads import FileStore, StoredFile, UploadRefused, stored_download
from models import Decree, DecreeKind, Proposal, ProposalStatus, Region, RegisterMode
from models.dates import checked_date
from models.decree_annex import snapshot_annex
from models.decree_review import DecreeReview, review_refusal
from models.finality import DECREE_SIGNED
from models.refusals import Invalid, NotFound
from models.region import within_region
from models.region_codes import is_within
from models.text import checked_text
from models.workflow import TransitionRefused

RESOURCE = "decree"
DETAILS = (RESOURCE, "details")
COMPOSE = (RESOURCE, "action:compose")
SIGN = (RESOURCE, "action:sign")
DECREE = inspect(Decree).columns
SIGNED_IS_FINAL = DECREE_SIGNED  # the finality rule's own message (models/finality.py)
NUMBER_TAKEN = "Nomor tersebut sudah dipakai oleh surat keputusan lain di wilayah ini."
CANDIDATE_LIMIT = 500


@dataclass(frozen=True)
class AnnexPage:
    """A decree as its annex page shows it: the annex, the accepted proposals a draft may take, the steps."""

    decree: Decree
    candidates: list[Proposal]
    may_compose: bool
    may_sign: bool
    reviews: list[DecreeReview]
    review_refusal: str  # why the list may not be signed under the regent's review rule ("" when it may)
    may_review: bool


def fit_decree_fields(session: Session, values: dict[str, Any]) -> None:
    """Check a decree typed on its form, in place: an SK Penetapan names its period, a region code is a region.

    The region code is kept trimmed (empty for the ministry's decrees). Invalid with the official's message.
    """
    if values.get("kind") == DecreeKind.MINISTRY_DETERMINATION and not values.get("period"):
        raise Invalid("SK Penetapan wajib memiliki periode (Januari, April, Juli atau Oktober).")
    region_code = (values.get("region_code") or "").strip()
    if region_code and session.get(Region, region_code) is None:
        raise Invalid(f"Kode wilayah {region_code} tidak ditemukan dalam daftar wilayah.")
    values["region_code"] = region_code


def is_open_draft(decree: Decree) -> bool:
    """A district ratification not signed yet: the only decree whose annex is composed from proposals."""
    return decree.kind == DecreeKind.DISTRICT_RATIFICATION and not decree.is_signed


def load_decree(session: Session, actor: Actor, decree_id: int) -> Decree:
    """The decree inside the actor's scope, with its annex; NotFound when out of scope or absent."""
    return load_scoped(session, actor, Decree, decree_id, selectinload(Decree.proposals).selectinload(Proposal.decrees))


def candidates(session: Session, actor: Actor, decree: Decree) -> list[Proposal]:
    """Accepted proposals of the decree's regency, inside the actor's scope, that a draft may take."""
    if not is_open_draft(decree) or not decree.region_code:
        return []
    statement = (
        select(Proposal)
        .where(
            Proposal.status == ProposalStatus.ACCEPTED,
            actor.scope.condition(Proposal.region_code),
            within_region(inspect(Proposal).columns.region_code, decree.region_code),
        )
        .order_by(Proposal.id)
        .limit(CANDIDATE_LIMIT)
    )
    return list(session.scalars(statement))


def annex_page(session: Session, actor: Actor, decree_id: int) -> AnnexPage:
    """The annex page of a decree for this actor (who must see decrees), with the steps they may take."""
    actor.require(DETAILS)
    decree = load_decree(session, actor, decree_id)
    draft = is_open_draft(decree)
    reviews = reviews_of(session, decree.id)
    return AnnexPage(
        decree=decree,
        candidates=candidates(session, actor, decree),
        may_compose=draft and actor.allows(*COMPOSE),
        may_sign=draft and actor.allows(*SIGN),
        reviews=reviews,
        review_refusal=review_refusal([proposal.id for proposal in decree.proposals], reviews) or "",
        may_review=draft and bool(decree.proposals) and actor.allows(RESOURCE, "action:review"),
    )


def _editable_draft(decree: Decree) -> None:
    if decree.is_signed:
        raise TransitionRefused(SIGNED_IS_FINAL)
    if decree.kind != DecreeKind.DISTRICT_RATIFICATION:
        raise TransitionRefused("Hanya SK Pengesahan Bupati/Walikota yang lampirannya disusun dari usulan.")
    if not decree.region_code:
        raise TransitionRefused("SK ini belum memiliki kode wilayah kabupaten/kota.")


def open_draft(session: Session, actor: Actor, decree_id: int) -> Decree:
    """The actor's draft district decree whose annex may still change; else refused (signed, other kind)."""
    decree = load_decree(session, actor, decree_id)
    _editable_draft(decree)
    return decree


def _scoped_proposals(session: Session, actor: Actor, wanted: list[int]) -> list[Proposal]:
    """Every proposal of `wanted` inside the actor's scope, or NotFound (one missing is as absent as all)."""
    statement = (
        select(Proposal)
        .where(Proposal.id.in_(wanted), actor.scope.condition(Proposal.region_code))
        .options(selectinload(Proposal.decrees), selectinload(Proposal.history))
        .order_by(Proposal.id)
    )
    proposals = list(session.scalars(statement))
    if len(proposals) != len(wanted):
        raise NotFound()
    return proposals


def add_proposals(session: Session, actor: Actor, decree_id: int, proposal_ids: Iterable[int]) -> int:
    """Link accepted proposals to an unsigned draft and move each to `in_decree`, all or nothing."""
    actor.require(COMPOSE, permission("add_to_decree"))
    wanted = sorted(set(proposal_ids))
    if not wanted:
        raise TransitionRefused("Pilih minimal satu usulan yang akan dimasukkan ke draf SK.")
    decree = open_draft(session, actor, decree_id)
    proposals = _scoped_proposals(session, actor, wanted)
    for proposal in proposals:
        if not is_within(proposal.region_code, decree.region_code):
            raise TransitionRefused(f"Usulan #{proposal.id} berada di luar wilayah SK ini ({decree.region_code}).")
        if proposal in decree.proposals:
            raise TransitionRefused(f"Usulan #{proposal.id} sudah tercantum dalam lampiran SK ini.")
    decree.proposals.extend(proposals)
    session.flush()
    for proposal in proposals:
        session.expire(proposal, ["decrees"])
        apply_recorded(session, actor, proposal, "add_to_decree", note="")
    return len(proposals)


def remove_proposal(session: Session, actor: Actor, decree_id: int, proposal_id: int, note: str = "") -> None:
    """Take a proposal out of an unsigned draft: it goes back to `accepted`."""
    actor.require(COMPOSE, permission("remove_from_decree"))
    decree = open_draft(session, actor, decree_id)
    proposal = next((p for p in decree.proposals if p.id == proposal_id), None)
    if proposal is None:
        raise NotFound()
    decree.proposals.remove(proposal)
    session.flush()
    session.expire(proposal, ["decrees"])
    apply_recorded(session, actor, proposal, "remove_from_decree", note=note)


def _check_signature(decree: Decree, number: str, signed_on: date | None) -> date:
    if not decree.proposals:
        raise TransitionRefused("Lampiran SK masih kosong; masukkan usulan sebelum mencatat tanda tangan.")
    if not number:
        raise TransitionRefused("Nomor SK wajib diisi saat mencatat tanda tangan.")
    if signed_on is None:
        raise TransitionRefused("Tanggal penandatanganan wajib diisi.")
    if signed_on > datetime.now(UTC).date():
        raise TransitionRefused("Tanggal penandatanganan tidak boleh di masa depan.")
    checked_text(DECREE.number, number, "Nomor SK", TransitionRefused)
    checked_date(DECREE.decree_date, signed_on, "Tanggal penandatanganan", TransitionRefused)
    return signed_on


def reviews_of(session: Session, decree_id: int) -> list[DecreeReview]:
    """The regent's reviews of a decree's list, oldest first (models/decree_review.py)."""
    statement = select(DecreeReview).where(DecreeReview.decree_id == decree_id).order_by(DecreeReview.id)
    return list(session.scalars(statement))


def flush_numbered(session: Session) -> None:
    """Flush a decree that took a number: a number its region already used is said as such."""
    try:
        session.flush()
    except IntegrityError as error:
        raise TransitionRefused(NUMBER_TAKEN) from error


def sign(
    session: Session,
    actor: Actor,
    files: FileStore,
    decree_id: int,
    *,
    number: str,
    signed_on: date | None,
    scan: bytes,
    mode: RegisterMode = RegisterMode.DTKS,
) -> StoredFile:
    """Record the signature: number, date and the checked scan; ratify every proposal of the annex.

    In DTSEN mode the regent's latest review must agree to the list as it stands (chain/decree_review.py).
    """
    actor.require(SIGN, permission("ratify"))
    number = number.strip()
    decree = open_draft(session, actor, decree_id)
    signed_on = _check_signature(decree, number, signed_on)
    if mode is RegisterMode.DTSEN:
        refusal = review_refusal([proposal.id for proposal in decree.proposals], reviews_of(session, decree.id))
        if refusal is not None:
            raise TransitionRefused(refusal)
    try:
        stored = files.store(scan)
    except UploadRefused as refusal:  # on the SK page a refused scan is a refused signature (409), as always
        raise TransitionRefused(str(refusal)) from refusal
    decree.number = number
    decree.decree_date = signed_on
    decree.signed_at = datetime.combine(signed_on, time(), tzinfo=UTC)
    decree.signed_file_path = stored.path
    decree.signed_file_sha256 = stored.sha256
    flush_numbered(session)
    for proposal in decree.proposals:
        apply_recorded(session, actor, proposal, "ratify", note=f"SK No. {number}")
    snapshot_annex(session, decree)  # the annex as signed: a later edit of a member no longer changes it
    return stored


def signed_scan(session: Session, actor: Actor, decree_id: int) -> tuple[str, str]:
    """The stored path of a decree's signed scan and a download name; NotFound out of scope or without a scan."""
    actor.require(DETAILS)
    decree = load_decree(session, actor, decree_id)
    return stored_download(decree.signed_file_path, f"sk-{decree.id}")
