"""SeedRecord: an item of the shipped seed (an access rule, a step target) once offered to this database.

`python -m console upgrade` (database/seed_sync.py) adds only seed items with no record here, so an item an
administrator removed is never added back and an item an administrator edited is never rewritten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LabelledEnum, enum_column, utc_now


class SeedKind(LabelledEnum):
    """Which seed an item comes from."""

    POLICY_RULE = "policy_rule", "Aturan akses (policies/policy.csv)"
    STEP_TARGET = "step_target", "Target langkah"


class SeedRecord(Base):
    """One seed item offered once: an access rule ("role,resource,action") or a step target (its status)."""

    __tablename__ = "seed_record"

    kind: Mapped[SeedKind] = mapped_column(enum_column(SeedKind), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    def __str__(self) -> str:
        return f"{self.kind.label}: {self.key}"
