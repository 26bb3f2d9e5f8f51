"""The BNBA import for a request: the capped upload, the sheet kept between preview and confirm, one transaction.

The rules are reports/bnba_import.py and the actor's steps chain/imports.py; this module adds what only the
request and the upload folder know. The upload is refused
while the body is still arriving once it passes the cap (never buffered whole first). Between the preview and
the confirmation the sheet is kept under the upload folder, per user and named by its SHA-256
(`imports/<user id>/<sha256>.xlsx`): the confirmation names the hash, reads the same bytes and checks them
again. The kept sheet is deleted once applied, and any kept sheet older than a day is deleted at the next
upload, so none stays forever. Nothing is written to the system's temporary folder.

`preview_in` and `confirm_in` run the core's preview and confirmation for an actor in a transaction of their
own; the page calls them with the request's actor, `import-bnba` (console/import_cli.py) with the actor of the
user it was given, so both check and write through the very same code.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message

from chain import imports
from chain.actor import Actor
from chain.imports import CHANGED_SINCE_PREVIEW, ImportConflict
from chain.store import begin_write, commit_or_conflict
from console.settings import Settings
from models import User
from models.refusals import Conflict
from reports.bnba_import import ImportPlan
from reports.xlsx_upload import SheetRefused, UploadLimits, size_text

FILE_FIELD = "sheet"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries, the CSRF token and the file name around the file itself
PENDING_FOLDER = "imports"
PENDING_MAX_AGE_SECONDS = 24 * 3600
_DIGEST = re.compile(r"[0-9a-f]{64}")

NOT_KEPT = "Berkas pratinjau tidak ditemukan lagi (sudah diimpor atau kedaluwarsa). Unggah ulang berkasnya."

__all__ = ["ImportConflict", "confirm_in", "preview_in"]


def limits_of(settings: Settings) -> UploadLimits:
    return UploadLimits(max_bytes=settings.max_import_bytes, max_rows=settings.max_import_rows)


def _too_large(settings: Settings) -> SheetRefused:
    return SheetRefused(f"Berkas terlalu besar; batas ukuran {size_text(settings.max_import_bytes)}.")


@dataclass(frozen=True)
class SheetUpload:
    """An uploaded sheet: its bytes, the name the browser gave it, and the form's text fields."""

    data: bytes
    file_name: str
    fields: dict[str, str]


async def read_sheet_upload(request: Request, settings: Settings) -> bytes:
    """The uploaded file's bytes; SheetRefused as soon as the body passes the cap, or when no file was sent."""
    return (await read_sheet_form(request, settings)).data


async def read_sheet_form(request: Request, settings: Settings) -> SheetUpload:
    """The uploaded sheet with the form's other fields; SheetRefused past the cap, or when no file was sent."""
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
            raise SheetRefused("Belum ada berkas yang dipilih; pilih berkas .xlsx.")
        data = await upload.read(settings.max_import_bytes + 1)
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
        file_name = upload.filename or ""
    finally:
        await form.close()
    if len(data) > settings.max_import_bytes:
        raise _too_large(settings)
    return SheetUpload(data, file_name, fields)


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


# --- preview and confirmation: the core's two steps (chain/imports.py) in a transaction of their own ---


def preview_in(sessions: sessionmaker[Session], actor: Actor, data: bytes, limits: UploadLimits) -> ImportPlan:
    """What the import would do for `actor`; reads only."""
    with sessions() as session:
        return imports.preview(session, actor, data, limits)


def confirm_in(
    sessions: sessionmaker[Session], actor: Actor, data: bytes, limits: UploadLimits, *, channel: str = ""
) -> ImportPlan:
    """Check again and apply in one transaction; ImportRefused, or ImportConflict when the data moved meanwhile."""
    with sessions() as session:
        begin_write(session)
        plan = imports.confirm(session, actor, data, limits, channel=channel)
        try:
            commit_or_conflict(session, taken=CHANGED_SINCE_PREVIEW)
        except Conflict as conflict:  # the commit met a NIK or No. KK registered by someone else meanwhile
            raise ImportConflict(str(conflict)) from conflict
        return plan
