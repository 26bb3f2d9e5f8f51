"""What an export may read and how it is audited: the permission, the region and period asked, the EXPORT row.

Every export is allowed by casbin's ("bnba", "export") plus the permission to read what it exports (the decree,
the meeting, the household list...), within the actor's region (outside it: NotFound, as absent). The workbook
itself is reports/; once it is complete, one EXPORT audit row (who, which export, which object or filters, how
many rows) goes in the caller's transaction. The rows audited are the data rows in the file, over all its
sheets. A roster or recap with no row is no file: NotFound with the reason, and nothing is audited. The
console streams the file (console/exports.py); the CLI writes it to a folder (console/cli_export.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from models.audit import AuditAction
from models.periods import is_period
from models.refusals import Invalid, NotFound
from models.region_codes import is_region_code, region_name
from reports.xlsx import ExportFile

EXPORT = ("bnba", "export")  # with the permission to read what is exported (the console's download pages)
REGION_INVALID = "Kode wilayah tidak valid (bertitik, misalnya 52.72)."
PERIOD_INVALID = "Periode ditulis TTTT-BB dengan bulan 01, 04, 07 atau 10."


def region_and_period(actor: Actor, region: str | None, period: str | None) -> tuple[str | None, str | None]:
    """A region (dotted code) and period (a quarter) asked for, each optional: Invalid when malformed,
    NotFound when the region lies outside the actor's scope."""
    region, period = (region or "").strip() or None, (period or "").strip() or None
    if region is not None and not is_region_code(region):
        raise Invalid(REGION_INVALID, fields={"region": REGION_INVALID})
    if period is not None and not is_period(period):
        raise Invalid(PERIOD_INVALID, fields={"period": PERIOD_INVALID})
    if region is not None and not actor.scope.holds(region):
        raise NotFound()
    return region, period


def audit_export(
    session: Session, export: ExportFile, *, what: str, object_type: str, object_id: Any, region: str
) -> None:
    """The EXPORT audit row of a finished workbook, in the caller's transaction."""
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
    """An export with no data row is removed and refused (NotFound with `message`), never an empty file."""
    if export.rows == 0:
        export.discard()
        raise NotFound(message)
    return export
