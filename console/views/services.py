"""Layanan: certificate register (Surat Keterangan Terdaftar DTKS) and complaints (Pengaduan)."""

from __future__ import annotations

from typing import Any, NoReturn

from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chain import certificates, complaints, documents, offices, resident_requests
from chain.store import write_transaction
from console import uploads
from console.authorization import actor_of
from console.exports import paper_of, pdf_response
from console.forms import optional_nik_validator, strip_filter
from console.refusals import in_core, status_of
from console.sqladmin_door import ColumnLabels
from console.verification import verify_url
from console.views.base import DtksModelView, ReadOnly
from console.views.filters import list_filters
from console.views.households import REQUIRED
from models import (
    Certificate,
    CertificateResult,
    CertificateStep,
    Complaint,
    Region,
)
from models.certificate import SERVICE_TARGET_MINUTES
from models.certificate_flow import LOOKUP
from models.refusals import Conflict, Invalid, Refusal
from reports.documents import certificate_pdf

# These pages answered refused input with these codes before the core had named refusals; kept for clients.
DESK_INVALID_STATUS = 422
HANDLING_INVALID_STATUS = 409
SANGGAH_CATEGORIES = {category.value for category in resident_requests.DISPUTE_OF_CATEGORY}


def page_status(refusal: Refusal, *, invalid: int) -> int:
    """The status a refused form is shown again with: the page's own code for Invalid, else `status_of`."""
    return invalid if isinstance(refusal, Invalid) else status_of(refusal)


DETAILS = ("certificate", "details")


def _forbidden() -> NoReturn:
    raise HTTPException(status_code=403)


REGENCIES_ONLY = {"fields": ("code", "name"), "order_by": "code", "where": Region.level == 2, "limit": 20}
ANY_REGION = {"fields": ("code", "name"), "order_by": "code", "limit": 20}

CERTIFICATE_LABELS: ColumnLabels = {
    "region": "Kabupaten/Kota",
    "requested_nik": "NIK yang dicari",
    "applicant_name": "Nama pemohon",
    "purpose": "Keperluan",
    "result": "Hasil",
    "household": "Keluarga",
    "letter_number": "Nomor surat",
    "step": "Tahap paraf",
    "requested_at": "Diajukan",
    "completed_at": "Selesai",
    "notes": "Catatan",
    "approvals": "Paraf",
    "region_code": "Kode wilayah",
}


class CertificateView(ReadOnly, DtksModelView, model=Certificate):
    """A request is recorded by the certificate desk (NIK lookup), never typed in by hand."""

    name = "Surat Keterangan"
    name_plural = "Register Surat Keterangan DTKS"
    icon = "fa-solid fa-envelope-open-text"
    category = "Layanan"
    identity_columns = {"requested_nik"}

    column_list = [
        Certificate.requested_at,
        Certificate.applicant_name,
        Certificate.requested_nik,
        Certificate.result,
        Certificate.letter_number,
        Certificate.step,
    ]
    column_details_list = [
        Certificate.region,
        Certificate.requested_nik,
        Certificate.applicant_name,
        Certificate.purpose,
        Certificate.result,
        Certificate.household,
        Certificate.letter_number,
        Certificate.step,
        Certificate.approvals,
        Certificate.requested_at,
        Certificate.completed_at,
        Certificate.notes,
    ]
    column_labels = CERTIFICATE_LABELS
    column_default_sort = [(Certificate.id, True)]
    column_searchable_list = [Certificate.requested_nik]
    search_identity_columns = [Certificate.requested_nik]
    search_name_columns = [Certificate.applicant_name]
    search_hint = "NIK atau nama pemohon"
    column_filters = list_filters(column_labels, Certificate.region_code, Certificate.result)
    details_template = "certificate_details.html"
    list_template = "certificate_list.html"

    def may_use_desk(self, request: Request) -> bool:
        return actor_of(request).allows(*LOOKUP.permission)

    # --- the certificate desk (seed 004): the NIK travels only in POST bodies, never in a URL ---------

    @expose("/desk", methods=["GET"])
    async def desk(self, request: Request) -> Response:
        if not self.may_use_desk(request):
            _forbidden()
        return await self._desk_response(request)

    @expose("/desk", methods=["POST"], identity="certificate-lookup")
    async def lookup(self, request: Request) -> Response:
        form = await request.form()  # the core refuses a role without the desk (403) before reading any field
        values = {name: str(form.get(name) or "") for name in ("nik", "applicant_name", "purpose")}
        actor = actor_of(request)

        def ask(session: Session) -> Certificate:
            nik, name, purpose = values["nik"], values["applicant_name"], values["purpose"]
            return certificates.request_certificate(session, actor, nik=nik, applicant_name=name, purpose=purpose)

        try:
            certificate = await in_core(
                lambda: write_transaction(self.session_maker, ask, attempts=2, taken=certificates.NUMBER_TAKEN)
            )
        except (Conflict, Invalid) as refusal:
            values["nik"] = ""  # never echo a refused NIK back
            status = page_status(refusal, invalid=DESK_INVALID_STATUS)
            return await self._desk_response(request, error=str(refusal), values=values, status_code=status)
        if certificate.result == CertificateResult.REGISTERED:
            Flash.success(request, f"Terdaftar di DTKS. Surat {certificate.letter_number} menunggu paraf.")
        else:
            Flash.warning(request, certificates.ADVICE_NOT_REGISTERED)
        return RedirectResponse(request.url_for("admin:view-certificate-process", pk=certificate.id), status_code=303)

    async def _desk_response(
        self, request: Request, error: str = "", values: dict[str, str] | None = None, status_code: int = 200
    ) -> Response:
        context = {"error": error, "values": values or {}, "target": SERVICE_TARGET_MINUTES}
        return await self.templates.TemplateResponse(request, "certificate_desk.html", context, status_code=status_code)

    @expose("/process/{pk:int}", methods=["GET"])
    async def process(self, request: Request) -> Response:
        """One request: result, letter number, paraf chain, elapsed time against the 15-minute target."""
        return await self._process_response(request, request.path_params["pk"])

    @expose("/process/{pk:int}/{action:str}", methods=["POST"], identity="certificate-paraf")
    async def paraf(self, request: Request) -> Response:
        pk, action, actor = request.path_params["pk"], request.path_params["action"], actor_of(request)

        def give(session: Session) -> certificates.ParafStep:
            return certificates.paraf(session, actor, pk, action)

        try:
            step = await in_core(lambda: write_transaction(self.session_maker, give, taken=certificates.PARAF_TAKEN))
        except (Conflict, Invalid) as refusal:
            return await self._process_response(request, pk, error=str(refusal), status_code=status_of(refusal))
        Flash.success(request, f"{step.label} dicatat.")
        return RedirectResponse(request.url_for("admin:view-certificate-process", pk=pk), status_code=303)

    async def _process_response(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        actor = actor_of(request)

        def load() -> dict[str, Any]:
            actor.require(DETAILS)
            with self.session_maker() as session:
                certificate = certificates.load_certificate(session, actor, pk)
                return {
                    "certificate": certificate,
                    "step": certificates.offered_step(actor, certificate),
                    "nik_label": self.identity_text(request, certificate.requested_nik),
                    "elapsed": certificates.elapsed_minutes(certificate),
                    "late": certificates.is_late(certificate),
                    "target": SERVICE_TARGET_MINUTES,
                    "signed": certificate.step == CertificateStep.SIGNED,
                    "error": error,
                }

        context = await in_core(load)
        return await self.templates.TemplateResponse(
            request, "certificate_process.html", context, status_code=status_code
        )

    @expose("/letter/{pk:int}", methods=["GET"])
    async def letter(self, request: Request) -> Response:
        """The printable letter, only once the kepala dinas has signed."""
        actor, pk = actor_of(request), request.path_params["pk"]

        def load() -> dict[str, Any]:
            actor.require(DETAILS)
            with self.session_maker() as session:
                signed = certificates.signed_letter(session, actor, pk)
                if signed is None:
                    return {}
                certificate, signature = signed
                household = certificate.household
                member = certificates.requested_member(certificate)
                return {
                    "certificate": certificate,
                    "household": household,
                    "village": household.region.name if household is not None and household.region else "",
                    "member_name": member.name if member is not None else certificate.applicant_name,
                    "nik_label": self.identity_text(request, certificate.requested_nik),
                    "kk_label": self.identity_text(request, household.no_kk if household is not None else ""),
                    "signature": signature,
                    "head": offices.letterhead(session, certificate.region_code),
                }

        context = await in_core(load)
        if not context:
            Flash.error(request, "Surat belum ditandatangani kepala dinas; belum dapat dicetak.")
            return RedirectResponse(request.url_for("admin:view-certificate-process", pk=pk), status_code=303)
        return await self.templates.TemplateResponse(request, "certificate_letter.html", context)

    @expose("/letter/{pk:int}/pdf", methods=["GET"])
    async def letter_pdf(self, request: Request) -> Response:
        """The signed letter as PDF for the resident: full NIK and No. KK, verification code and QR; audited."""
        actor, pk = actor_of(request), request.path_params["pk"]
        settings = request.app.state.settings
        base = settings.public_url or f"{request.url.scheme}://{request.url.netloc}"
        paper = paper_of(request)

        def work(session: Session) -> bytes | None:
            letter = documents.printed_certificate(
                session, actor, pk, lambda code: verify_url(base, code), uploads.file_store(settings)
            )
            return None if letter is None else certificate_pdf(letter, paper=paper)

        data = await in_core(lambda: write_transaction(self.session_maker, work))
        if data is None:
            Flash.error(request, "Surat belum ditandatangani kepala dinas; belum dapat dicetak.")
            return RedirectResponse(request.url_for("admin:view-certificate-process", pk=pk), status_code=303)
        return pdf_response(data, f"Surat_Keterangan_DTKS_{pk}.pdf")


COMPLAINT_LABELS: ColumnLabels = {
    "region": "Wilayah",
    "channel": "Saluran",
    "complainant_name": "Nama pengadu",
    "complainant_contact": "Kontak pengadu",
    "nik": "NIK (opsional)",
    "category": "Kategori",
    "description": "Uraian pengaduan",
    "status": "Status",
    "assigned_to": "Ditangani oleh",
    "response": "Tanggapan",
    "resolved_at": "Diselesaikan",
    "created_at": "Diterima",
    "region_code": "Kode wilayah",
}


class ComplaintView(DtksModelView, model=Complaint):
    name = "Pengaduan"
    icon = "fa-solid fa-comments"
    category = "Layanan"
    identity_columns = {"nik"}

    column_list = [
        Complaint.created_at,
        Complaint.complainant_name,
        Complaint.category,
        Complaint.channel,
        Complaint.region,
        Complaint.status,
    ]
    column_details_exclude_list = [Complaint.id, Complaint.assigned_to_id, Complaint.regency_code]
    column_labels = COMPLAINT_LABELS
    column_default_sort = [(Complaint.id, True)]
    column_searchable_list = [Complaint.complainant_name]
    search_identity_columns = [Complaint.nik]
    search_name_columns = [Complaint.complainant_name]
    search_hint = "NIK atau nama pengadu"
    column_filters = list_filters(column_labels, Complaint.region_code, Complaint.category, Complaint.status)
    form_columns = [
        Complaint.channel,
        Complaint.complainant_name,
        Complaint.complainant_contact,
        Complaint.nik,
        Complaint.category,
        Complaint.region,
        Complaint.description,
        Complaint.assigned_to,
        Complaint.response,
    ]
    form_ajax_refs = {
        "region": ANY_REGION,
        "assigned_to": {"fields": ("username", "full_name"), "order_by": "username", "limit": 20},
    }
    form_args = {
        "complainant_name": {"validators": [REQUIRED]},
        "nik": {"validators": [optional_nik_validator], "filters": [strip_filter]},
        "description": {"validators": [REQUIRED]},
    }

    details_template = "complaint_details.html"

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        data["nik"] = (data.get("nik") or "").strip() or None

    # --- handling: assign, start, resolve, reject (status is never a free form field) ----------------

    @expose("/handle/{pk:int}", methods=["GET"])
    async def handle(self, request: Request) -> Response:
        return await self._handle_response(request, request.path_params["pk"])

    @expose("/handle/{pk:int}/{action:str}", methods=["POST"], identity="complaint-act")
    async def act(self, request: Request) -> Response:
        pk, name, actor = request.path_params["pk"], request.path_params["action"], actor_of(request)
        form = await request.form()
        text, assignee = str(form.get("text") or ""), str(form.get("assignee") or "")
        assignee_id = int(assignee) if assignee.isdigit() else None

        def take(session: Session) -> complaints.ComplaintStep:
            return complaints.perform(session, actor, pk, name, text=text, assignee_id=assignee_id)

        try:
            step = await in_core(lambda: write_transaction(self.session_maker, take))
        except (Conflict, Invalid) as refusal:
            status = page_status(refusal, invalid=HANDLING_INVALID_STATUS)
            return await self._handle_response(request, pk, error=str(refusal), status_code=status)
        Flash.success(request, f"Pengaduan #{pk}: {step.label} berhasil.")
        return RedirectResponse(request.url_for("admin:view-complaint-handle", pk=pk), status_code=303)

    @expose("/to-sanggah/{pk:int}", methods=["POST"], identity="complaint-to-sanggah")
    async def to_sanggah(self, request: Request) -> Response:
        """Make the complaint a sanggah (chain/resident_requests.py); opens the sanggah's process page."""
        pk, actor = request.path_params["pk"], actor_of(request)

        def make(session: Session) -> int:
            return resident_requests.from_complaint(session, actor, pk).id

        try:
            made = await in_core(lambda: write_transaction(self.session_maker, make))
        except (Conflict, Invalid) as refusal:
            status = page_status(refusal, invalid=HANDLING_INVALID_STATUS)
            return await self._handle_response(request, pk, error=str(refusal), status_code=status)
        Flash.success(request, f"Pengaduan #{pk} dijadikan sanggah #{made}.")
        return RedirectResponse(request.url_for("admin:view-resident-request-process_page", pk=made), status_code=303)

    async def _handle_response(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        actor = actor_of(request)

        def load() -> dict[str, Any]:
            actor.require(("complaint", "details"))
            with self.session_maker() as session:
                complaint = complaints.load_complaint(session, actor, pk)
                steps = complaints.offered_steps(actor, complaint)
                users = complaints.assignable_users(session, complaint) if steps else []
                return {
                    "complaint": complaint,
                    "assigned_name": complaint.assigned_to.full_name if complaint.assigned_to else "",
                    "steps": steps,
                    "users": users,
                    "nik_label": self.identity_text(request, complaint.nik) if complaint.nik else "",
                    "may_make_sanggah": actor.allows(*resident_requests.CREATING)
                    and complaint.category.value in SANGGAH_CATEGORIES,
                    "error": error,
                }

        context = await in_core(load)
        return await self.templates.TemplateResponse(
            request, "complaint_handling.html", context, status_code=status_code
        )
