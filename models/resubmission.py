"""The loop back to the village: a proposal the ministry or the BPS matching rejected, proposed again.

A rejected proposal (`rejected_ministry`: NIK not found, inactive or duplicate at the Dukcapil matching) stays
final, as its decree fixed it; the village re-verifies the family and proposes it again through its next Musdes
as a new draft (the Bima SOP, step 6). `ProposalResubmission` links the two, once: a rejected proposal is proposed
again at most once, and a draft is the resubmission of at most one. The link and the rejection's reason are what
the proposal pages show of the loop; each proposal's own history tells its half (chain/resubmission.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, RegencyScoped, region_code_column, utc_now


class ProposalResubmission(RegencyScoped, Base):
    """A rejected proposal and the draft that proposes its family again."""

    __tablename__ = "proposal_resubmission"
    __table_args__ = (UniqueConstraint("rejected_id"), UniqueConstraint("proposal_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rejected_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    region_code: Mapped[str] = region_code_column()
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    def __str__(self) -> str:
        return f"Usulan #{self.proposal_id} mengusulkan ulang #{self.rejected_id}"
