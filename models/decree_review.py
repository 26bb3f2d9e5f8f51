"""The regent's review of an SK list before it goes out (DTSEN: "the regent may check the data before it is final").

The Bupati/Walikota (or the official the regent names) reads the draft SK Pengesahan's list and either agrees or
asks for a correction; the Dinsos records what was decided, by whom and on which day. A review holds for the
list it was made on: `list_digest` is the SHA-256 of the annex's proposal ids, so adding or removing a proposal
afterwards asks for a new review. In DTSEN mode the signature needs an agreeing review of the list as it stands
(chain/decree_review.py); in DTKS mode the review is recorded when the regent makes one, and not required.
Rows are written once and never changed: the history of reviews is the record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LabelledEnum, enum_column, utc_now


class ReviewOutcome(LabelledEnum):
    """Hasil tinjauan Bupati/Walikota."""

    AGREED = "setuju", "Disetujui untuk ditandatangani"
    CORRECTION = "perbaikan", "Diminta perbaikan"


class DecreeReview(Base):
    """One review of a draft decree's list by the regent."""

    __tablename__ = "decree_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    decree_id: Mapped[int] = mapped_column(ForeignKey("decree.id", ondelete="RESTRICT"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewer_name: Mapped[str] = mapped_column(String(120))
    reviewer_title: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome))
    note: Mapped[str] = mapped_column(Text, default="")
    proposal_count: Mapped[int] = mapped_column()
    list_digest: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    def __str__(self) -> str:
        return f"Tinjauan SK #{self.decree_id} {self.reviewed_on:%d-%m-%Y}: {self.outcome.label}"


def list_digest(proposal_ids: Iterable[int]) -> str:
    """The SHA-256 of a list of proposals, independent of order: what a review was made on."""
    text = ",".join(str(pk) for pk in sorted(set(proposal_ids)))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


NOT_REVIEWED = "Daftar SK ini belum ditinjau Bupati/Walikota; catat tinjauannya sebelum penandatanganan."
LIST_CHANGED = "Daftar SK berubah setelah tinjauan Bupati/Walikota terakhir; catat tinjauan atas daftar yang sekarang."
CORRECTION_ASKED = "Bupati/Walikota meminta perbaikan daftar ini; catat tinjauan yang menyetujui setelah diperbaiki."


def review_refusal(proposal_ids: Iterable[int], reviews: list[DecreeReview]) -> str | None:
    """Why a list cannot be signed yet under the regent's review rule, or None: the latest review agrees to it.

    `reviews` oldest first. The latest review decides; it must have been made on this very list.
    """
    if not reviews:
        return NOT_REVIEWED
    latest = reviews[-1]
    if latest.list_digest != list_digest(proposal_ids):
        return LIST_CHANGED
    if latest.outcome != ReviewOutcome.AGREED:
        return CORRECTION_ASKED
    return None
