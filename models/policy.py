"""PolicyRule and PolicyState: the casbin permission rules, kept in the database and editable by admin.

Rules are role x resource x action (DESIGN section 2); the region is never a policy concern. The state row's
version goes up with every change, so every server process reloads its enforcer on its next request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utc_now


class PolicyRule(Base):
    """One casbin `p` line: subject (a role), object (a resource), action; allow only."""

    __tablename__ = "policy_rule"
    __table_args__ = (UniqueConstraint("ptype", "subject", "resource", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ptype: Mapped[str] = mapped_column(String(8), default="p")
    subject: Mapped[str] = mapped_column(String(60), index=True)
    resource: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))

    def __str__(self) -> str:
        return f"{self.subject}, {self.resource}, {self.action}"


class PolicyState(Base):
    """The single row whose version tells every process whether its loaded policy is stale."""

    __tablename__ = "policy_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, onupdate=utc_now)

    def __str__(self) -> str:
        return f"Versi kebijakan {self.version}"
