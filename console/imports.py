"""The BNBA import for a request: the capped upload, the sheet kept between preview and confirm, one transaction.

The rules are reports/bnba_import.py; this module adds what only the request knows. The upload is refused
while the body is still arriving once it passes the cap (never buffered whole first). Between the preview and
the confirmation the sheet is kept under the upload folder, per user and named by its SHA-256
(`imports/<user id>/<sha256>.xlsx`): the confirmation names the hash, reads the same bytes and checks them
again. The kept sheet is deleted once applied, and any kept sheet older than a day is deleted at the next
upload, so none stays forever. Nothing is written to the system's temporary folder.

`plan_as` and `apply_as` are the preview and the confirmation for a named user; the page calls them with the
logged-in user, `import-bnba` (console/import_cli.py) with the user it was given, so both check and write
through the very same code.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message

from chain.audit import record
from chain.store import begin_write
from console.authorization import current_user
from console.settings import Settings
from models import AuditAction, User
from policies.scope import Scope
from reports.bnba_import import ImportPlan, apply_import, plan_import
from reports.xlsx_upload import SheetRefused, UploadLimits, size_text

FILE_FIELD = "sheet"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries, the CSRF token and the file name around the file itself
PENDING_FOLDER = "imports"
PENDING_MAX_AGE_SECONDS = 24 * 3600
_DIGEST = re.compile(r"[0-9a-f]{64}")

CHANGED_SINCE_PREVIEW = (
    "Sejak pratinjau, data di konsol berubah (mis. NIK atau No. KK yang sama baru saja didaftarkan petugas lain). "
    "Tidak ada data yang diimpor; unggah ulang berkas untuk melihat pemeriksaan terbaru."
)
NOT_KEPT = "Berkas pratinjau tidak ditemukan lagi (sudah diimpor atau kedaluwarsa). Unggah ulang berkasnya."


class ImportConflict(ValueError):
    """The database changed under the confirmation; nothing was applied. The message is in Bahasa Indonesia."""


def limits_of(settings: Settings) -> UploadLimits:
    return UploadLimits(max_bytes=settings.max_import_bytes, max_rows=settings.max_import_rows)


def _too_large(settings: Settings) -> SheetRefused:
    return SheetRefused(f"Berkas terlalu besar; batas ukuran {size_text(settings.max_import_bytes)}.")


async def read_sheet_upload(request: Request, settings: Settings) -> bytes:
    """The uploaded file's bytes; SheetRefused as soon as the body passes the cap, or when no file was sent."""
    ceiling = settings.max_import_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > ceiling:
        raise _too_large(settings)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > ceiling:
            raise _too_large(settings)
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    form = await Request(request.scope, replay).form(max_files=1, max_fields=10)
    try:
        upload = form.get(FILE_FIELD)
        if not isinstance(upload, UploadFile):
            raise SheetRefused("Belum ada berkas yang dipilih; pilih berkas BNBA .xlsx.")
        data = await upload.read(settings.max_import_bytes + 1)
    finally:
        await form.close()
    if len(data) > settings.max_import_bytes:
        raise _too_large(settings)
    return data


# --- the sheet kept between preview and confirmation ---


def _pending_dir(settings: Settings, user: User) -> Path:
    return Path(settings.upload_dir) / PENDING_FOLDER / str(user.id)


def keep_pending(data: bytes, settings: Settings, user: User) -> str:
    """Keep the previewed sheet for the confirmation; returns its SHA-256 (hex)."""
    purge_stale(settings)
    digest = hashlib.sha256(data).hexdigest()
    folder = _pending_dir(settings, user)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}.xlsx"
    temporary = folder / f".{digest}.{os.getpid()}.tmp"
    temporary.write_bytes(data)
    temporary.replace(target)  # atomic; also refreshes the age of a sheet uploaded again
    return digest


def load_pending(settings: Settings, user: User, digest: str) -> bytes:
    """The kept sheet of this user with this hash; SheetRefused when it is gone (or the hash is malformed)."""
    path = _pending_dir(settings, user) / f"{digest}.xlsx"
    if not _DIGEST.fullmatch(digest) or not path.is_file():
        raise SheetRefused(NOT_KEPT)
    return path.read_bytes()


def drop_pending(settings: Settings, user: User, digest: str) -> None:
    if _DIGEST.fullmatch(digest):
        (_pending_dir(settings, user) / f"{digest}.xlsx").unlink(missing_ok=True)


def purge_stale(settings: Settings, max_age: float = PENDING_MAX_AGE_SECONDS) -> int:
    """Delete kept sheets older than `max_age` seconds; returns how many."""
    root = Path(settings.upload_dir) / PENDING_FOLDER
    if not root.is_dir():
        return 0
    cutoff, removed = time.time() - max_age, 0
    for path in root.glob("*/*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# --- preview and confirmation ---


def plan_as(session_factory: sessionmaker[Session], user: User | None, data: bytes, limits: UploadLimits) -> ImportPlan:
    """What the import would do for `user` (within their scope); reads only."""
    scope = Scope.of(user) if user is not None else Scope(None, valid=False)
    with session_factory() as session:
        return plan_import(session, data, scope, limits)


def apply_as(
    session_factory: sessionmaker[Session], user: User, data: bytes, limits: UploadLimits, *, channel: str = ""
) -> ImportPlan:
    """Check again and apply in one transaction with the audit entry; ImportRefused / ImportConflict otherwise."""
    with session_factory() as session:
        begin_write(session)
        try:
            plan = apply_import(session, data, Scope.of(user), user, limits)
            record_import(session, plan, user, hashlib.sha256(data).hexdigest(), channel=channel)
            session.commit()
        except IntegrityError as error:
            # A NIK or No. KK registered by someone else between our check and our insert (unique indexes).
            session.rollback()
            raise ImportConflict(CHANGED_SINCE_PREVIEW) from error
        return plan


def preview(session_factory: sessionmaker[Session], request: Request, data: bytes) -> ImportPlan:
    """What the import would do for the logged-in user; reads only."""
    settings: Settings = request.app.state.settings
    return plan_as(session_factory, current_user(request), data, limits_of(settings))


def confirm(session_factory: sessionmaker[Session], request: Request, data: bytes) -> ImportPlan:
    """The logged-in user's confirmation (see `apply_as`)."""
    settings: Settings = request.app.state.settings
    user = current_user(request)
    assert user is not None  # the route requires a login
    return apply_as(session_factory, user, data, limits_of(settings))


def record_import(session: Session, plan: ImportPlan, user: User, digest: str, *, channel: str = "") -> None:
    """The IMPORT audit entry; `channel` names where the import came from when it was not the page ("CLI")."""
    counts = plan.counts()
    source = f" ({channel})" if channel else ""
    record(
        session,
        AuditAction.IMPORT,
        object_type="bnba",
        object_id=digest[:40],
        region_code=user.scope_region_code,
        message=(
            f"Impor BNBA{source}: {counts['households']} keluarga, {counts['members']} anggota, "
            f"{counts['proposals']} usulan draf; {counts['skipped_households']} KK yang sudah diimpor dilewati."
        ),
        after=counts,
    )
