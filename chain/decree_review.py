"""The regent's review of a draft SK list, for an actor (models/decree_review.py says the rule).

One step of the caller's transaction, as every SK step (chain/decrees.py): the review row and its audit row (the
flush hooks) commit together. The district records a review the Bupati/Walikota made on the draft as it stands;
a review is never changed afterwards, a new one is recorded instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.decrees import RESOURCE, open_draft, reviews_of
from models.dates import checked_date, today_in_indonesia
from models.decree_review import DecreeReview, ReviewOutcome, list_digest, review_refusal

__all__ = ["REVIEW", "ReviewForm", "record_review", "review_state", "reviews_of"]
from models.text import checked_text
from models.workflow import TransitionRefused

REVIEW = (RESOURCE, "action:review")
COLUMNS = inspect(DecreeReview).columns


@dataclass(frozen=True)
class ReviewForm:
    """What the official types for a review: the day, who reviewed, the outcome and the note."""

    reviewed_on: date | None
    reviewer_name: str
    reviewer_title: str
    outcome: str
    note: str = ""


def _outcome(text: str) -> ReviewOutcome:
    try:
        return ReviewOutcome(text.strip())
    except ValueError:
        raise TransitionRefused("Pilih hasil tinjauan: disetujui atau diminta perbaikan.") from None


def record_review(session: Session, actor: Actor, decree_id: int, form: ReviewForm) -> DecreeReview:
    """Record the regent's review of the draft's list as it stands now."""
    actor.require(REVIEW)
    decree = open_draft(session, actor, decree_id)
    if not decree.proposals:
        raise TransitionRefused("Lampiran SK masih kosong; tidak ada daftar untuk ditinjau.")
    outcome = _outcome(form.outcome)
    name, title, note = form.reviewer_name.strip(), form.reviewer_title.strip(), form.note.strip()
    if not name or not title:
        raise TransitionRefused("Nama dan jabatan peninjau (Bupati/Walikota atau yang ditunjuk) wajib diisi.")
    if form.reviewed_on is None:
        raise TransitionRefused("Tanggal tinjauan wajib diisi.")
    if form.reviewed_on > today_in_indonesia():  # the regent's own calendar day, east of UTC
        raise TransitionRefused("Tanggal tinjauan tidak boleh di masa depan.")
    if outcome is ReviewOutcome.CORRECTION and not note:
        raise TransitionRefused("Sebutkan perbaikan yang diminta Bupati/Walikota.")
    checked_text(COLUMNS.reviewer_name, name, "Nama peninjau", TransitionRefused)
    checked_text(COLUMNS.reviewer_title, title, "Jabatan peninjau", TransitionRefused)
    checked_text(COLUMNS.note, note, "Catatan", TransitionRefused)
    checked_date(COLUMNS.reviewed_on, form.reviewed_on, "Tanggal tinjauan", TransitionRefused)
    ids = [proposal.id for proposal in decree.proposals]
    review = DecreeReview(
        decree_id=decree.id,
        reviewed_on=form.reviewed_on,
        reviewer_name=name,
        reviewer_title=title,
        outcome=outcome,
        note=note,
        proposal_count=len(ids),
        list_digest=list_digest(ids),
        recorded_by_id=actor.user.id if actor.user is not None else None,
    )
    session.add(review)
    session.flush()
    return review


@dataclass(frozen=True)
class ReviewState:
    """What the SK page shows of the review rule: the reviews, and why the list may not be signed yet (or "")."""

    reviews: list[DecreeReview]
    refusal: str


def review_state(session: Session, decree_id: int, proposal_ids: list[int]) -> ReviewState:
    reviews = reviews_of(session, decree_id)
    return ReviewState(reviews, review_refusal(proposal_ids, reviews) or "")
