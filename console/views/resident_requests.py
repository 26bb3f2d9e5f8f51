"""Usul dan Sanggah: residents' proposals and rebuttals recorded, checked in the field, decided and answered.

The rules are models/resident_request_flow.py and chain/resident_requests.py; this view is the create form (what
the resident said, by which channel, about which family), the process page (the steps this official may take, the
evidence with its upload form) and the stored evidence's download after the request's own permission and scope
checks. Casbin resource `resident-request`.
"""

from __future__ import annotations

from typing import Any

from sqladmin import expose
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from chain import resident_requests
from chain.actor import Actor
from chain.uploads import download_name
from console import uploads
from console.authorization import current_user
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from console.views.filters import list_filters
from console.views.households import HOUSEHOLD_LOOKUP, REQUIRED
from console.views.steps import WorkflowSteps, require_before_reading
from models import RequestKind, RequestStatus, ResidentRequest

SANGGAH_NEEDS_DISPUTE = (
    "Sanggah wajib memilih apa yang disanggah (terdaftar tetapi tidak layak, layak tetapi tidak terdaftar, data salah)."
)
FIXED_ONCE_SENT = (
    "Usul/sanggah yang sudah dikirim ke cek lapangan tidak dapat diubah; tambahkan bukti di halaman prosesnya."
)
LABELS: ColumnLabels = {
    "kind": "Jenis",
    "channel": "Saluran",
    "household": "Keluarga (No. KK)",
    "region_code": "Kode wilayah",
    "dispute": "Yang disanggah",
    "resident_name": "Nama warga",
    "resident_contact": "Kontak warga",
    "statement": "Isi usul/sanggah",
    "status": "Status",
    "field_finding": "Hasil cek lapangan",
    "decision_note": "Pertimbangan keputusan",
    "answer": "Jawaban kepada warga",
    "answered_at": "Dijawab pada",
    "proposal_id": "Usulan yang dibuat",
    "complaint_id": "Dari pengaduan",
    "created_at": "Dicatat",
}


class ResidentRequestView(WorkflowSteps, DtksModelView, model=ResidentRequest):
    name = "Usul dan Sanggah"
    name_plural = "Usul dan Sanggah"
    icon = "fa-solid fa-bullhorn"
    category = "Layanan"

    column_list = [
        ResidentRequest.created_at,
        ResidentRequest.kind,
        ResidentRequest.dispute,
        ResidentRequest.resident_name,
        ResidentRequest.channel,
        ResidentRequest.region_code,
        ResidentRequest.status,
    ]
    column_details_exclude_list = [ResidentRequest.id, ResidentRequest.regency_code, ResidentRequest.created_by_id]
    column_labels = LABELS
    column_default_sort = [(ResidentRequest.id, True)]
    column_searchable_list = [ResidentRequest.resident_name]
    column_filters = list_filters(
        LABELS, ResidentRequest.region_code, ResidentRequest.kind, ResidentRequest.dispute, ResidentRequest.status
    )
    form_columns = [
        ResidentRequest.kind,
        ResidentRequest.channel,
        ResidentRequest.household,
        ResidentRequest.dispute,
        ResidentRequest.resident_name,
        ResidentRequest.resident_contact,
        ResidentRequest.statement,
    ]
    form_ajax_refs = {"household": HOUSEHOLD_LOOKUP}
    form_widget_args = {"household": {"placeholder": "Ketik No. KK untuk mencari"}}
    form_args = {
        "household": {"validators": [REQUIRED]},
        "resident_name": {"validators": [REQUIRED]},
        "statement": {"validators": [REQUIRED]},
    }
    can_delete = False  # a request is answered, never removed
    step_route = "admin:view-resident-request-process_page"

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        if is_created and (user := current_user(request)) is not None:
            model.created_by_id = user.id
        if not is_created and model.status is not RequestStatus.RECORDED:
            raise ValueError(FIXED_ONCE_SENT)
        if data.get("kind") == RequestKind.SANGGAH and not data.get("dispute"):
            raise ValueError(SANGGAH_NEEDS_DISPUTE)
        if data.get("kind") == RequestKind.USUL:
            data["dispute"] = None

    # --- the process page: steps, evidence --------------------------------------------------------

    @expose("/process/{pk:int}", methods=["GET"])
    async def process_page(self, request: Request) -> Response:
        return await self.step_page(request, request.path_params["pk"])

    @expose("/process/{pk:int}/{action:str}", methods=["POST"], identity="resident-request-act")
    async def act(self, request: Request) -> Response:
        action = request.path_params["action"]
        form = await request.form()
        text = str(form.get("text") or "")

        def step(session: Session, actor: Actor, pk: int) -> str:
            taken = resident_requests.perform(session, actor, pk, action, text=text)
            return f"{taken.label}: berhasil."

        return await self.take_step(request, step)

    @expose("/evidence/{pk:int}", methods=["POST"], identity="resident-request-evidence")
    async def evidence_upload(self, request: Request) -> Response:
        require_before_reading(request, resident_requests.EDITING)
        settings = request.app.state.settings
        form = await request.form(max_part_size=1024 * 1024)
        data = await uploads.read_upload(form.get("evidence"), settings)
        description = str(form.get("description") or "")

        def step(session: Session, actor: Actor, pk: int) -> str:
            files = uploads.file_store(settings)
            resident_requests.add_evidence(session, actor, files, pk, data, description)
            return "Bukti tersimpan."

        return await self.take_step(request, step)

    @expose("/evidence-file/{pk:int}", methods=["GET"], identity="resident-request-evidence-file")
    async def evidence_download(self, request: Request) -> Response:
        def find(session: Session, actor: Actor, pk: int) -> tuple[str, str]:
            evidence = resident_requests.evidence_file(session, actor, pk)
            return evidence.file_path, download_name(evidence.file_path, f"bukti-{evidence.request_id}-{evidence.id}")

        return await self.stored_file(request, find)

    async def step_page(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        def load(session: Session, actor: Actor) -> dict[str, Any]:
            actor.require(("resident-request", "details"))
            item = resident_requests.load_request(session, actor, pk)
            return {
                "item": item,
                "evidence": list(item.evidence),
                "steps": resident_requests.offered_steps(actor, item),
                "may_add_evidence": actor.allows(*resident_requests.EDITING)
                and item.status is not RequestStatus.ANSWERED,
                "household_label": self.identity_text(request, item.household.no_kk if item.household else ""),
                "proposal_kind": resident_requests.proposal_kind(item).label,
            }

        context = await self.core_read(request, load)
        context["error"] = error
        return await self.templates.TemplateResponse(
            request, "resident_request_process.html", context, status_code=status_code
        )
