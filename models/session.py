"""UserSession and LoginAttempt: server-side sessions (revocable) and the record login throttling reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, delete, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.unitofwork import UOWTransaction

from models.base import Base, LabelledEnum, cursor_of, table_of, utc_now
from models.user import User


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

    user: Mapped[User | None] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"Sesi {self.token_hash[:8]}… (pengguna {self.user_id or '-'})"


# Key in the flush context's attributes: the `EndedSessions` of this flush, for the audit trail to record.
ENDED_SESSIONS = "dtks_ended_sessions"


class SessionEndReason(LabelledEnum):
    """Why a user's sessions were ended without them logging out (the audit message says it)."""

    DEACTIVATED = "deactivated", "akun dinonaktifkan"
    PASSWORD_CHANGED = "password_changed", "kata sandi diganti"


@dataclass(frozen=True)
class EndedSessions:
    """The open sessions of one user that one flush ended, and why."""

    user_id: int
    username: str
    region_code: str
    reason: SessionEndReason
    count: int


def end_sessions_of_changed_users(session: Session, context: UOWTransaction, _instances: Any) -> None:
    """A user deactivated or given a new password loses every open session, in the same transaction.

    ASVS 4.0.3 3.3.1 / 5.0 7.4.2 (disable user => end sessions), 7.4.3 (after a password change). Every
    request re-reads the user as well, so a deactivated user is refused even by a process that missed this.
    What was ended is left in the flush context (ENDED_SESSIONS), so the trail records it in this flush.
    A before_flush hook of the write path (chain/write_path.py), after its guards: a refused flush deletes nothing.
    """
    for user in session.dirty:
        if not isinstance(user, User) or user.id is None:
            continue
        state = inspect(user)
        deactivated = state.attrs.is_active.history.has_changes() and not user.is_active
        if deactivated or state.attrs.password_hash.history.has_changes():
            table = table_of(UserSession)
            ended = cursor_of(session.execute(delete(table).where(table.c.user_id == user.id))).rowcount or 0
            if ended:
                reason = SessionEndReason.DEACTIVATED if deactivated else SessionEndReason.PASSWORD_CHANGED
                found = EndedSessions(user.id, user.username, user.scope_region_code or "", reason, ended)
                context.attributes.setdefault(ENDED_SESSIONS, []).append(found)


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
