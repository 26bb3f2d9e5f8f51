"""SK: district ratification drafts, the signature and scan, and the province's forwarding page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, ClassVar

import anyio
from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from wtforms import validators

from console import decrees, uploads
from console.authorization import may
from console.forms import period_validator
from console.views.base import DtksModelView
from console.views.filters import ChoiceFilter, RegionFilter
from console.views.households import REQUIRED
from console.views.menu_links import FORWARDING_ACCESS
from models import Decree, DecreeKind, Region
from models.region_codes import is_region_code
from models.workflow import TransitionRefused

PERIOD_RULE = (
    validators.Optional(),
    period_validator("Periode ditulis TTTT-BB, bulan Januari, April, Juli atau Oktober."),  # models/periods.py
)

DECREE_LABELS = {
    "kind": "Jenis keputusan",
    "region_code": "Kode wilayah",
    "number": "Nomor",
    "decree_date": "Tanggal",
    "signer_name": "Penandatangan",
    "signer_title": "Jabatan penandatangan",
    "period": "Periode (TTTT-BB)",
    "signed_at": "Ditandatangani",
    "proposals": "Usulan dalam lampiran",
    "created_at": "Dibuat",
}


def _region_code_or_empty(form: Any, field: Any) -> None:
    value = (field.data or "").strip()
    if value and not is_region_code(value):
        raise validators.ValidationError("Kode wilayah ditulis bertitik, misalnya 52.72 (kosong untuk Kementerian).")


class DecreeView(DtksModelView, model=Decree):
    name = "SK"
    name_plural = "Surat Keputusan (SK)"
    icon = "fa-solid fa-stamp"
    category = "Alur Usulan"

    column_list: ClassVar = [
        Decree.kind,
        Decree.number,
        Decree.decree_date,
        Decree.region_code,
        Decree.period,
        Decree.signed_at,
    ]
    column_details_list: ClassVar = [
        Decree.kind,
        Decree.number,
        Decree.decree_date,
        Decree.region_code,
        Decree.signer_name,
        Decree.signer_title,
        Decree.period,
        Decree.signed_at,
        Decree.proposals,
    ]
    column_labels: ClassVar = DECREE_LABELS
    column_default_sort: ClassVar = [(Decree.decree_date, True)]
    column_searchable_list: ClassVar = [Decree.number]
    search_name_columns: ClassVar = [Decree.number]
    search_hint = "Nomor SK"
    column_filters: ClassVar = [
        RegionFilter(Decree.region_code),
        ChoiceFilter.for_enum(Decree.kind, DecreeKind, "Jenis keputusan"),
    ]
    form_columns: ClassVar = [
        Decree.kind,
        Decree.number,
        Decree.decree_date,
        Decree.region_code,
        Decree.signer_name,
        Decree.signer_title,
        Decree.period,
    ]
    form_args: ClassVar = {
        **{name: {"label": label} for name, label in DECREE_LABELS.items()},
        "number": {"label": "Nomor", "description": "Boleh kosong selama masih draf; wajib saat ditandatangani."},
        "decree_date": {"label": "Tanggal", "validators": [REQUIRED]},
        "region_code": {"label": "Kode wilayah", "validators": [_region_code_or_empty]},
        "signer_name": {"label": "Penandatangan", "validators": [REQUIRED]},
        "period": {"label": "Periode (TTTT-BB)", "validators": list(PERIOD_RULE)},
    }

    details_template = "decree_details.html"

    def details_query(self, request: Request) -> Select:
        return super().details_query(request).options(selectinload(Decree.proposals))

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        # A signed decree never reaches this: the finality rule refuses its edit form (views/base.py).
        if data.get("kind") == DecreeKind.MINISTRY_DETERMINATION and not data.get("period"):
            raise ValueError("SK Penetapan wajib memiliki periode (Januari, April, Juli atau Oktober).")
        region_code = (data.get("region_code") or "").strip()
        if region_code:
            with self.session_maker() as session:
                if session.get(Region, region_code) is None:
                    raise ValueError(f"Kode wilayah {region_code} tidak ditemukan dalam daftar wilayah.")
        data["region_code"] = region_code

    # --- the SK pages: annex of a draft, recording the signature, the scan, province forwarding ---

    @expose("/annex/{pk:int}", methods=["GET"])
    async def annex_page(self, request: Request) -> Response:
        """The decree with its annex and the steps this user may take on it, each a POST."""
        return await self._annex_response(request, request.path_params["pk"])

    @expose("/annex/{pk:int}/add", methods=["POST"])
    async def annex_add(self, request: Request) -> Response:
        form = await request.form()
        ids = [int(value) for value in form.getlist("proposal") if str(value).isdigit()]
        return await self._annex_step(
            request,
            lambda pk: f"{decrees.add_proposals(self.session_maker, request, pk, ids)} usulan masuk draf SK.",
        )

    @expose("/annex/{pk:int}/remove/{proposal:int}", methods=["POST"])
    async def annex_remove(self, request: Request) -> Response:
        form = await request.form()
        proposal_id, note = request.path_params["proposal"], str(form.get("note") or "")

        def step(pk: int) -> str:
            decrees.remove_proposal(self.session_maker, request, pk, proposal_id, note)
            return f"Usulan #{proposal_id} dikeluarkan dari draf SK."

        return await self._annex_step(request, step)

    @expose("/annex/{pk:int}/sign", methods=["POST"])
    async def annex_sign(self, request: Request) -> Response:
        if not may(request, "decree", "action:sign"):
            raise HTTPException(status_code=403)
        settings = request.app.state.settings
        form = await request.form(max_part_size=1024 * 1024)
        upload = form.get("scan")
        scan = await upload.read(settings.max_upload_bytes + 1) if hasattr(upload, "read") else b""
        number = str(form.get("number") or "")
        signed_on = _parse_date(str(form.get("signed_on") or ""))

        def step(pk: int) -> str:
            decrees.sign(self.session_maker, request, settings, pk, number=number, signed_on=signed_on, scan=scan)
            return "Tanda tangan SK tercatat; semua usulan dalam lampiran disahkan."

        return await self._annex_step(request, step)

    @expose("/annex/{pk:int}/scan", methods=["GET"])
    async def annex_scan(self, request: Request) -> Response:
        """The stored signed scan, after the same scope check as the details page."""
        path, name = await anyio.to_thread.run_sync(
            lambda: decrees.signed_scan(self.session_maker, request, request.path_params["pk"])
        )
        try:
            handle, content_type = uploads.open_stored(path, request.app.state.settings)
        except FileNotFoundError as error:
            raise HTTPException(status_code=404) from error

        def chunks() -> Iterator[bytes]:
            with handle:
                yield from iter(lambda: handle.read(64 * 1024), b"")

        return StreamingResponse(
            chunks(),
            media_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"},
        )

    @expose("/forwarding", methods=["GET"])
    async def forwarding_page(self, request: Request) -> Response:
        """Signed district decrees of the province whose proposals are ratified: forward each by a POST."""
        return await self._forwarding_response(request)

    @expose("/forwarding/{pk:int}", methods=["POST"])
    async def forwarding_send(self, request: Request) -> Response:
        form = await request.form()
        pk = request.path_params["pk"]
        fields = {name: str(form.get(name) or "") for name in ("number", "signer_name", "signer_title")}
        letter_date = _parse_date(str(form.get("letter_date") or ""))
        try:
            letter_id = await anyio.to_thread.run_sync(
                lambda: decrees.forward(self.session_maker, request, pk, letter_date=letter_date, **fields)
            )
        except (TransitionRefused, ValueError) as refusal:
            return await self._forwarding_response(request, error=str(refusal), status_code=409)
        Flash.success(request, "SK diteruskan ke Kementerian Sosial dengan surat pengantar.")
        return RedirectResponse(request.url_for("admin:view-decree-annex_page", pk=letter_id), status_code=303)

    async def _annex_step(self, request: Request, step: Callable[[int], str]) -> Response:
        pk = request.path_params["pk"]
        try:
            message = await anyio.to_thread.run_sync(lambda: step(pk))
        except (TransitionRefused, ValueError) as refusal:  # ValueError: uploads.UploadRefused, OutOfScope
            return await self._annex_response(request, pk, error=str(refusal), status_code=409)
        Flash.success(request, message)
        return RedirectResponse(request.url_for("admin:view-decree-annex_page", pk=pk), status_code=303)

    async def _annex_response(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        if not may(request, "decree", "details"):
            raise HTTPException(status_code=403)

        def load() -> dict[str, Any]:
            with self.session_maker() as session:
                decree = decrees.load_decree(session, request, pk)
                return {"decree": decree, "candidates": decrees.candidates(session, request, decree)}

        context = await anyio.to_thread.run_sync(load)
        draft = not context["decree"].is_signed and context["decree"].kind == DecreeKind.DISTRICT_RATIFICATION
        context.update(
            error=error,
            may_compose=draft and may(request, "decree", "action:compose"),
            may_sign=draft and may(request, "decree", "action:sign"),
            household_text=lambda proposal: self.identity_text(
                request, proposal.household.no_kk if proposal.household else ""
            ),
        )
        return await self.templates.TemplateResponse(request, "decree_annex.html", context, status_code=status_code)

    async def _forwarding_response(self, request: Request, error: str = "", status_code: int = 200) -> Response:
        if not FORWARDING_ACCESS.allows(request):
            raise HTTPException(status_code=403)

        def load() -> list[Decree]:
            with self.session_maker() as session:
                return decrees.forwardable(session, request)

        found = await anyio.to_thread.run_sync(load)
        context = {"decrees": found, "error": error}
        return await self.templates.TemplateResponse(
            request, "decree_forwarding.html", context, status_code=status_code
        )


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
