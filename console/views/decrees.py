"""SK: district ratification drafts, the signature and scan, and the province's forwarding page."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import validators

from chain import decree_review, decrees, documents, forwarding
from chain.actor import Actor
from chain.letters import Letter
from console import uploads
from console.exports import paper_of, pdf_response
from console.forms import period_validator
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from console.views.filters import list_filters
from console.views.households import REQUIRED
from console.views.steps import WorkflowSteps, chosen_ids, require_before_reading
from models import Decree, RegisterMode, ReviewOutcome
from models.refusals import Refusal
from models.region_codes import is_region_code
from reports.documents import COVER_LETTER, cover_letter_pdf, decree_pdf

PERIOD_RULE = (
    validators.Optional(),
    period_validator("Periode ditulis TTTT-BB, bulan Januari, April, Juli atau Oktober."),  # models/periods.py
)

DECREE_LABELS: ColumnLabels = {
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


# What an SK says of itself: typed on its form, and first on its details page.
DECREE_FIELDS = [
    Decree.kind,
    Decree.number,
    Decree.decree_date,
    Decree.region_code,
    Decree.signer_name,
    Decree.signer_title,
    Decree.period,
]


def _region_code_or_empty(form: Any, field: Any) -> None:
    value = (field.data or "").strip()
    if value and not is_region_code(value):
        raise validators.ValidationError("Kode wilayah ditulis bertitik, misalnya 52.72 (kosong untuk Kementerian).")


class DecreeView(WorkflowSteps, DtksModelView, model=Decree):
    name = "SK"
    name_plural = "Surat Keputusan (SK)"
    icon = "fa-solid fa-stamp"
    category = "Alur Usulan"

    column_list = [
        Decree.kind,
        Decree.number,
        Decree.decree_date,
        Decree.region_code,
        Decree.period,
        Decree.signed_at,
    ]
    column_details_list = [*DECREE_FIELDS, Decree.signed_at, Decree.proposals]
    column_labels = DECREE_LABELS
    column_default_sort = [(Decree.decree_date, True)]
    column_searchable_list = [Decree.number]
    search_name_columns = [Decree.number]
    search_hint = "Nomor SK"
    column_filters = list_filters(column_labels, Decree.region_code, Decree.kind)
    form_columns = DECREE_FIELDS
    form_args = {
        "number": {"description": "Boleh kosong selama masih draf; wajib saat ditandatangani."},
        "decree_date": {"validators": [REQUIRED]},
        "region_code": {"validators": [_region_code_or_empty]},
        "signer_name": {"validators": [REQUIRED]},
        "period": {"validators": list(PERIOD_RULE)},
    }

    details_template = "decree_details.html"

    def details_query(self, request: Request) -> Select[Any]:
        return super().details_query(request).options(selectinload(Decree.proposals))

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        # A signed decree never reaches this: the finality rule refuses its edit form (views/base.py).
        with self.session_maker() as session:
            decrees.fit_decree_fields(session, data)

    # --- the SK pages: annex of a draft, recording the signature, the scan, province forwarding (chain/decrees.py) ---

    step_route = "admin:view-decree-annex_page"
    step_taken = decrees.NUMBER_TAKEN

    @expose("/annex/{pk:int}", methods=["GET"])
    async def annex_page(self, request: Request) -> Response:
        """The decree with its annex and the steps this user may take on it, each a POST."""
        return await self.step_page(request, request.path_params["pk"])

    @expose("/annex/{pk:int}/add", methods=["POST"])
    async def annex_add(self, request: Request) -> Response:
        ids = chosen_ids(await request.form(), "proposal")

        def step(session: Session, actor: Actor, pk: int) -> str:
            return f"{decrees.add_proposals(session, actor, pk, ids)} usulan masuk draf SK."

        return await self.take_step(request, step)

    @expose("/annex/{pk:int}/remove/{proposal:int}", methods=["POST"])
    async def annex_remove(self, request: Request) -> Response:
        form = await request.form()
        proposal_id, note = request.path_params["proposal"], str(form.get("note") or "")

        def step(session: Session, actor: Actor, pk: int) -> str:
            decrees.remove_proposal(session, actor, pk, proposal_id, note)
            return f"Usulan #{proposal_id} dikeluarkan dari draf SK."

        return await self.take_step(request, step)

    @expose("/annex/{pk:int}/sign", methods=["POST"])
    async def annex_sign(self, request: Request) -> Response:
        require_before_reading(request, decrees.SIGN)
        settings = request.app.state.settings
        form = await request.form(max_part_size=1024 * 1024)
        scan = await uploads.read_upload(form.get("scan"), settings)
        number, signed_on = str(form.get("number") or ""), _parse_date(str(form.get("signed_on") or ""))

        def step(session: Session, actor: Actor, pk: int) -> str:
            files = uploads.file_store(settings)
            decrees.sign(
                session, actor, files, pk, number=number, signed_on=signed_on, scan=scan, mode=settings.register_mode
            )
            return "Tanda tangan SK tercatat; semua usulan dalam lampiran disahkan."

        return await self.take_step(request, step)

    @expose("/annex/{pk:int}/review", methods=["POST"])
    async def annex_review(self, request: Request) -> Response:
        """Record the regent's review of the draft's list as it stands (chain/decree_review.py)."""
        form = await request.form()
        review = decree_review.ReviewForm(
            reviewed_on=_parse_date(str(form.get("reviewed_on") or "")),
            **{name: str(form.get(name) or "") for name in ("reviewer_name", "reviewer_title", "outcome", "note")},
        )

        def step(session: Session, actor: Actor, pk: int) -> str:
            done = decree_review.record_review(session, actor, pk, review)
            return f"Tinjauan Bupati/Walikota tercatat: {done.outcome.label} ({done.proposal_count} usulan)."

        return await self.take_step(request, step)

    @expose("/annex/{pk:int}/naskah.pdf", methods=["GET"])
    async def annex_text_pdf(self, request: Request) -> Response:
        """The decree's own text (or the province's cover letter) with its annex, as PDF (audited)."""
        pk, paper = request.path_params["pk"], paper_of(request)

        def work(session: Session, actor: Actor) -> bytes:
            document = documents.printed_decree(session, actor, pk)
            render = cover_letter_pdf if document.kind == COVER_LETTER else decree_pdf
            return render(document, paper)

        data = await self.core_write(request, work)
        return pdf_response(data, f"Naskah_SK_{pk}.pdf")

    @expose("/annex/{pk:int}/scan", methods=["GET"])
    async def annex_scan(self, request: Request) -> Response:
        """The stored signed scan, after the same permission and scope checks as the details page."""
        return await self.stored_file(request, decrees.signed_scan)

    async def step_page(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        page = await self.core_read(request, lambda session, actor: decrees.annex_page(session, actor, pk))
        context = {
            "decree": page.decree,
            "candidates": page.candidates,
            "error": error,
            "may_compose": page.may_compose,
            "may_sign": page.may_sign,
            "reviews": page.reviews,
            "review_refusal": page.review_refusal,
            "may_review": page.may_review,
            "review_required": request.app.state.settings.register_mode is RegisterMode.DTSEN,
            "outcomes": list(ReviewOutcome),
            "household_text": lambda proposal: self.identity_text(
                request, proposal.household.no_kk if proposal.household else ""
            ),
        }
        return await self.templates.TemplateResponse(request, "decree_annex.html", context, status_code=status_code)

    @expose("/forwarding", methods=["GET"])
    async def forwarding_page(self, request: Request) -> Response:
        """Signed district decrees of the province whose proposals are ratified: forward each by a POST."""
        return await self._forwarding_response(request)

    @expose("/forwarding/{pk:int}", methods=["POST"])
    async def forwarding_send(self, request: Request) -> Response:
        form = await request.form()
        pk = request.path_params["pk"]
        fields = {name: str(form.get(name) or "") for name in ("number", "signer_name", "signer_title")}
        letter = Letter(dated=_parse_date(str(form.get("letter_date") or "")), **fields)
        try:
            letter_id = await self.core_write(
                request, lambda session, actor: forwarding.forward(session, actor, pk, letter).id
            )
        except Refusal as refusal:  # a Conflict (out of scope too) or an Invalid is said on the forwarding page
            return await self._forwarding_response(request, error=str(refusal), status_code=409)
        Flash.success(request, "SK diteruskan ke Kementerian Sosial dengan surat pengantar.")
        return RedirectResponse(request.url_for("admin:view-decree-annex_page", pk=letter_id), status_code=303)

    async def _forwarding_response(self, request: Request, error: str = "", status_code: int = 200) -> Response:
        found = await self.core_read(request, forwarding.forwardable)
        context = {"decrees": found, "error": error}
        return await self.templates.TemplateResponse(
            request, "decree_forwarding.html", context, status_code=status_code
        )


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
