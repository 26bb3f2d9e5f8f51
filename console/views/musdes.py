"""Musdes/Muskel: the meeting, its participants and the agenda page (agenda, decisions, signed BA, finalisation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqladmin import expose
from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload
from starlette.requests import Request
from starlette.responses import Response

from chain import documents, musdes
from chain.actor import Actor
from console import uploads
from console.exports import paper_of, pdf_response
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from console.views.filters import RegionFilter
from console.views.households import REQUIRED, VILLAGES_ONLY
from console.views.steps import WorkflowSteps, chosen_ids, require_before_reading
from models import Meeting, MeetingParticipant
from models.meeting import Decision
from reports.documents import MeetingRecord, berita_acara_pdf, sptjm_pdf

MEETING_LABELS: ColumnLabels = {
    "kind": "Jenis musyawarah",
    "region": "Desa/Kelurahan",
    "held_on": "Tanggal",
    "place": "Tempat",
    "ba_number": "Nomor Berita Acara",
    "notes": "Catatan",
    "participants": "Peserta",
    "decisions": "Keputusan per usulan",
    "finalised_at": "Difinalkan",
    "finalised_by": "Difinalkan oleh",
    "created_at": "Dibuat",
}


# What a meeting's minutes say of it: typed on its form, and first on its details page.
MEETING_FIELDS = [
    Meeting.kind,
    Meeting.region,
    Meeting.held_on,
    Meeting.place,
    Meeting.ba_number,
    Meeting.notes,
]


class MeetingView(WorkflowSteps, DtksModelView, model=Meeting):
    name = "Musdes/Muskel"
    icon = "fa-solid fa-people-group"
    category = "Alur Usulan"

    column_list = [
        Meeting.held_on,
        Meeting.kind,
        Meeting.region,
        Meeting.ba_number,
        Meeting.finalised_at,
    ]
    column_details_list = [
        *MEETING_FIELDS,
        Meeting.participants,
        Meeting.decisions,
        Meeting.finalised_at,
        Meeting.finalised_by,
    ]
    column_labels = MEETING_LABELS
    column_default_sort = [(Meeting.held_on, True)]
    column_filters = [RegionFilter(Meeting.region_code)]
    form_columns = MEETING_FIELDS
    form_ajax_refs = {"region": VILLAGES_ONLY}
    form_args = {"held_on": {"validators": [REQUIRED]}, "place": {"validators": [REQUIRED]}}

    def details_query(self, request: Request) -> Select[Any]:
        return (
            super().details_query(request).options(selectinload(Meeting.participants), selectinload(Meeting.decisions))
        )

    details_template = "meeting_details.html"

    # --- the Musdes agenda page: agenda, decisions, signed BA, finalisation (chain/musdes.py) ---

    step_route = "admin:view-meeting-musdes_page"

    @expose("/musdes/{pk:int}", methods=["GET"])
    async def musdes_page(self, request: Request) -> Response:
        """The meeting's agenda and the steps this user may take on it, each a POST."""
        return await self.step_page(request, request.path_params["pk"])

    @expose("/musdes/{pk:int}/agenda", methods=["POST"])
    async def musdes_agenda(self, request: Request) -> Response:
        ids = chosen_ids(await request.form(), "proposal")

        def step(session: Session, actor: Actor, pk: int) -> str:
            return f"{musdes.add_to_agenda(session, actor, pk, ids)} usulan masuk agenda."

        return await self.take_step(request, step)

    @expose("/musdes/{pk:int}/decisions", methods=["POST"])
    async def musdes_decisions(self, request: Request) -> Response:
        form = await request.form()
        item_ids = [key.removeprefix("decision-") for key in form if key.startswith("decision-")]
        decisions = {
            int(item): (str(form.get(f"decision-{item}") or ""), str(form.get(f"note-{item}") or ""))
            for item in item_ids
            if item.isdigit()
        }

        def step(session: Session, actor: Actor, pk: int) -> str:
            musdes.record_decisions(session, actor, pk, decisions)
            return "Keputusan musyawarah disimpan."

        return await self.take_step(request, step)

    @expose("/musdes/{pk:int}/ba", methods=["POST"])
    async def musdes_ba(self, request: Request) -> Response:
        require_before_reading(request, (musdes.RESOURCE, musdes.UPLOAD_BA))
        settings = request.app.state.settings
        form = await request.form(max_part_size=1024 * 1024)
        scan = await uploads.read_upload(form.get("ba_file"), settings)
        number = str(form.get("ba_number") or "")

        def step(session: Session, actor: Actor, pk: int) -> str:
            musdes.attach_ba(session, actor, uploads.file_store(settings), pk, ba_number=number, scan=scan)
            return "Berita Acara yang ditandatangani tersimpan."

        return await self.take_step(request, step)

    @expose("/musdes/{pk:int}/finalise", methods=["POST"])
    async def musdes_finalise(self, request: Request) -> Response:
        def step(session: Session, actor: Actor, pk: int) -> str:
            return f"Musyawarah difinalkan; {musdes.finalise(session, actor, pk)} usulan diputuskan."

        return await self.take_step(request, step)

    @expose("/musdes/{pk:int}/ba-file", methods=["GET"])
    async def musdes_ba_file(self, request: Request) -> Response:
        """The stored signed BA, after the same permission and scope checks as the details page."""
        return await self.stored_file(request, musdes.signed_ba)

    @expose("/musdes/{pk:int}/ba.pdf", methods=["GET"])
    async def musdes_ba_pdf(self, request: Request) -> Response:
        """The Berita Acara as PDF, with its BNBA annex, to be signed (audited)."""
        return await self._meeting_pdf(request, "Berita Acara", berita_acara_pdf, "BA")

    @expose("/musdes/{pk:int}/sptjm.pdf", methods=["GET"])
    async def musdes_sptjm_pdf(self, request: Request) -> Response:
        """The village head's SPTJM for the data the meeting agreed, as PDF (audited)."""
        return await self._meeting_pdf(request, "SPTJM", sptjm_pdf, "SPTJM")

    async def _meeting_pdf(
        self, request: Request, document: str, render: Callable[[MeetingRecord, str], bytes], stem: str
    ) -> Response:
        pk, paper = request.path_params["pk"], paper_of(request)

        def work(session: Session, actor: Actor) -> bytes:
            return render(documents.printed_meeting(session, actor, pk, document), paper)

        data = await self.core_write(request, work)
        return pdf_response(data, f"{stem}_Musyawarah_{pk}.pdf")

    async def step_page(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        page = await self.core_read(request, lambda session, actor: musdes.agenda_page(session, actor, pk))
        context = {
            "meeting": page.meeting,
            "candidates": page.candidates,
            "problems": page.problems,
            "error": error,
            "decisions": Decision,
            "may_agenda": page.offers(musdes.AGENDA),
            "may_decide": page.offers(musdes.DECIDE),
            "may_upload": page.offers(musdes.UPLOAD_BA),
            "may_finalise": page.offers(musdes.FINALISE),
            "may_add_participant": page.may_add_participant,
            "identity_text": lambda number: self.identity_text(request, number),
        }
        return await self.templates.TemplateResponse(request, "meeting_musdes.html", context, status_code=status_code)


class MeetingParticipantView(DtksModelView, model=MeetingParticipant):
    name = "Peserta Musyawarah"
    icon = "fa-solid fa-user-tie"
    category = "Alur Usulan"
    prefill_fields = {"meeting"}

    column_list = [MeetingParticipant.meeting, MeetingParticipant.name, MeetingParticipant.position]
    column_labels = {
        "meeting": "Musyawarah",
        "name": "Nama",
        "position": "Jabatan",
        "region_code": "Kode wilayah",
    }
    column_filters = [RegionFilter(MeetingParticipant.region_code)]
    form_columns = [
        MeetingParticipant.meeting,
        MeetingParticipant.name,
        MeetingParticipant.position,
    ]
    form_args = {"name": {"validators": [REQUIRED]}}
    form_ajax_refs = {"meeting": {"fields": ("ba_number", "place"), "order_by": "id", "limit": 20}}
