"""Programmes by desil band: the admin's programmes and bands, the district's members, the suspension review page.

The rules are models/programme.py (a band only from a period not yet begun) and chain/programmes.py (eligibility,
the review list, decisions); these views are their forms and pages. Casbin resources `programme`,
`programme-band`, `programme-membership` (the list/create/edit pages) and `programme-review` (`list`: the review
page with the counts per region; `decide`: the decision forms).
"""

from __future__ import annotations

from typing import Any

from sqladmin import BaseView, expose
from sqladmin.flash import Flash
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chain import programmes, recipients
from chain.store import write_transaction
from console import imports
from console.authorization import actor_of, may
from console.forms import period_validator
from console.refusals import in_core, status_of
from console.sqladmin_door import session_maker_of
from console.views.base import DtksModelView
from console.views.households import HOUSEHOLD_LOOKUP, REQUIRED
from models import Programme, ProgrammeBand, ProgrammeMembership, ReviewDecision
from models.dates import today_in_indonesia
from models.periods import PERIOD_MESSAGE, is_period, period_of
from models.programme import band_refusal
from models.refusals import Refusal
from reports.programme_counts import eligible_counts
from reports.xlsx_upload import SheetRefused, size_text

PERIOD_FIELD = {"validators": [REQUIRED, period_validator(PERIOD_MESSAGE)]}


class ProgrammeView(DtksModelView, model=Programme):
    name = "Program Bantuan"
    name_plural = "Program Bantuan"
    icon = "fa-solid fa-hand-holding-heart"
    category = "Program"

    column_list = [Programme.code, Programme.name, Programme.owner_code, Programme.is_active]
    column_labels = {
        "code": "Kode",
        "name": "Nama program",
        "owner_code": "Wilayah (kosong = nasional)",
        "is_active": "Aktif",
        "bands": "Batas desil",
    }
    column_details_list = [Programme.code, Programme.name, Programme.owner_code, Programme.is_active, Programme.bands]
    form_columns = [Programme.code, Programme.name, Programme.owner_code, Programme.is_active]
    form_args = {"code": {"validators": [REQUIRED]}, "name": {"validators": [REQUIRED]}}
    can_delete = False  # memberships refer to it; a programme that ends is made inactive


class ProgrammeBandView(DtksModelView, model=ProgrammeBand):
    name = "Batas Desil Program"
    name_plural = "Batas Desil Program"
    icon = "fa-solid fa-sliders"
    category = "Program"

    column_list = [
        ProgrammeBand.programme,
        ProgrammeBand.effective_period,
        ProgrammeBand.min_desil,
        ProgrammeBand.max_desil,
        ProgrammeBand.basis,
    ]
    column_labels = {
        "programme": "Program",
        "effective_period": "Berlaku mulai periode",
        "min_desil": "Desil terendah",
        "max_desil": "Desil tertinggi",
        "basis": "Dasar",
    }
    form_columns = [
        ProgrammeBand.programme,
        ProgrammeBand.effective_period,
        ProgrammeBand.min_desil,
        ProgrammeBand.max_desil,
        ProgrammeBand.basis,
    ]
    form_args = {"programme": {"validators": [REQUIRED]}, "effective_period": PERIOD_FIELD}

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        """A band starts in a period not yet begun; one already in force is never changed (models/programme.py)."""
        today = today_in_indonesia()
        for period in {str(data.get("effective_period") or ""), *([] if is_created else [model.effective_period])}:
            refusal = band_refusal(period, today)
            if refusal:
                raise ValueError(refusal)
        low, high = data.get("min_desil"), data.get("max_desil")
        if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 10):
            raise ValueError("Batas desil: dua angka 1 sampai 10, desil terendah tidak lebih besar dari tertinggi.")

    async def on_model_delete(self, model: Any, request: Request) -> None:
        refusal = band_refusal(model.effective_period, today_in_indonesia())
        if refusal:
            raise ValueError(refusal)


class ProgrammeMembershipView(DtksModelView, model=ProgrammeMembership):
    name = "Penerima Program"
    name_plural = "Penerima Program"
    icon = "fa-solid fa-people-roof"
    category = "Program"

    column_list = [
        ProgrammeMembership.programme,
        ProgrammeMembership.household,
        ProgrammeMembership.period,
        ProgrammeMembership.status,
        ProgrammeMembership.source,
        ProgrammeMembership.region_code,
    ]
    column_labels = {
        "programme": "Program",
        "household": "Keluarga (No. KK)",
        "period": "Periode",
        "status": "Status",
        "source": "Sumber",
        "region_code": "Kode wilayah",
    }
    form_columns = [
        ProgrammeMembership.programme,
        ProgrammeMembership.household,
        ProgrammeMembership.period,
        ProgrammeMembership.status,
    ]
    form_ajax_refs = {"household": HOUSEHOLD_LOOKUP}
    form_widget_args = {"household": {"placeholder": "Ketik No. KK untuk mencari"}}
    form_args = {
        "programme": {"validators": [REQUIRED]},
        "household": {"validators": [REQUIRED]},
        "period": PERIOD_FIELD,
    }
    can_delete = False  # a membership ends by its status (and the review's decision), never disappears
    list_template = "programme_membership_list.html"

    def may_import(self, request: Request) -> bool:
        return may(request, *recipients.IMPORTING)

    @expose("/recipients", methods=["GET"])
    async def recipients_page(self, request: Request) -> Response:
        """Impor Daftar Penerima: the upload form (casbin `programme-membership, create`)."""
        if not may(request, *recipients.IMPORTING):
            raise HTTPException(status_code=403)
        return await self._recipients(request)

    @expose("/recipients", methods=["POST"])
    async def recipients_post(self, request: Request) -> Response:
        """The list applied all or nothing; the page shows what it did, or every row error."""
        if not may(request, *recipients.IMPORTING):
            raise HTTPException(status_code=403)
        settings, actor = request.app.state.settings, actor_of(request)
        limits = imports.limits_of(settings)
        try:
            upload = await imports.read_sheet_form(request, settings)
        except SheetRefused as refusal:
            return await self._recipients(request, error=str(refusal), status_code=400)
        period = upload.fields.get("period", "")

        def work(session: Session) -> recipients.RecipientPlan:
            return recipients.import_recipients(session, actor, period, upload.data, limits)

        try:
            plan = await in_core(lambda: write_transaction(session_maker_of(self), work))
        except recipients.RecipientsRefused as refused:
            return await self._recipients(request, plan=refused.plan, error=str(refused), status_code=400)
        except SheetRefused as refusal:
            return await self._recipients(request, error=str(refusal), status_code=400)
        except Refusal as refusal:
            return await self._recipients(request, error=str(refusal), status_code=status_of(refusal))
        Flash.success(
            request,
            f"Daftar penerima {plan.period} diimpor: {plan.created} baru, {plan.updated} berubah status, "
            f"{plan.unchanged} tetap.",
        )
        return await self._recipients(request, plan=plan, period=plan.period)

    async def _recipients(
        self,
        request: Request,
        *,
        plan: recipients.RecipientPlan | None = None,
        error: str = "",
        status_code: int = 200,
        period: str = "",
    ) -> Response:
        context = {
            "plan": plan,
            "error": error,
            "period": period or period_of(today_in_indonesia()),
            "max_size": size_text(request.app.state.settings.max_import_bytes),
        }
        return await self.templates.TemplateResponse(request, "recipient_import.html", context, status_code=status_code)


class ProgrammeReviewView(BaseView):
    """Tinjauan Program: counts per region and the suspension review of a period, with the decision forms."""

    name = "Tinjauan Program"
    icon = "fa-solid fa-scale-unbalanced"
    category = "Program"

    def is_accessible(self, request: Request) -> bool:
        return may(request, *programmes.REVIEWING)

    @expose("/programme-review", methods=["GET"], identity="programme-review")
    async def review_page(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/programme-review/{membership:int}", methods=["POST"], identity="programme-review")
    async def decide(self, request: Request) -> Response:
        if not may(request, *programmes.DECIDING):
            raise HTTPException(status_code=403)
        form = await request.form()
        period, note = str(form.get("period") or ""), str(form.get("note") or "")
        try:
            decision: ReviewDecision | None = ReviewDecision(str(form.get("decision") or ""))
        except ValueError:
            decision = None
        if decision is None:
            return await self._page(request, period, "Pilih keputusan tinjauan.", 400)
        actor, membership = actor_of(request), request.path_params["membership"]

        def step(session: Session) -> None:
            programmes.decide_review(session, actor, membership, decision, note)

        try:
            await in_core(lambda: write_transaction(session_maker_of(self), step))
        except Refusal as refusal:
            return await self._page(request, period, str(refusal), status_of(refusal))
        Flash.success(request, f"Keputusan tinjauan dicatat: {decision.label}.")
        url = request.url_for("admin:view-programme-review").include_query_params(period=period)
        return RedirectResponse(str(url), status_code=303)

    async def _page(self, request: Request, period: str = "", error: str = "", status_code: int = 200) -> Response:
        period = period or request.query_params.get("period", "").strip() or period_of(today_in_indonesia())
        if not is_period(period):
            error, status_code, period = PERIOD_MESSAGE, 400, period_of(today_in_indonesia())
        actor = actor_of(request)

        def load() -> dict[str, Any]:
            with session_maker_of(self)() as session:
                return {
                    "items": programmes.review_list(session, actor, period),
                    "counts": eligible_counts(session, actor.scope, period),
                }

        context = await in_core(load)
        context.update(
            period=period,
            error=error,
            may_decide=may(request, *programmes.DECIDING),
            decisions=list(ReviewDecision),
        )
        return await self.templates.TemplateResponse(request, "programme_review.html", context, status_code=status_code)
