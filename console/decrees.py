"""SK actions for a request: the annex of a district draft, recording its signature, province forwarding.

Each action is one transaction: the decree rows, every proposal's transition (models/workflow.py), its
history row and its audit entry commit together or not at all. Permission (casbin, on the `decree`
resource and on the proposal transition) and region scope are checked here; out of scope answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from chain.store import begin_write
from console.authorization import current_user, may
from console.settings import Settings
from console.uploads import StoredFile, store_upload
from console.workflow import CHANGED_UNDER_YOU, apply_recorded
from models import Decree, DecreeKind, Proposal, ProposalStatus, User
from models.dates import checked_date
from models.decree_annex import snapshot_annex
from models.finality import DECREE_SIGNED
from models.region import within_region
from models.region_codes import is_within
from models.text import checked_text
from models.workflow import BY_ACTION, TransitionRefused
from policies.scope import Scope

DECREE = Decree.__table__.c
SIGNED_IS_FINAL = DECREE_SIGNED  # the finality rule's own message (models/finality.py)
NUMBER_TAKEN = "Nomor tersebut sudah dipakai oleh surat keputusan lain di wilayah ini."


def _user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(status_code=404)
    return user


def _scope(request: Request) -> Scope:
    user = current_user(request)
    return Scope.of(user) if user is not None else Scope(None, valid=False)


def _require(request: Request, *permissions: tuple[str, str]) -> User:
    user = _user(request)
    if not all(may(request, resource, action) for resource, action in permissions):
        raise HTTPException(status_code=403)
    return user


def load_decree(session: Session, request: Request, decree_id: int) -> Decree:
    """The decree through the user's scope, with its annex; 404 when out of scope or absent."""
    statement = (
        select(Decree)
        .where(Decree.id == decree_id, _scope(request).condition(Decree.region_code))
        .options(selectinload(Decree.proposals).selectinload(Proposal.decrees))
    )
    decree = session.scalar(statement)
    if decree is None:
        raise HTTPException(status_code=404)
    return decree


def candidates(session: Session, request: Request, decree: Decree) -> list[Proposal]:
    """Accepted proposals of the decree's regency, inside the user's scope, that a draft may take."""
    if decree.kind != DecreeKind.DISTRICT_RATIFICATION or decree.is_signed or not decree.region_code:
        return []
    statement = (
        select(Proposal)
        .where(
            Proposal.status == ProposalStatus.ACCEPTED,
            _scope(request).condition(Proposal.region_code),
            within_region(Proposal.region_code, decree.region_code),
        )
        .order_by(Proposal.id)
        .limit(500)
    )
    return list(session.scalars(statement))


def forwardable(session: Session, request: Request) -> list[Decree]:
    """Signed district decrees in the user's scope whose proposals are all ratified (and not yet forwarded)."""
    statement = (
        select(Decree)
        .where(
            Decree.kind == DecreeKind.DISTRICT_RATIFICATION,
            Decree.signed_at.is_not(None),
            _scope(request).condition(Decree.region_code),
        )
        .options(selectinload(Decree.proposals))
        .order_by(Decree.decree_date, Decree.id)
    )
    return [
        decree
        for decree in session.scalars(statement)
        if decree.proposals and all(p.status == ProposalStatus.RATIFIED for p in decree.proposals)
    ]


def _editable_draft(decree: Decree) -> None:
    if decree.is_signed:
        raise TransitionRefused(SIGNED_IS_FINAL)
    if decree.kind != DecreeKind.DISTRICT_RATIFICATION:
        raise TransitionRefused("Hanya SK Pengesahan Bupati/Walikota yang lampirannya disusun dari usulan.")
    if not decree.region_code:
        raise TransitionRefused("SK ini belum memiliki kode wilayah kabupaten/kota.")


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise TransitionRefused(CHANGED_UNDER_YOU) from error
    except IntegrityError as error:
        session.rollback()
        raise TransitionRefused(NUMBER_TAKEN) from error


def add_proposals(
    session_factory: sessionmaker[Session], request: Request, decree_id: int, proposal_ids: Iterable[int]
) -> int:
    """Link accepted proposals to an unsigned draft and move each to `in_decree`, all or nothing."""
    _require(request, ("decree", "action:compose"), ("proposal", BY_ACTION["add_to_decree"].permission))
    wanted = sorted(set(proposal_ids))
    if not wanted:
        raise TransitionRefused("Pilih minimal satu usulan yang akan dimasukkan ke draf SK.")
    with session_factory() as session:
        begin_write(session)
        decree = load_decree(session, request, decree_id)
        _editable_draft(decree)
        statement = (
            select(Proposal)
            .where(Proposal.id.in_(wanted), _scope(request).condition(Proposal.region_code))
            .options(selectinload(Proposal.decrees), selectinload(Proposal.history))
            .order_by(Proposal.id)
        )
        proposals = list(session.scalars(statement))
        if len(proposals) != len(wanted):
            raise HTTPException(status_code=404)
        for proposal in proposals:
            if not is_within(proposal.region_code, decree.region_code):
                raise TransitionRefused(f"Usulan #{proposal.id} berada di luar wilayah SK ini ({decree.region_code}).")
            if proposal in decree.proposals:
                raise TransitionRefused(f"Usulan #{proposal.id} sudah tercantum dalam lampiran SK ini.")
        decree.proposals.extend(proposals)
        session.flush()
        for proposal in proposals:
            session.expire(proposal, ["decrees"])
            apply_recorded(session, request, proposal, "add_to_decree", note="")
        _commit(session)
        return len(proposals)


def remove_proposal(
    session_factory: sessionmaker[Session], request: Request, decree_id: int, proposal_id: int, note: str = ""
) -> None:
    """Take a proposal out of an unsigned draft: it goes back to `accepted`."""
    _require(request, ("decree", "action:compose"), ("proposal", BY_ACTION["remove_from_decree"].permission))
    with session_factory() as session:
        begin_write(session)
        decree = load_decree(session, request, decree_id)
        _editable_draft(decree)
        proposal = next((p for p in decree.proposals if p.id == proposal_id), None)
        if proposal is None:
            raise HTTPException(status_code=404)
        decree.proposals.remove(proposal)
        session.flush()
        session.expire(proposal, ["decrees"])
        apply_recorded(session, request, proposal, "remove_from_decree", note=note)
        _commit(session)


def sign(
    session_factory: sessionmaker[Session],
    request: Request,
    settings: Settings,
    decree_id: int,
    *,
    number: str,
    signed_on: date | None,
    scan: bytes,
) -> StoredFile:
    """Record the signature: number, date and the checked scan; ratify every proposal of the annex."""
    _require(request, ("decree", "action:sign"), ("proposal", BY_ACTION["ratify"].permission))
    number = number.strip()
    with session_factory() as session:
        begin_write(session)
        decree = load_decree(session, request, decree_id)
        _editable_draft(decree)
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
        stored = store_upload(scan, settings)  # UploadRefused (a ValueError) when the scan is not acceptable
        decree.number = number
        decree.decree_date = signed_on
        decree.signed_at = datetime.combine(signed_on, time(), tzinfo=UTC)
        decree.signed_file_path = stored.path
        decree.signed_file_sha256 = stored.sha256
        try:
            session.flush()
        except IntegrityError as error:
            raise TransitionRefused(NUMBER_TAKEN) from error
        for proposal in decree.proposals:
            apply_recorded(session, request, proposal, "ratify", note=f"SK No. {number}")
        snapshot_annex(session, decree)  # the annex as signed: a later edit of a member no longer changes it
        _commit(session)
        return stored


def check_letter(number: str, letter_date: date | None, signer_name: str, signer_title: str) -> None:
    """The fields typed for a letter or SK the console writes itself: the columns' text and date rules."""
    checked_text(DECREE.number, number, "Nomor", TransitionRefused)
    checked_text(DECREE.signer_name, signer_name, "Penandatangan", TransitionRefused)
    checked_text(DECREE.signer_title, signer_title, "Jabatan penandatangan", TransitionRefused)
    if letter_date is not None:
        checked_date(DECREE.decree_date, letter_date, "Tanggal", TransitionRefused)


def signed_scan(session_factory: sessionmaker[Session], request: Request, decree_id: int) -> tuple[str, str]:
    """The stored path of a decree's signed scan and a download name; 404 out of scope or without a scan."""
    _require(request, ("decree", "details"))
    with session_factory() as session:
        decree = load_decree(session, request, decree_id)
        if not decree.signed_file_path:
            raise HTTPException(status_code=404)
        extension = decree.signed_file_path.rsplit(".", 1)[-1]
        return decree.signed_file_path, f"sk-{decree.id}.{extension}"


def forward(
    session_factory: sessionmaker[Session],
    request: Request,
    decree_id: int,
    *,
    number: str,
    letter_date: date | None,
    signer_name: str,
    signer_title: str,
) -> int:
    """Forward a signed district decree: a province cover letter for the same proposals, each `forwarded`."""
    user = _require(request, ("decree", "action:forward"), ("proposal", BY_ACTION["forward"].permission))
    province = user.scope_region_code or ""
    number, signer_name, signer_title = number.strip(), signer_name.strip(), signer_title.strip()
    with session_factory() as session:
        begin_write(session)
        decree = load_decree(session, request, decree_id)
        if decree.kind != DecreeKind.DISTRICT_RATIFICATION or not decree.is_signed:
            raise TransitionRefused(
                "Hanya SK Pengesahan Bupati/Walikota yang sudah ditandatangani yang dapat diteruskan."
            )
        if not decree.proposals or any(p.status != ProposalStatus.RATIFIED for p in decree.proposals):
            raise TransitionRefused(
                "Tidak semua usulan dalam SK ini berstatus disahkan; SK ini tidak dapat diteruskan."
            )
        if not province or "." in province:
            raise TransitionRefused("Penerusan dilakukan oleh petugas dengan wilayah tugas provinsi.")
        missing = [
            label
            for label, value in (("nomor", number), ("tanggal", letter_date), ("penandatangan", signer_name))
            if not value
        ]
        if missing:
            raise TransitionRefused(f"Surat pengantar wajib memiliki {', '.join(missing)}.")
        check_letter(number, letter_date, signer_name, signer_title)
        letter = Decree(
            kind=DecreeKind.PROVINCE_FORWARDING,
            region_code=province,
            number=number,
            decree_date=letter_date,
            signer_name=signer_name,
            signer_title=signer_title or "Kepala Dinas Sosial Provinsi",
            signed_at=datetime.now(UTC),
        )
        letter.proposals = list(decree.proposals)
        session.add(letter)
        try:
            session.flush()
        except IntegrityError as error:
            raise TransitionRefused(NUMBER_TAKEN) from error
        for proposal in decree.proposals:
            apply_recorded(session, request, proposal, "forward", note=f"Surat pengantar No. {number}")
        snapshot_annex(session, letter)
        _commit(session)
        return letter.id
