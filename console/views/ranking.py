"""Hasil Pemeringkatan (DTSEN): import a BPS ranking file for a period, and compare one period with another.

Casbin resource `ranking`: `import` (pusdatin for the nation, operator_dinsos for their regency) and `read` (the
comparison: district, province and ministry readers); the region half is the user's scope, applied by
chain/ranking.py to every row and by reports/ranking_compare.py to every count. The rules are there; this module
reads the upload (console/imports.py: capped while it arrives) and shows the outcome. Every route shares the
identity `ranking`, so `url_for("admin:view-ranking", step=...)` finds each by its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import anyio
from sqladmin import BaseView, expose
from sqladmin.flash import Flash
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from chain import windows
from chain.ranking import RankingPlan, RankingRefused, import_ranking
from chain.store import write_transaction
from console import imports
from console.authorization import actor_of, may
from console.exports import export_response, full_identity, scope_of
from console.refusals import in_core
from console.sqladmin_door import session_maker_of
from models import RankingImport, RegisterMode
from models.dates import today_in_indonesia
from models.identity import mask_identity_number
from models.periods import PERIOD_MESSAGE, is_period, period_of
from models.refusals import Refusal
from reports.interchange import INTERCHANGE_VERSION, RESULTS, STATUS_BOOK
from reports.ranking_compare import Comparison, compare, comparison_export, family_changes, region_rows
from reports.xlsx_upload import SheetRefused, size_text

TEMPLATE = "ranking.html"
NO_STORE = {"Cache-Control": "no-store"}
RECENT_IMPORTS = 20
LISTED_FAMILIES = 200


class RankingView(BaseView):
    """The ranking page; in the menu for the roles casbin lets import or read rankings."""

    name = "Hasil Pemeringkatan"
    icon = "fa-solid fa-ranking-star"
    category = "Kementerian"

    def is_accessible(self, request: Request) -> bool:
        return may(request, "ranking", "read") or may(request, "ranking", "import")

    @expose("/ranking", methods=["GET"], identity="ranking")
    async def ranking_page(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/ranking/{step:str}", methods=["POST"], identity="ranking")
    async def ranking_post(self, request: Request) -> Response:
        if request.path_params["step"] != "impor":  # not "import": sqladmin routes /{identity}/import itself
            raise HTTPException(status_code=404)
        return await self._import(request)

    @expose("/ranking/{step:str}", methods=["GET"], identity="ranking")
    async def ranking_get(self, request: Request) -> Response:
        step = request.path_params["step"]
        if step == "compare":
            return await self._compare(request)
        if step == "compare-export":
            return await self._compare_export(request)
        raise HTTPException(status_code=404)

    # --- steps ---

    async def _import(self, request: Request) -> Response:
        if not may(request, "ranking", "import"):
            raise HTTPException(status_code=403)
        settings, actor = request.app.state.settings, actor_of(request)
        limits = imports.limits_of(settings)
        try:
            upload = await imports.read_sheet_form(request, settings)
        except SheetRefused as refusal:
            return await self._page(request, error=str(refusal), status_code=400)
        period = upload.fields.get("period", "")

        def work(session: Session) -> RankingPlan:
            return import_ranking(session, actor, period, upload.data, limits, file_name=upload.file_name)

        try:
            plan = await in_core(lambda: write_transaction(session_maker_of(self), work))
        except RankingRefused as refusal:
            return await self._page(request, plan=refusal.plan, error=str(refusal), status_code=400)
        except SheetRefused as refusal:
            return await self._page(request, error=str(refusal), status_code=400)
        except Refusal as refusal:  # a period that is no quarter, or one whose SK Penetapan is signed
            return await self._page(request, error=str(refusal), status_code=409)
        Flash.success(request, outcome_message(plan))
        return await self._page(request, plan=plan)

    async def _compare(self, request: Request) -> Response:
        before, after = self._periods(request)
        if not (before and after):
            return await self._page(request, error=PERIOD_MESSAGE, status_code=400)
        scope = scope_of(request)

        def load() -> tuple[Comparison, list[Any]]:
            with session_maker_of(self)() as session:
                comparison = compare(session, scope, before, after)
                return comparison, list(family_changes(session, scope, before, after, limit=LISTED_FAMILIES))

        comparison, families = await anyio.to_thread.run_sync(load)
        return await self._page(request, comparison=comparison, families=families)

    async def _compare_export(self, request: Request) -> Response:
        before, after = self._periods(request)
        if not (before and after):
            return await self._page(request, error=PERIOD_MESSAGE, status_code=400)
        scope, full = scope_of(request), full_identity(request)

        def build(session: Session) -> Any:
            where = scope.code or ""
            audit = {
                "what": "Perbandingan pemeringkatan",
                "object_type": "ranking",
                "object_id": where,
                "region": where,
            }
            return comparison_export(session, scope, before, after, full_identity=full), audit

        return await export_response(session_maker_of(self), build)

    # --- helpers ---

    def _periods(self, request: Request) -> tuple[str, str]:
        """The two periods asked, each '' unless a quarter; the earlier first whichever order they came in."""
        typed = [request.query_params.get(name, "").strip() for name in ("before", "after")]
        if not all(is_period(period) for period in typed):
            return "", ""
        before, after = sorted(typed)
        return before, after

    async def _page(
        self,
        request: Request,
        *,
        plan: RankingPlan | None = None,
        comparison: Comparison | None = None,
        families: list[Any] | None = None,
        error: str = "",
        status_code: int = 200,
    ) -> Response:
        settings, scope, full = request.app.state.settings, scope_of(request), full_identity(request)

        def recent() -> list[RankingImport]:
            shown = [RankingImport.scope_code == ""]
            if scope.code is not None:
                shown.append(RankingImport.scope_code == scope.code)
            query = select(RankingImport).order_by(RankingImport.id.desc()).limit(RECENT_IMPORTS)
            with session_maker_of(self)() as session:
                return list(session.scalars(query if scope.code is None else query.where(or_(*shown))))

        def schedule() -> ResultSchedule:
            period = period_of(today_in_indonesia())
            regency = scope.code[: len("00.00")] if scope.code and len(scope.code) >= len("00.00") else None
            with session_maker_of(self)() as session:
                due = windows.result_date(session, regency, period)
                arrived = session.scalar(select(RankingImport.id).where(RankingImport.period == period).limit(1))
            return ResultSchedule(period, due, arrived is not None, today_in_indonesia())

        context = {
            "schedule": await anyio.to_thread.run_sync(schedule),
            "dtsen": settings.register_mode is RegisterMode.DTSEN,
            "mode": settings.register_mode,
            "may_import": may(request, "ranking", "import"),
            "plan": plan,
            "comparison": comparison,
            "region_rows": region_rows(comparison) if comparison is not None else [],
            "families": families or [],
            "listed": LISTED_FAMILIES,
            "imports": await anyio.to_thread.run_sync(recent),
            "error": error,
            "columns": RESULTS.columns,
            "aliases": RESULTS.aliases,
            "statuses": [(member.label, STATUS_BOOK.spellings[member]) for member in STATUS_BOOK.codes],
            "version": INTERCHANGE_VERSION,
            "max_size": size_text(settings.max_import_bytes),
            "before": request.query_params.get("before", ""),
            "after": request.query_params.get("after", ""),
            "show_number": (lambda number: number) if full else mask_identity_number,
        }
        response = await self.templates.TemplateResponse(request, TEMPLATE, context, status_code=status_code)
        response.headers.update(NO_STORE)
        return response


@dataclass(frozen=True)
class ResultSchedule:
    """The current quarter's ranking: the day the window says it comes back (None: no window), and if it came."""

    period: str
    due: date | None
    arrived: bool
    today: date

    @property
    def late(self) -> bool:
        return self.due is not None and not self.arrived and self.today > self.due


def outcome_message(plan: RankingPlan) -> str:
    """What the page says after an import."""
    if plan.already_imported is not None:
        return (
            f"Berkas ini sudah diimpor untuk periode {plan.period} pada "
            f"{plan.already_imported.imported_at:%d-%m-%Y %H:%M} UTC; tidak ada data yang diubah."
        )
    counts = plan.counts()
    message = (
        f"Hasil pemeringkatan {plan.period} diimpor: {counts['new']} keluarga baru, {counts['changed']} berubah, "
        f"{counts['unchanged']} tetap; {counts['standings']} status periode keluarga terdaftar diperbarui."
    )
    if plan.received or plan.rejected:
        message += (
            f" Usulan diteruskan: {plan.received} diterima, {plan.rejected} ditolak dan kembali ke desa "
            "dengan alasannya."
        )
    if plan.unknown:
        message += f" {plan.unknown} baris tidak diterapkan (lihat daftar di bawah)."
    return message
