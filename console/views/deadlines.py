"""Deadlines: the editable step targets (Bima SOP defaults) and the dashboard per tier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import anyio
from sqladmin import BaseView, expose
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from chain import dashboard
from console.authorization import actor_of
from console.dashboard_charts import chart_svg
from console.sqladmin_door import ColumnLabels, session_maker_of
from console.views.base import DtksModelView
from models.deadline import StepTarget
from models.proposal import ProposalStatus

STEP_TARGET_LABELS: ColumnLabels = {
    "status": "Status",
    "working_days": "Target (hari kerja)",
    "basis": "Dasar",
    "updated_at": "Diubah",
}


def _status_label(model: Any, _attribute: Any) -> str:
    try:
        return ProposalStatus(model.status).label
    except ValueError:
        return str(model.status)


class StepTargetView(DtksModelView, model=StepTarget):
    """Target duration of each status; national reference data (no region), edited by admin only."""

    name = "Target Waktu"
    icon = "fa-solid fa-stopwatch"
    category = "Administrasi"
    can_create = False
    can_delete = False

    column_list = [StepTarget.status, StepTarget.working_days, StepTarget.basis, StepTarget.updated_at]
    column_details_list = column_list
    column_labels = STEP_TARGET_LABELS
    column_formatters = {StepTarget.status: _status_label}
    column_formatters_detail = column_formatters
    column_default_sort = [(StepTarget.working_days, False)]
    form_columns = [StepTarget.working_days, StepTarget.basis]


class DashboardView(BaseView):
    """Dasbor: the user's own tier, everything counted in SQL within the user's scope."""

    name = "Dasbor"
    icon = "fa-solid fa-chart-column"

    @expose("/dashboard", methods=["GET"], identity="dashboard")
    async def dashboard_page(self, request: Request) -> Response:
        scope = actor_of(request).scope
        asked = request.query_params.get("programmes") == "1"

        def load() -> dashboard.Dashboard:
            with session_maker_of(self)() as session:
                board = dashboard.build(session, scope, datetime.now(UTC).date(), programmes_shown=asked or None)
                session.expunge_all()
                return board

        board = await anyio.to_thread.run_sync(load)
        return await self.templates.TemplateResponse(request, "dashboard.html", {"board": board})


class DashboardChartView(BaseView):
    """The dashboard's charts as SVG images (same identity and permission as the dashboard; not in the menu)."""

    name = "Grafik dasbor"

    def is_visible(self, request: Request) -> bool:
        return False

    @expose("/dashboard/chart/{kind:str}.svg", methods=["GET"], identity="dashboard")
    async def chart(self, request: Request) -> Response:
        scope = actor_of(request).scope
        kind = request.path_params["kind"]

        def render() -> bytes | None:
            with session_maker_of(self)() as session:
                return chart_svg(kind, session, scope)

        svg = await anyio.to_thread.run_sync(render)
        if svg is None:
            raise HTTPException(status_code=404)
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
