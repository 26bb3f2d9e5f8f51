"""UserSession and LoginAttempt: server-side sessions (revocable) and the record login throttling reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utc_now


class UserSession(Base):
    """One browser session: the cookie holds an opaque token, the table only its SHA-256."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    def __str__(self) -> str:
        return f"Sesi {self.token_hash[:8]}… (pengguna {self.user_id or '-'})"


class LoginAttempt(Base):
    """One login attempt, kept for throttling (per account and IP) and for the audit of who tried."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_ip_at", "username", "ip", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)

    def __str__(self) -> str:
        return f"{self.username} dari {self.ip} ({'berhasil' if self.succeeded else 'gagal'})"
