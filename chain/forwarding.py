"""Province forwarding for an actor: a signed district decree goes on to the ministry with a cover letter.

One step of the caller's transaction (`begin_write` ... `commit_or_conflict(changed=CHANGED_UNDER_YOU,
taken=NUMBER_TAKEN)`): the cover letter (a `Decree` of its own, kept annex and all) and every proposal's
`forward` transition with its history and audit rows, together or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from chain.actor import Actor
from chain.decrees import RESOURCE, flush_numbered, load_decree
from chain.letters import Letter, check_letter
from chain.proposals import apply_recorded, permission
from models import Decree, DecreeKind, Proposal, ProposalStatus
from models.decree_annex import snapshot_annex
from models.region_codes import RegionLevel, level_of
from models.workflow import TransitionRefused

FORWARD = (RESOURCE, "action:forward")


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


def _checked(letter: Letter) -> Letter:
    """The cover letter trimmed, when it has what a letter needs and its columns take it; else refused."""
    letter = letter.trimmed()
    missing = letter.missing()
    if missing:
        raise TransitionRefused(f"Surat pengantar wajib memiliki {', '.join(missing)}.")
    check_letter(letter)
    return letter


def _province_of(actor: Actor) -> str:
    """The province the actor forwards for: their scope must be a province code."""
    province = (actor.user.scope_region_code if actor.user is not None else None) or ""
    if not province or level_of(province) != RegionLevel.PROVINCE:
        raise TransitionRefused("Penerusan dilakukan oleh petugas dengan wilayah tugas provinsi.")
    return province


def _reload_decrees(session: Session, proposals: list[Proposal]) -> None:
    """Read the decrees of `proposals` again (one query): `Proposal.decrees` is a view of the link table."""
    statement = (
        select(Proposal)
        .where(Proposal.id.in_([proposal.id for proposal in proposals]))
        .options(selectinload(Proposal.decrees))
        .execution_options(populate_existing=True)
    )
    session.scalars(statement).all()


def forward(session: Session, actor: Actor, decree_id: int, letter: Letter) -> Decree:
    """Forward a signed district decree: a province cover letter for the same proposals, each `forwarded`."""
    actor.require(FORWARD, permission("forward"))
    decree = load_decree(session, actor, decree_id)
    if decree.kind != DecreeKind.DISTRICT_RATIFICATION or not decree.is_signed:
        raise TransitionRefused("Hanya SK Pengesahan Bupati/Walikota yang sudah ditandatangani yang dapat diteruskan.")
    if not is_forwardable(decree):
        raise TransitionRefused("Tidak semua usulan dalam SK ini berstatus disahkan; SK ini tidak dapat diteruskan.")
    province = _province_of(actor)
    letter = _checked(letter)
    cover = Decree(
        kind=DecreeKind.PROVINCE_FORWARDING,
        region_code=province,
        number=letter.number,
        decree_date=letter.dated,
        signer_name=letter.signer_name,
        signer_title=letter.signer_title or "Kepala Dinas Sosial Provinsi",
        signed_at=datetime.now(UTC),
    )
    cover.proposals = list(decree.proposals)
    session.add(cover)
    flush_numbered(session)
    _reload_decrees(session, cover.proposals)  # the transition's precondition reads the cover letter among them
    for proposal in decree.proposals:
        apply_recorded(session, actor, proposal, "forward", note=f"Surat pengantar No. {letter.number}")
    snapshot_annex(session, cover)
    return cover
