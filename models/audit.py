"""AuditEntry: the append-only change log (after NetBox's ObjectChange), written in the changing transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LabelledEnum, RegencyScoped, enum_column, region_code_column, scope_indexes, utc_now


class AuditAction(LabelledEnum):
    """What happened."""

    CREATE = "create", "Tambah"
    UPDATE = "update", "Ubah"
    DELETE = "delete", "Hapus"
    TRANSITION = "transition", "Perubahan status"
    LOGIN = "login", "Masuk"
    LOGIN_FAILED = "login_failed", "Gagal masuk"
    LOGOUT = "logout", "Keluar"
    DENIED = "denied", "Akses ditolak"
    EXPORT = "export", "Ekspor"
    IMPORT = "import", "Impor"
    LOOKUP = "lookup", "Pencarian NIK"


class AuditEntry(RegencyScoped, Base):
    """One audited event: UTC time, actor, request, action, object and its before/after snapshot."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        *scope_indexes(__tablename__),
        Index("ix_audit_entry_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: survives user deletion
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    request_id: Mapped[str] = mapped_column(String(36), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction), index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    region_code: Mapped[str] = region_code_column(default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(String(500), default="")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action.label} {self.object_type} {self.object_id}"
