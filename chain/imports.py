"""The BNBA import for an actor: the preview (what the sheet would do in their scope) and the confirmation.

The rules are reports/bnba_import.py (every row checked, then households, members and draft proposals built
in the actor's region); this adds the permission (casbin `bnba, import`), the actor's scope and the IMPORT
audit entry. The page (console/views/imports.py) and `import-bnba` (console/import_cli.py) call these two with
the sheet's bytes; the caller opens the transaction and commits (`commit_or_conflict` with CHANGED_SINCE_PREVIEW:
a NIK or No. KK someone else registered between the check and the commit).
"""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from models import AuditAction, User
from models.refusals import Conflict
from reports.bnba_import import ImportPlan, apply_import, plan_import
from reports.xlsx_upload import UploadLimits

IMPORTING = ("bnba", "import")
CHANGED_SINCE_PREVIEW = (
    "Sejak pratinjau, data di konsol berubah (mis. NIK atau No. KK yang sama baru saja didaftarkan petugas lain). "
    "Tidak ada data yang diimpor; unggah ulang berkas untuk melihat pemeriksaan terbaru."
)


class ImportConflict(Conflict):
    """The database changed under the confirmation; nothing was applied. The message is in Bahasa Indonesia."""

    default_message = CHANGED_SINCE_PREVIEW


def preview(session: Session, actor: Actor, data: bytes, limits: UploadLimits) -> ImportPlan:
    """What the import would do for the actor (within their scope); reads only."""
    actor.require(IMPORTING)
    return plan_import(session, data, actor.scope, limits)


def confirm(session: Session, actor: Actor, data: bytes, limits: UploadLimits, *, channel: str = "") -> ImportPlan:
    """Check again and apply with the audit entry; ImportRefused (rows with errors) or ImportConflict otherwise."""
    user = actor.require(IMPORTING)
    try:
        plan = apply_import(session, data, actor.scope, user, limits)
        record_import(session, plan, user, hashlib.sha256(data).hexdigest(), channel=channel)
    except IntegrityError as error:  # a unique NIK or No. KK taken since the check (the inserts met it)
        raise ImportConflict() from error
    return plan


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
