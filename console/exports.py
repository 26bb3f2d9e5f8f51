"""The console's half of an export: the request's actor, the paper size, and the streamed download.

What an export may read, the region and period asked and the EXPORT audit row are chain/exports.py. The
workbook is built in a worker thread into a temporary file; when it is finished, its EXPORT audit row is
committed in its own transaction; the file is then streamed in chunks and removed. Downloads are GET (they
change no data) and never cached. A roster or recap with no row is no file: 404 with the reason (the core's
NotFound, its message on the page) and nothing audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from chain.exports import EXPORT, audit_export, empty_message, refuse_empty, rows_text
from chain.store import begin_write, commit_or_conflict
from console.authorization import FULL_NIK, actor_of, may
from console.refusals import in_core
from models.refusals import NotFound
from policies.scope import Scope
from reports.xlsx import ExportFile

__all__ = ["EXPORT", "empty_message", "export_response", "full_identity", "paper_of", "refuse_empty", "rows_text"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scope_of(request: Request) -> Scope:
    return actor_of(request).scope


def paper_of(request: Request) -> str:
    """`?kertas=F4` for offices that print annexes on F4 (215 x 330 mm); A4 otherwise."""
    return "F4" if request.query_params.get("kertas", "").upper() == "F4" else "A4"


def full_identity(request: Request) -> bool:
    """NIK / No. KK in full only for roles that see them in full on screen (DESIGN section 6)."""
    return may(request, *FULL_NIK)


def audited(session_factory: sessionmaker[Session], export: ExportFile, **audit_fields: Any) -> None:
    """The EXPORT audit row (chain/exports.py), committed on its own once the workbook is complete."""
    with session_factory() as session:
        begin_write(session)
        audit_export(session, export, **audit_fields)
        commit_or_conflict(session)


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
            try:
                export, audit_fields = build(session)
            except NotFound as refusal:
                if refusal.message == NotFound.default_message:
                    raise
                raise HTTPException(status_code=404, detail=refusal.message) from refusal  # why there is no file
        try:
            audited(session_factory, export, **audit_fields)
        except BaseException:
            export.discard()
            raise
        return export

    return download(await in_core(run))


def pdf_response(data: bytes, filename: str) -> Response:
    """A printed document (reports/documents.py) as a download, never cached."""
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
