"""SK steps for an actor: the annex of a district draft, recording its signature, province forwarding.

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
from chain.uploads import FileStore, StoredFile, UploadRefused, download_name
from models import Decree, DecreeKind, Proposal, ProposalStatus, Region
from models.dates import checked_date
from models.decree_annex import snapshot_annex
from models.finality import DECREE_SIGNED
from models.refusals import Invalid, NotFound
from models.region import within_region
from models.region_codes import RegionLevel, is_within, level_of
from models.text import checked_text
from models.workflow import TransitionRefused

RESOURCE = "decree"
DETAILS = (RESOURCE, "details")
COMPOSE = (RESOURCE, "action:compose")
SIGN = (RESOURCE, "action:sign")
FORWARD = (RESOURCE, "action:forward")
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
    return AnnexPage(
        decree=decree,
        candidates=candidates(session, actor, decree),
        may_compose=draft and actor.allows(*COMPOSE),
        may_sign=draft and actor.allows(*SIGN),
    )


def is_forwardable(decree: Decree) -> bool:
    """A signed district decree whose proposals are all ratified (not yet forwarded): the province sends it on."""
    return (
        decree.kind == DecreeKind.DISTRICT_RATIFICATION
        and decree.is_signed
        and bool(decree.proposals)
        and all(proposal.status == ProposalStatus.RATIFIED for proposal in decree.proposals)
    )


def forwardable(session: Session, actor: Actor) -> list[Decree]:
    """The decrees in the actor's scope the province may forward (the forwarding page, for those who may)."""
    actor.require(FORWARD)
    statement = (
        select(Decree)
        .where(
            Decree.kind == DecreeKind.DISTRICT_RATIFICATION,
            Decree.signed_at.is_not(None),
            actor.scope.condition(Decree.region_code),
        )
        .options(selectinload(Decree.proposals))
        .order_by(Decree.decree_date, Decree.id)
    )
    return [decree for decree in session.scalars(statement) if is_forwardable(decree)]


def _editable_draft(decree: Decree) -> None:
    if decree.is_signed:
        raise TransitionRefused(SIGNED_IS_FINAL)
    if decree.kind != DecreeKind.DISTRICT_RATIFICATION:
        raise TransitionRefused("Hanya SK Pengesahan Bupati/Walikota yang lampirannya disusun dari usulan.")
    if not decree.region_code:
        raise TransitionRefused("SK ini belum memiliki kode wilayah kabupaten/kota.")


def _open_draft(session: Session, actor: Actor, decree_id: int) -> Decree:
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
    decree = _open_draft(session, actor, decree_id)
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
    decree = _open_draft(session, actor, decree_id)
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


def _flush_numbered(session: Session) -> None:
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
) -> StoredFile:
    """Record the signature: number, date and the checked scan; ratify every proposal of the annex."""
    actor.require(SIGN, permission("ratify"))
    number = number.strip()
    decree = _open_draft(session, actor, decree_id)
    signed_on = _check_signature(decree, number, signed_on)
    try:
        stored = files.store(scan)
    except UploadRefused as refusal:  # on the SK page a refused scan is a refused signature (409), as always
        raise TransitionRefused(str(refusal)) from refusal
    decree.number = number
    decree.decree_date = signed_on
    decree.signed_at = datetime.combine(signed_on, time(), tzinfo=UTC)
    decree.signed_file_path = stored.path
    decree.signed_file_sha256 = stored.sha256
    _flush_numbered(session)
    for proposal in decree.proposals:
        apply_recorded(session, actor, proposal, "ratify", note=f"SK No. {number}")
    snapshot_annex(session, decree)  # the annex as signed: a later edit of a member no longer changes it
    return stored


def check_letter(number: str, letter_date: date | None, signer_name: str, signer_title: str) -> None:
    """The fields typed for a letter or SK the console writes itself: the columns' text and date rules."""
    checked_text(DECREE.number, number, "Nomor", TransitionRefused)
    checked_text(DECREE.signer_name, signer_name, "Penandatangan", TransitionRefused)
    checked_text(DECREE.signer_title, signer_title, "Jabatan penandatangan", TransitionRefused)
    if letter_date is not None:
        checked_date(DECREE.decree_date, letter_date, "Tanggal", TransitionRefused)


def signed_scan(session: Session, actor: Actor, decree_id: int) -> tuple[str, str]:
    """The stored path of a decree's signed scan and a download name; NotFound out of scope or without a scan."""
    actor.require(DETAILS)
    decree = load_decree(session, actor, decree_id)
    if not decree.signed_file_path:
        raise NotFound()
    return decree.signed_file_path, download_name(decree.signed_file_path, f"sk-{decree.id}")


@dataclass(frozen=True)
class CoverLetter:
    """The province's cover letter as typed on the forwarding page."""

    number: str
    letter_date: date | None
    signer_name: str
    signer_title: str = ""

    def checked(self) -> CoverLetter:
        """The letter trimmed, when it has what a letter needs and its columns take it; else refused."""
        letter = CoverLetter(self.number.strip(), self.letter_date, self.signer_name.strip(), self.signer_title.strip())
        present = (("nomor", letter.number), ("tanggal", letter.letter_date), ("penandatangan", letter.signer_name))
        missing = [label for label, value in present if not value]
        if missing:
            raise TransitionRefused(f"Surat pengantar wajib memiliki {', '.join(missing)}.")
        check_letter(letter.number, letter.letter_date, letter.signer_name, letter.signer_title)
        return letter


def _province_of(actor: Actor) -> str:
    """The province the actor forwards for: their scope must be a province code."""
    province = (actor.user.scope_region_code if actor.user is not None else None) or ""
    if not province or level_of(province) != RegionLevel.PROVINCE:
        raise TransitionRefused("Penerusan dilakukan oleh petugas dengan wilayah tugas provinsi.")
    return province


def forward(session: Session, actor: Actor, decree_id: int, letter: CoverLetter) -> Decree:
    """Forward a signed district decree: a province cover letter for the same proposals, each `forwarded`."""
    actor.require(FORWARD, permission("forward"))
    decree = load_decree(session, actor, decree_id)
    if decree.kind != DecreeKind.DISTRICT_RATIFICATION or not decree.is_signed:
        raise TransitionRefused("Hanya SK Pengesahan Bupati/Walikota yang sudah ditandatangani yang dapat diteruskan.")
    if not is_forwardable(decree):
        raise TransitionRefused("Tidak semua usulan dalam SK ini berstatus disahkan; SK ini tidak dapat diteruskan.")
    province = _province_of(actor)
    letter = letter.checked()
    cover = Decree(
        kind=DecreeKind.PROVINCE_FORWARDING,
        region_code=province,
        number=letter.number,
        decree_date=letter.letter_date,
        signer_name=letter.signer_name,
        signer_title=letter.signer_title or "Kepala Dinas Sosial Provinsi",
        signed_at=datetime.now(UTC),
    )
    cover.proposals = list(decree.proposals)
    session.add(cover)
    _flush_numbered(session)
    for proposal in decree.proposals:
        apply_recorded(session, actor, proposal, "forward", note=f"Surat pengantar No. {letter.number}")
    snapshot_annex(session, cover)
    return cover
