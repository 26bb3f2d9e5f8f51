"""The regent's review of a draft SK list: recorded once per look, required before signing in DTSEN mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain import decrees
from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.decree_review import ReviewForm, record_review, review_state
from chain.store import write_transaction
from chain.uploads import FileStore
from console.database import make_session_factory
from models import AuditEntry, Decree, DecreeReview, Proposal, ProposalStatus, RegisterMode, Role, User
from models.dates import today_in_indonesia
from models.decree_review import CORRECTION_ASKED, LIST_CHANGED, NOT_REVIEWED
from models.refusals import NotAllowed, NotFound
from models.workflow import TransitionRefused
from tests.factories import make_decree, make_proposal, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = datetime.now(UTC).date()
AGREED = ReviewForm(TODAY, "H. Muhammad Lutfi", "Wali Kota Bima", "setuju")


def _run(db_session: Session, user: User, work: Callable[[Session, Actor], Any]) -> Any:
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    db_session.rollback()
    result = run_as(user, lambda: write_transaction(make_session_factory(bind), lambda s: work(s, actor)))
    db_session.expire_all()
    return result


@pytest.fixture
def draft(db_session: Session) -> tuple[User, int, list[int]]:
    """operator_dinsos of Kota Bima, a draft SK Pengesahan and three accepted proposals, two of them in its annex."""
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    decree = make_decree(db_session)
    accepted = [make_proposal(db_session, ProposalStatus.ACCEPTED).id for _ in range(3)]
    db_session.commit()
    _run(db_session, dinsos, lambda s, actor: decrees.add_proposals(s, actor, decree.id, accepted[:2]))
    return dinsos, decree.id, accepted


def _sign(db_session: Session, user: User, decree_id: int, files: FileStore, mode: RegisterMode, number: str) -> None:
    _run(
        db_session,
        user,
        lambda s, actor: decrees.sign(s, actor, files, decree_id, number=number, signed_on=TODAY, scan=PDF, mode=mode),
    )


def test_in_dtsen_mode_the_sk_is_signed_only_after_the_regent_agrees_to_the_list_as_it_stands(
    db_session: Session, draft: tuple[User, int, list[int]], tmp_path: Path
) -> None:
    dinsos, decree_id, accepted = draft
    files = FileStore(tmp_path, 1024 * 1024)

    with pytest.raises(TransitionRefused, match=NOT_REVIEWED):
        _sign(db_session, dinsos, decree_id, files, RegisterMode.DTSEN, "188.45/1/2027")

    correction = ReviewForm(TODAY, "H. Muhammad Lutfi", "Wali Kota Bima", "perbaikan", "Periksa ulang usulan kedua.")
    _run(db_session, dinsos, lambda s, actor: record_review(s, actor, decree_id, correction))
    with pytest.raises(TransitionRefused, match=CORRECTION_ASKED):
        _sign(db_session, dinsos, decree_id, files, RegisterMode.DTSEN, "188.45/1/2027")

    _run(db_session, dinsos, lambda s, actor: record_review(s, actor, decree_id, AGREED))
    _run(db_session, dinsos, lambda s, actor: decrees.add_proposals(s, actor, decree_id, accepted[2:]))
    with pytest.raises(TransitionRefused, match=LIST_CHANGED):  # a proposal came in after the regent's look
        _sign(db_session, dinsos, decree_id, files, RegisterMode.DTSEN, "188.45/1/2027")
    assert db_session.get_one(Decree, decree_id).signed_at is None

    _run(db_session, dinsos, lambda s, actor: record_review(s, actor, decree_id, AGREED))
    _sign(db_session, dinsos, decree_id, files, RegisterMode.DTSEN, "188.45/1/2027")

    statuses = db_session.scalars(select(Proposal.status).where(Proposal.id.in_(accepted))).all()
    assert set(statuses) == {ProposalStatus.RATIFIED}
    reviews = db_session.scalars(select(DecreeReview).order_by(DecreeReview.id)).all()
    assert [(review.outcome.value, review.proposal_count) for review in reviews] == [
        ("perbaikan", 2),
        ("setuju", 2),
        ("setuju", 3),
    ]
    assert all(review.recorded_by_id == dinsos.id for review in reviews)
    audited = select(func.count()).where(AuditEntry.object_type == "decree_review", AuditEntry.action == "create")
    assert db_session.scalar(audited) == 3


def test_in_dtks_mode_the_review_is_recorded_when_made_and_not_required(
    db_session: Session, draft: tuple[User, int, list[int]], tmp_path: Path
) -> None:
    dinsos, decree_id, _ = draft
    state = review_state(db_session, decree_id, [])
    assert state.reviews == [] and state.refusal == NOT_REVIEWED
    _sign(db_session, dinsos, decree_id, FileStore(tmp_path, 1024 * 1024), RegisterMode.DTKS, "188.45/2/2027")
    assert db_session.get_one(Decree, decree_id).signed_at is not None
    with pytest.raises(TransitionRefused, match="sudah ditandatangani|tidak dapat diubah"):  # a signed SK takes none
        _run(db_session, dinsos, lambda s, actor: record_review(s, actor, decree_id, AGREED))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (ReviewForm(None, "H. Muhammad Lutfi", "Wali Kota Bima", "setuju"), "Tanggal tinjauan wajib"),
        (ReviewForm(today_in_indonesia() + timedelta(days=1), "Lutfi", "Wali Kota", "setuju"), "masa depan"),
        (ReviewForm(TODAY, "  ", "Wali Kota Bima", "setuju"), "wajib diisi"),
        (ReviewForm(TODAY, "Lutfi", "Wali Kota Bima", "mungkin"), "Pilih hasil tinjauan"),
        (ReviewForm(TODAY, "Lutfi", "Wali Kota Bima", "perbaikan", " "), "Sebutkan perbaikan"),
        (ReviewForm(TODAY, "Lut\x00fi", "Wali Kota Bima", "setuju"), "Nama peninjau"),
        (ReviewForm(TODAY, "L" * 121, "Wali Kota Bima", "setuju"), "Nama peninjau"),
        (ReviewForm(date(1899, 1, 1), "Lutfi", "Wali Kota Bima", "setuju"), "Tanggal tinjauan"),
    ],
)
def test_a_review_with_a_missing_or_wrong_field_is_refused_and_nothing_is_kept(
    db_session: Session, draft: tuple[User, int, list[int]], form: ReviewForm, message: str
) -> None:
    dinsos, decree_id, _ = draft
    with pytest.raises(TransitionRefused, match=message):
        _run(db_session, dinsos, lambda s, actor: record_review(s, actor, decree_id, form))
    assert db_session.scalar(select(func.count()).select_from(DecreeReview)) == 0


def test_a_review_is_refused_for_an_empty_list_another_regency_and_a_role_without_the_step(
    db_session: Session, draft: tuple[User, int, list[int]]
) -> None:
    _, decree_id, _ = draft
    empty = make_decree(db_session)
    elsewhere = make_user(db_session, Role.OPERATOR_DINSOS, "52.71")
    kabid = make_user(db_session, Role.KABID, "52.72")
    kepala = make_user(db_session, Role.KEPALA_DINAS, "52.72")
    db_session.commit()
    with pytest.raises(TransitionRefused, match="masih kosong"):
        _run(db_session, kepala, lambda s, actor: record_review(s, actor, empty.id, AGREED))
    with pytest.raises(NotFound):
        _run(db_session, elsewhere, lambda s, actor: record_review(s, actor, decree_id, AGREED))
    with pytest.raises(NotAllowed):
        _run(db_session, kabid, lambda s, actor: record_review(s, actor, decree_id, AGREED))
    _run(db_session, kepala, lambda s, actor: record_review(s, actor, decree_id, AGREED))  # the head of office may
    assert db_session.scalar(select(func.count()).select_from(DecreeReview)) == 1
