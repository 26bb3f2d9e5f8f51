"""Jadwal Usulan: the monthly proposal windows of a regency (models/windows.py), kept by its Dinsos.

Each row is one month: the Musdesus and input days and the date the ranking comes back. "Isi jadwal setahun"
creates the months of a year that have none on the reported days (chain/windows.py), to be edited row by row.
The deadlines of drafts and of proposals on the Musdes agenda follow these rows (chain/deadlines.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqladmin import expose
from sqladmin.flash import Flash
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chain import windows
from console.authorization import actor_of
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from console.views.steps import WorkflowSteps
from models.base import table_of
from models.dates import today_in_indonesia
from models.refusals import Refusal
from models.region_codes import RegionLevel, is_region_code, level_of
from models.windows import ProposalWindow, window_refusal

WINDOW_LABELS: ColumnLabels = {
    "regency_code": "Kode kabupaten/kota",
    "month": "Bulan (TTTT-BB)",
    "musdes_opens": "Musdesus dibuka",
    "musdes_closes": "Musdesus ditutup",
    "input_opens": "Input dibuka",
    "input_closes": "Input ditutup",
    "result_date": "Hasil pemeringkatan",
    "updated_at": "Diubah",
}
WINDOW_FIELDS = ("regency_code", "month", "musdes_opens", "musdes_closes", "input_opens", "input_closes", "result_date")


def _day(model: Any, attribute: Any) -> str:
    value = getattr(model, attribute.key if hasattr(attribute, "key") else str(attribute))
    return f"{value:%d-%m-%Y}" if isinstance(value, date) else "—"


class ProposalWindowView(WorkflowSteps, DtksModelView, model=ProposalWindow):
    """The windows of the regencies in the official's scope; the district edits its own."""

    name = "Jadwal Usulan"
    name_plural = "Jadwal Usulan"
    icon = "fa-solid fa-calendar-days"
    category = "Alur Usulan"
    list_template = "window_list.html"
    scope_column = table_of(ProposalWindow).c.regency_code

    column_list = [
        ProposalWindow.regency_code,
        ProposalWindow.month,
        ProposalWindow.musdes_opens,
        ProposalWindow.musdes_closes,
        ProposalWindow.input_opens,
        ProposalWindow.input_closes,
        ProposalWindow.result_date,
    ]
    column_details_list = [*column_list, ProposalWindow.updated_at]
    column_labels = WINDOW_LABELS
    column_formatters = {column: _day for column in column_list[2:]}
    column_formatters_detail = column_formatters
    column_default_sort = [(ProposalWindow.month, True)]
    column_sortable_list = [ProposalWindow.month, ProposalWindow.regency_code]
    form_columns = column_list
    form_include_pk = True  # the regency and the month are the key, typed on the form

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        """A window lies in its month and keeps its order; a regency of the official's scope only."""
        code = str(data.get("regency_code") or "").strip()
        data["regency_code"], data["month"] = code, str(data.get("month") or "").strip()
        if not is_region_code(code) or level_of(code) != RegionLevel.REGENCY:
            raise ValueError("Kode kabupaten/kota tidak sah (contoh: 52.72).")
        if not actor_of(request).scope.holds(code):
            raise ValueError("Kabupaten/kota di luar wilayah tugas Anda.")
        typed = ProposalWindow(**{key: data.get(key) for key in WINDOW_FIELDS})
        refusal = window_refusal(typed)
        if refusal:
            raise ValueError(refusal)

    def default_regency(self, request: Request) -> str:
        return windows.regency_of(actor_of(request)) or ""

    def this_year(self) -> int:
        return today_in_indonesia().year

    def may_fill(self, request: Request) -> bool:
        return actor_of(request).allows(*windows.CREATING)

    @expose("/fill-year", methods=["POST"])
    async def fill_year(self, request: Request) -> Response:
        """Create the year's missing months on the reported days; the list says how many."""
        form = await request.form()
        regency, year_text = str(form.get("regency_code") or ""), str(form.get("year") or "").strip()
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else 0
        back = RedirectResponse(request.url_for("admin:list", identity=self.identity), status_code=303)
        try:
            made = await self.core_write(
                request, lambda session, actor: windows.fill_year(session, actor, regency, year)
            )
        except Refusal as refusal:
            Flash.error(request, str(refusal))
            return back
        Flash.success(request, f"{made} bulan jadwal usulan dibuat untuk {regency.strip()} tahun {year}.")
        return back
