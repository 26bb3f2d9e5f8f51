"""A list's export: the filtered, scoped, streamed .xlsx of what the list shows, in place of sqladmin's CSV/JSON.

sqladmin's export route (`/admin/<view>/export/<type>`) loads every row of the *unfiltered* query into a list
(`get_model_objects`) and then writes CSV/JSON from it. Here `get_model_objects` loads nothing and
`export_data` builds the list's own statement from the request (scope, the search kept in the session,
filters, sorting), streams it in batches in a worker thread into the safe writer, masks NIK / No. KK exactly
as the list does, and audits the export with its row count. Allowed by ("bnba", "export") plus `list` on
the view. The list template's Export button carries the list's query string.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, cast

from markupsafe import Markup
from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload
from starlette.requests import Request
from starlette.responses import StreamingResponse

from console.authorization import may
from console.exports import EXPORT, export_response, scope_of
from console.search import QUERY_PARAMETER, _with_search, searched_term
from console.sqladmin_door import apply_list_filters, column_label, export_columns, list_formatted, list_relations
from models.base import LabelledEnum
from reports.xlsx import Column, ExportFile, Kind, safe_file_name, write_table

YIELD_PER = 500
IDENTIFIER_PROPS = {"region_code", "scope_region_code"}


class StreamedXlsxExport:
    """Mixin for DtksModelView: the list's Export button downloads the list as a streamed .xlsx."""

    can_export: ClassVar[bool] = True
    export_types: ClassVar[list[str]] = ["xlsx"]

    async def check_can_export(self, request: Request) -> bool:
        view = cast(Any, self)
        return view.can_export and may(request, *EXPORT) and view.has_permission(request, "list")

    async def get_model_objects(self, request: Request, limit: int | None = 0) -> list[Any]:
        return []  # the export streams its rows itself (export_data); nothing is loaded up front

    def get_export_name(self, export_type: str) -> str:
        name = safe_file_name(cast(Any, self).name_plural.replace(" ", "_"), "Data")
        return f"{name}_{date.today():%d-%m-%Y}.{export_type}"

    async def export_statement(self, request: Request) -> Select[Any]:
        """The list's statement for this request without paging: scope, search, filters, sorting."""
        view = cast(Any, self)
        request = _with_search(request, searched_term(request, view.identity))
        stmt = view.list_query(request)
        for relation in list_relations(view):
            stmt = stmt.options(selectinload(relation))
        stmt = view.sort_query(await apply_list_filters(view, stmt, request), request)
        term = request.query_params.get(QUERY_PARAMETER)
        return view.search_query(stmt=stmt, term=term) if term else stmt

    async def export_data(
        self, data: list[Any], export_type: str = "xlsx", request: Request | None = None
    ) -> StreamingResponse:
        assert request is not None
        view = cast(Any, self)
        stmt = await self.export_statement(request)
        props = export_columns(view)
        columns = [self._export_column(prop) for prop in props]
        filename = self.get_export_name("xlsx")
        filters = {k: v for k, v in request.query_params.items() if k != QUERY_PARAMETER}
        where = scope_of(request).code or ""

        def build(session: Session) -> tuple[ExportFile, dict[str, Any]]:
            objects = session.execute(stmt.execution_options(yield_per=YIELD_PER)).scalars()
            rows = ([self._export_cell(request, obj, prop) for prop in props] for obj in objects)
            export = write_table(filename, view.name_plural, columns, rows, title=[view.name_plural.upper()])
            what = f"daftar {view.name_plural}" + (f" (filter {filters})" if filters else "")
            return export, {"what": what, "object_type": view.identity, "object_id": "", "region": where}

        return await export_response(view.session_maker, build)

    def _export_column(self, prop: str) -> Column:
        view = cast(Any, self)
        label = column_label(view, prop)
        identifier = prop in view.identity_columns or prop in IDENTIFIER_PROPS
        return Column(label, Kind.DIGITS if identifier else Kind.AUTO, 20 if identifier else 18)

    def _export_cell(self, request: Request, obj: Any, prop: str) -> Any:
        """What the list shows in this cell (same formatter, same masking), as a typed cell value."""
        view = cast(Any, self)
        value = obj
        for part in prop.split("."):
            value = getattr(value, part, None) if value is not None else None
        has_formatter, formatted = list_formatted(view, obj, prop, request)
        if not has_formatter:
            if isinstance(value, (bool, int, float, date)) and prop not in view.identity_columns:
                return value  # a real number or date cell, not the list's display string
            formatted = value
        _, shown = view._shown(request, prop, value, formatted)
        return _plain(shown)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, date)):
        return value
    if isinstance(value, Markup):
        return value.striptags()
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(_plain(item)) for item in value)
    return str(value)
