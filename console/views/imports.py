"""Impor BNBA: upload a sheet, see every error or what would be created, confirm, and download the error report.

Casbin resource `bnba`, action `import` (operator_desa for their village, operator_dinsos for their regency);
the region half is the uploader's scope, applied to every row by reports/bnba_import.py. Every route shares
the identity `bnba-import`, so `url_for("admin:view-bnba-import", ...)` finds each by its parameters.
"""

from __future__ import annotations

from typing import Any

import anyio
from sqladmin import BaseView, expose
from sqladmin.flash import Flash
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console import imports
from console.authorization import actor_of, current_user, may
from console.refusals import in_core
from console.settings import Settings
from console.sqladmin_door import session_maker_of
from reports.bnba import BNBA_COLUMNS, coded_columns
from reports.bnba_errors import error_report
from reports.bnba_import import ImportPlan, ImportRefused
from reports.xlsx_upload import SheetRefused, size_text

TEMPLATE = "bnba_import.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_STORE = {"Cache-Control": "no-store"}


class BnbaImportView(BaseView):
    """The import page; shown in the menu only to roles casbin allows to import."""

    name = "Impor BNBA"
    icon = "fa-solid fa-file-import"
    category = "Alur Usulan"

    def is_accessible(self, request: Request) -> bool:
        return may(request, "bnba", "import")

    @expose("/bnba-import", methods=["GET"], identity="bnba-import")
    async def import_page(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/bnba-import/{step:str}", methods=["POST"], identity="bnba-import")
    async def import_step(self, request: Request) -> Response:
        step = request.path_params["step"]
        if step == "preview":
            return await self._preview(request)
        if step == "confirm":
            return await self._confirm(request)
        raise HTTPException(status_code=404)

    @expose("/bnba-import/errors/{digest:str}", methods=["GET"], identity="bnba-import")
    async def error_file(self, request: Request) -> Response:
        """The kept sheet with its errors in an added column (checked again, within this user's scope)."""
        settings, user = self._settings(request), self._user(request)
        digest = request.path_params["digest"]

        actor, limits = actor_of(request), imports.limits_of(settings)

        def build() -> bytes:
            data = imports.load_pending(settings, user, digest)
            plan = imports.preview_in(session_maker_of(self), actor, data, limits)
            return error_report(data, plan.sheet_name, plan.header_row, plan.errors, limits)

        try:
            content = await in_core(build)
        except SheetRefused as refusal:
            return await self._page(request, error=str(refusal), status_code=404)
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="Kesalahan_BNBA_{digest[:8]}.xlsx"'}
        return Response(content, media_type=XLSX, headers=headers)

    # --- steps ---

    async def _preview(self, request: Request) -> Response:
        settings, user = self._settings(request), self._user(request)
        actor, limits = actor_of(request), imports.limits_of(settings)
        try:
            data = await imports.read_sheet_upload(request, settings)
            plan = await in_core(lambda: imports.preview_in(session_maker_of(self), actor, data, limits))
        except SheetRefused as refusal:
            return await self._page(request, error=str(refusal), status_code=400)
        # Kept for the confirmation and the error report; deleted once applied, or after a day.
        digest = await anyio.to_thread.run_sync(lambda: imports.keep_pending(data, settings, user))
        return await self._page(request, plan=plan, digest=digest)

    async def _confirm(self, request: Request) -> Response:
        settings, user = self._settings(request), self._user(request)
        actor, limits = actor_of(request), imports.limits_of(settings)
        form = await request.form()
        digest = str(form.get("digest") or "")
        try:
            data = imports.load_pending(settings, user, digest)
            plan = await in_core(lambda: imports.confirm_in(session_maker_of(self), actor, data, limits))
        except SheetRefused as refusal:
            return await self._page(request, error=str(refusal), status_code=400)
        except ImportRefused as refusal:
            message = "Pemeriksaan ulang menemukan kesalahan; tidak ada data yang diimpor."
            return await self._page(request, plan=refusal.plan, digest=digest, error=message, status_code=409)
        except imports.ImportConflict as conflict:
            return await self._page(request, error=str(conflict), status_code=409)
        imports.drop_pending(settings, user, digest)
        counts = plan.counts()
        Flash.success(
            request,
            f"Impor BNBA selesai: {counts['households']} keluarga, {counts['members']} anggota dan "
            f"{counts['proposals']} usulan draf dibuat; {counts['skipped_households']} KK sudah pernah diimpor "
            "dan dilewati.",
        )
        return RedirectResponse(request.url_for("admin:view-bnba-import"), status_code=303)

    # --- helpers ---

    def _settings(self, request: Request) -> Settings:
        return request.app.state.settings

    def _user(self, request: Request) -> Any:
        user = current_user(request)
        if user is None:
            raise HTTPException(status_code=403)
        return user

    async def _page(
        self,
        request: Request,
        *,
        plan: ImportPlan | None = None,
        digest: str = "",
        error: str = "",
        status_code: int = 200,
    ) -> Response:
        settings = self._settings(request)
        context = {
            "plan": plan,
            "counts": plan.counts() if plan is not None else {},
            "digest": digest,
            "error": error,
            "headers": [column.header for column in BNBA_COLUMNS],
            "required": [column.header for column in BNBA_COLUMNS if column.required],
            "max_size": size_text(settings.max_import_bytes),
            "max_rows": f"{settings.max_import_rows:,}".replace(",", "."),
            "spellings": coded_columns(),
        }
        response = await self.templates.TemplateResponse(request, TEMPLATE, context, status_code=status_code)
        response.headers.update(NO_STORE)
        return response
