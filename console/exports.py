"""Glue between the console and reports/: permission and scope, the audit row, the streamed download.

Every export is allowed by casbin's ("bnba", "export") plus the permission to read what it exports (the
decree, the meeting, the household list...), applied to the user's region (out of scope: 404). The
workbook is built in a worker thread into a temporary file; when it is finished, one EXPORT audit row
(who, which export, which object or filters, how many rows) is committed in its own transaction; the file
is then streamed in chunks and removed. Downloads are GET (they change no data) and never cached.

The rows audited are the data rows in the file, over all its sheets (past Excel's 1,048,576 rows a sheet an
export continues on further sheets: reports/xlsx_table.py). A roster or recap with no row is no file: the
user is told why (404 with the reason, here; exit 2 in the CLI) and nothing is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import StreamingResponse

from chain.audit import record
from console.authorization import FULL_NIK, current_user, may
from models.audit import AuditAction
from models.region_codes import region_name
from policies.scope import Scope
from reports.xlsx import ExportFile

EXPORT = ("bnba", "export")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scope_of(request: Request) -> Scope:
    user = current_user(request)
    return Scope.of(user) if user is not None else Scope(None, valid=False)


def require_export(request: Request, resource: str, action: str) -> None:
    """403 unless the role may export spreadsheets and read `resource`."""
    if not (may(request, *EXPORT) and may(request, resource, action)):
        raise HTTPException(status_code=403)


def paper_of(request: Request) -> str:
    """`?kertas=F4` for offices that print annexes on F4 (215 x 330 mm); A4 otherwise."""
    return "F4" if request.query_params.get("kertas", "").upper() == "F4" else "A4"


def full_identity(request: Request) -> bool:
    """NIK / No. KK in full only for roles that see them in full on screen (DESIGN section 6)."""
    return may(request, *FULL_NIK)


def load_in_scope(session: Session, request: Request, model: type, pk: int) -> Any:
    """The row `pk` of `model` through the user's scope; 404 when absent or outside it."""
    found = session.scalar(select(model).where(model.id == pk, scope_of(request).condition(model.region_code)))
    if found is None:
        raise HTTPException(status_code=404)
    return found


def audit_export(
    session_factory: sessionmaker[Session],
    export: ExportFile,
    *,
    what: str,
    object_type: str,
    object_id: Any,
    region: str,
) -> None:
    """The EXPORT audit row, committed on its own once the workbook is complete."""
    with session_factory() as session, session.begin():
        record(
            session,
            AuditAction.EXPORT,
            object_type=object_type,
            object_id=object_id,
            region_code=region,
            message=f"Ekspor {what} ({export.filename}): {rows_text(export)}",
            after={"export": what, "file": export.filename, "rows": export.rows, "sheets": export.sheets},
        )


def rows_text(export: ExportFile) -> str:
    """The count as shown and audited, the data rows the file holds: "1.250.000 baris dalam 2 lembar"."""
    rows = f"{export.rows:,}".replace(",", ".")  # Indonesian digit grouping
    return f"{rows} baris" + (f" dalam {export.sheets} lembar" if export.sheets > 1 else "")


def empty_message(what: str, where: str, period: str | None, *, counted: str = "keluarga") -> str:
    """Why a roster or recap gives no file: no `counted` in that region and period (console and CLI alike)."""
    place = f"wilayah {where} ({region_name(where) or 'tidak dikenal'})" if where else "seluruh wilayah"
    when = f"pada periode {period}" if period else "saat ini"
    return f"{what}: tidak ada {counted} di {place} {when}; tidak ada berkas yang dibuat."


def refuse_empty(export: ExportFile, message: str) -> ExportFile:
    """An export with no data row is removed and refused (404 with `message`), never handed out as an empty file."""
    if export.rows == 0:
        export.discard()
        raise HTTPException(status_code=404, detail=message)
    return export


def download(export: ExportFile) -> StreamingResponse:
    """The workbook in 64 KiB chunks; the file is removed when read, or after the response in any case."""
    return StreamingResponse(
        export.chunks(),
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
        background=BackgroundTask(export.discard),
    )


async def export_response(
    session_factory: sessionmaker[Session],
    build: Callable[[Session], tuple[ExportFile, dict[str, Any]]],
) -> StreamingResponse:
    """Run `build` (returns the file and the audit fields) in a worker thread, audit, and stream the file."""

    def run() -> ExportFile:
        with session_factory() as session:
            export, audit_fields = build(session)
        try:
            audit_export(session_factory, export, **audit_fields)
        except BaseException:
            export.discard()
            raise
        return export

    return download(await anyio.to_thread.run_sync(run))
