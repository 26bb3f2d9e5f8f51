"""Sesi Masuk: who is signed in now, and the admin's button to end a session (ASVS 5.0 7.4.5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import object_session
from starlette.requests import Request

from chain.audit import USER_TABLE, record, session_end_message
from console.sessions import SessionStore
from console.sqladmin_door import admin_of
from console.views.base import DtksModelView
from models import AuditAction, UserSession


class UserSessionView(DtksModelView, model=UserSession):
    name = "Sesi Masuk"
    icon = "fa-solid fa-id-badge"
    category = "Administrasi"
    can_create = False
    can_edit = False
    can_delete = True

    column_list = [
        UserSession.user,
        UserSession.created_at,
        UserSession.last_seen_at,
        UserSession.ip,
        UserSession.user_agent,
    ]
    # The data holds the CSRF token and recent search terms (NIKs); the hash is the row's key, not for eyes.
    column_details_list = column_list
    column_labels = {
        "user": "Pengguna",
        "created_at": "Masuk pada (UTC)",
        "last_seen_at": "Terakhir aktif (UTC)",
        "ip": "Alamat IP",
        "user_agent": "Peramban",
    }
    column_default_sort = [(UserSession.last_seen_at, True)]

    def list_query(self, request: Request) -> Select[Any]:
        """Signed-in sessions still within the idle and absolute timeouts (anonymous ones are not "who")."""
        store = self._store()
        return super().list_query(request).where(UserSession.user_id.is_not(None), store.live_clause(store.clock()))

    async def on_model_delete(self, model: Any, request: Request) -> None:
        # Ending someone's session is audited in the same transaction as the delete (user_session rows
        # themselves are not snapshotted: they hold tokens and search terms). Who: the actor columns.
        owner, session = model.user, object_session(model)
        assert session is not None  # sqladmin hands over the row it loaded in the deleting session
        record(
            session,
            AuditAction.LOGOUT,
            object_type=USER_TABLE,
            object_id=model.user_id,
            region_code=(owner.scope_region_code or "") if owner is not None else "",
            message=session_end_message(owner.username if owner is not None else "-", "menu Sesi Masuk"),
        )

    def _store(self) -> SessionStore:
        return admin_of(self).authentication_backend.sessions  # type: ignore[union-attr]
