"""Audit events of the web layer: logins, logouts, refusals, and who saw which records (NIK lookups).

Row changes are audited by chain/audit.py in the changing transaction. The events here change no
business row, so each is written in its own short transaction (a worker thread, like every database call of
the console): a refusal or a failed login is recorded although the request itself fails.

- Login ok / failed / throttled, logout: console/auth.py calls `record_login`, `record_throttled_login`,
  `record_logout`. A failed login records the username tried, never the password.
- Refusals: `install_on(admin)` wraps sqladmin's HTTPException handler. Every 403 of an authenticated user
  is recorded (authorization backend, `can_*` flags, `check_can_*`), and every 404 that hides an existing
  row (our answer to an out-of-scope id, views/base.py), with that row's region so its district head sees it.
- Who saw which records: a search on a view holding NIK / No. KK writes one LOOKUP row per record listed
  (the term masked); opening such a record's details page writes one LOOKUP row for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import anyio
from sqladmin import Admin, ModelView
from sqlalchemy import delete
from sqlalchemy.orm import Session, class_mapper, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chain.acting import current_context, identify
from chain.audit import record, record_rows, session_end_message
from console.identifiers import identifier_values
from console.search import searched_term
from console.sqladmin_door import ExceptionHandler, replace_route, wrap_http_exception_handler
from models.audit import AuditAction
from models.audit_trail import describe, table_name
from models.identity import mask_identity_number
from models.session import UserSession
from models.user import User

USER_TABLE = User.__tablename__
DENIED_STATUSES = frozenset({403, 404})


# --- logins --------------------------------------------------------------------------------------


def record_login(session: Session, username: str, found: User | None, verified: User | None) -> None:
    """A login attempt, in the caller's session (console/auth.py commits it with the throttle's row)."""
    if verified is not None:
        identify(verified)
        record(session, AuditAction.LOGIN, **_about_user(verified), message="Berhasil masuk.")
        return
    if found is None:
        reason = "nama pengguna tidak dikenal"
    else:
        reason = "akun nonaktif" if not found.is_active else "kata sandi salah"
    about = _about_user(found) if found is not None else {"object_type": USER_TABLE, "object_id": "", "region_code": ""}
    record(session, AuditAction.LOGIN_FAILED, **about, message=f"Gagal masuk sebagai {username[:60]!r}: {reason}.")


async def record_throttled_login(session_factory: sessionmaker[Session], username: str) -> None:
    """A login refused by the throttle before any password check."""

    def write(session: Session) -> None:
        record(
            session,
            AuditAction.LOGIN_FAILED,
            object_type=USER_TABLE,
            object_id="",
            region_code="",
            message=f"Gagal masuk sebagai {username[:60]!r}: ditahan, terlalu banyak percobaan.",
        )

    await _write(session_factory, write)


async def record_logout(session_factory: sessionmaker[Session], user_id: Any, session_id: str | None) -> None:
    """A logout: the session's row deleted and its LOGOUT entry written in one transaction.

    The session middleware would delete the row too, later and on its own; doing it here keeps the end of
    the session and its record together (both or neither). Nothing is recorded when nobody was signed in.
    """

    def write(session: Session) -> None:
        if session_id is not None:
            session.execute(delete(UserSession).where(UserSession.token_hash == session_id))
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is not None:
            identify(user)
            record(
                session, AuditAction.LOGOUT, **_about_user(user), message=session_end_message(user.username, "keluar")
            )

    await _write(session_factory, write)


def _about_user(user: User) -> dict[str, Any]:
    return {"object_type": USER_TABLE, "object_id": user.id, "region_code": user.scope_region_code or ""}


# --- who saw which records -----------------------------------------------------------------------


class AuditedLookups:
    """ModelView mixin: a search on a view with NIK / No. KK columns records each record it listed."""

    identity: ClassVar[str]
    identity_columns: ClassVar[set[str]]
    session_maker: ClassVar[Any]  # ModelView's, typed there as sync or async; DtksModelView declares it sync

    async def list(self, request: Request) -> Any:
        pagination = await super().list(request)  # type: ignore[misc]
        term = searched_term(request, self.identity)
        if term and self.identity_columns:
            await record_lookup(self.session_maker, self.identity, term, pagination.rows)
        return pagination


def masked_term(term: str) -> str:
    """A search term as the trail keeps it: digits (a NIK, No. KK or a prefix of one) masked."""
    return mask_identity_number(term) if term.isdigit() else term


async def record_lookup(session_factory: sessionmaker[Session], identity: str, term: str, rows: Sequence[Any]) -> None:
    message = f"Pencarian {masked_term(term)!r} di {identity}: {len(rows)} data ditampilkan."

    def write(session: Session) -> None:
        if not record_rows(session, AuditAction.LOOKUP, rows, message=message):
            context = current_context()
            region = context.actor_region_code if context is not None else ""
            record(session, AuditAction.LOOKUP, object_type=identity, object_id="", region_code=region, message=message)

    await _write(session_factory, write)


async def _record_opened(session_factory: sessionmaker[Session], view: ModelView, pk: str) -> None:
    def write(session: Session) -> None:
        row = _row(session, view, pk)
        if row is not None:
            record_rows(session, AuditAction.LOOKUP, [row], message=f"Membuka rincian {view.identity} {pk}.")

    await _write(session_factory, write)


def _row(session: Session, view: ModelView | None, pk: str | None) -> Any:
    """The row `pk` names in `view`'s model, unscoped (the trail records what was refused); None if none."""
    if view is None or not pk:
        return None
    key = identifier_values(view.model, pk)
    return session.get(view.model, key) if key is not None else None  # None: not even a key of this model


# --- refusals ------------------------------------------------------------------------------------


async def _record_refusal(
    session_factory: sessionmaker[Session], view: ModelView | None, request: Request, status: int
) -> None:
    pk = request.path_params.get("pk")
    message = f"Ditolak ({status}): {request.method} {request.url.path}"

    def write(session: Session) -> None:
        row = _row(session, view, pk)
        if row is not None:
            object_type, object_id, region_code = describe(row)
        elif status == 404:
            return  # really not there: nothing was refused
        else:
            context = current_context()
            object_type = (
                table_name(class_mapper(view.model)) if view is not None else str(request.path_params.get("identity"))
            )
            object_id, region_code = pk or "", context.actor_region_code if context is not None else ""
        if status == 404:
            message_text = f"{message} (ada, tetapi di luar wilayah tugas)"
        else:
            message_text = message
        record(
            session,
            AuditAction.DENIED,
            object_type=object_type,
            object_id=object_id,
            region_code=region_code,
            message=message_text,
        )

    await _write(session_factory, write)


# --- wiring --------------------------------------------------------------------------------------


def install_on(admin: Admin, session_factory: sessionmaker[Session]) -> None:
    """Record refusals (403, and 404 hiding a row) and opened details pages of an Admin (call once, at build)."""
    views = {view.identity: view for view in admin.views if isinstance(view, ModelView)}

    def audited(handler: ExceptionHandler) -> ExceptionHandler:
        async def audited_refusal(request: Request, exc: Exception) -> Any:
            context = current_context()
            if isinstance(exc, HTTPException) and exc.status_code in DENIED_STATUSES and context and context.actor_id:
                view = views.get(str(request.path_params.get("identity", "")))
                await _record_refusal(session_factory, view, request, exc.status_code)
            return await handler(request, exc)

        return audited_refusal

    wrap_http_exception_handler(admin, audited)
    replace_route(
        admin,
        "details",
        lambda route: Route(
            route.path, endpoint=_audited_details(route.endpoint, views, session_factory), name="details"
        ),
    )


def _audited_details(
    endpoint: Callable[[Request], Any], views: dict[str, ModelView], session_factory: sessionmaker[Session]
) -> Callable[[Request], Any]:
    async def details(request: Request) -> Response:
        response = await endpoint(request)
        view = views.get(str(request.path_params.get("identity", "")))
        identity_columns = getattr(view, "identity_columns", None)
        if response.status_code == 200 and view is not None and identity_columns:
            await _record_opened(session_factory, view, str(request.path_params["pk"]))
        return response

    return details


async def _write(session_factory: sessionmaker[Session], write: Callable[[Session], None]) -> None:
    def run() -> None:
        with session_factory() as session:
            write(session)
            session.commit()

    await anyio.to_thread.run_sync(run)
