"""Musdes/Muskel: the meeting, its participants and the agenda page (agenda, decisions, signed BA, finalisation)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import anyio
from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from console import musdes, uploads
from console.authorization import may
from console.views.base import DtksModelView
from console.views.filters import RegionFilter
from console.views.households import REQUIRED, VILLAGES_ONLY
from models import Meeting, MeetingParticipant
from models.meeting import Decision
from models.workflow import TransitionRefused

MEETING_LABELS = {
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


class MeetingView(DtksModelView, model=Meeting):
    name = "Musdes/Muskel"
    name_plural = "Musdes/Muskel"
    icon = "fa-solid fa-people-group"
    category = "Alur Usulan"

    column_list: ClassVar = [
        Meeting.held_on,
        Meeting.kind,
        Meeting.region,
        Meeting.ba_number,
        Meeting.finalised_at,
    ]
    column_details_list: ClassVar = [
        Meeting.kind,
        Meeting.region,
        Meeting.held_on,
        Meeting.place,
        Meeting.ba_number,
        Meeting.notes,
        Meeting.participants,
        Meeting.decisions,
        Meeting.finalised_at,
        Meeting.finalised_by,
    ]
    column_labels: ClassVar = MEETING_LABELS
    column_default_sort: ClassVar = [(Meeting.held_on, True)]
    column_filters: ClassVar = [RegionFilter(Meeting.region_code)]
    form_columns: ClassVar = [
        Meeting.kind,
        Meeting.region,
        Meeting.held_on,
        Meeting.place,
        Meeting.ba_number,
        Meeting.notes,
    ]
    form_ajax_refs: ClassVar = {"region": VILLAGES_ONLY}
    form_args: ClassVar = {
        **{name: {"label": label} for name, label in MEETING_LABELS.items()},
        "held_on": {"label": "Tanggal", "validators": [REQUIRED]},
        "place": {"label": "Tempat", "validators": [REQUIRED]},
    }

    def details_query(self, request: Request) -> Select:
        return (
            super().details_query(request).options(selectinload(Meeting.participants), selectinload(Meeting.decisions))
        )

    details_template = "meeting_details.html"

    # --- the Musdes agenda page: agenda, decisions, signed BA, finalisation (console/musdes.py) ---

    @expose("/musdes/{pk:int}", methods=["GET"])
    async def musdes_page(self, request: Request) -> Response:
        """The meeting's agenda and the steps this user may take on it, each a POST."""
        return await self._musdes_response(request, request.path_params["pk"])

    @expose("/musdes/{pk:int}/agenda", methods=["POST"])
    async def musdes_agenda(self, request: Request) -> Response:
        form = await request.form()
        ids = [int(value) for value in form.getlist("proposal") if str(value).isdigit()]
        return await self._musdes_step(
            request, lambda pk: f"{musdes.add_to_agenda(self.session_maker, request, pk, ids)} usulan masuk agenda."
        )

    @expose("/musdes/{pk:int}/decisions", methods=["POST"])
    async def musdes_decisions(self, request: Request) -> Response:
        form = await request.form()
        item_ids = [key.removeprefix("decision-") for key in form if key.startswith("decision-")]
        decisions = {
            int(item): (str(form.get(f"decision-{item}") or ""), str(form.get(f"note-{item}") or ""))
            for item in item_ids
            if item.isdigit()
        }

        def step(pk: int) -> str:
            musdes.record_decisions(self.session_maker, request, pk, decisions)
            return "Keputusan musyawarah disimpan."

        return await self._musdes_step(request, step)

    @expose("/musdes/{pk:int}/ba", methods=["POST"])
    async def musdes_ba(self, request: Request) -> Response:
        musdes.require(request, musdes.UPLOAD_BA)
        settings = request.app.state.settings
        form = await request.form(max_part_size=1024 * 1024)
        try:
            stored = await uploads.read_upload(form.get("ba_file"), settings)
        except uploads.UploadRefused as refusal:
            return await self._musdes_response(request, request.path_params["pk"], str(refusal), 400)
        number = str(form.get("ba_number") or "")

        def step(pk: int) -> str:
            musdes.attach_ba(self.session_maker, request, pk, number, stored)
            return "Berita Acara yang ditandatangani tersimpan."

        return await self._musdes_step(request, step)

    @expose("/musdes/{pk:int}/finalise", methods=["POST"])
    async def musdes_finalise(self, request: Request) -> Response:
        return await self._musdes_step(
            request,
            lambda pk: f"Musyawarah difinalkan; {musdes.finalise(self.session_maker, request, pk)} usulan diputuskan.",
        )

    @expose("/musdes/{pk:int}/ba-file", methods=["GET"])
    async def musdes_ba_file(self, request: Request) -> Response:
        """The stored signed BA, after the same scope check as the details page."""
        if not may(request, "meeting", "details"):
            raise HTTPException(status_code=403)

        def load() -> Meeting:
            with self.session_maker() as session:
                return musdes.load_meeting(session, request, request.path_params["pk"])

        meeting = await anyio.to_thread.run_sync(load)
        if not meeting.ba_file_path:
            raise HTTPException(status_code=404)
        try:
            handle, content_type = uploads.open_stored(meeting.ba_file_path, request.app.state.settings)
        except FileNotFoundError as error:
            raise HTTPException(status_code=404) from error
        extension = meeting.ba_file_path.rsplit(".", 1)[-1]

        def chunks() -> Iterator[bytes]:
            with handle:
                yield from iter(lambda: handle.read(64 * 1024), b"")

        return StreamingResponse(
            chunks(),
            media_type=content_type,
            headers={
                "Content-Disposition": f'attachment; filename="berita-acara-{meeting.id}.{extension}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def _musdes_step(self, request: Request, step: Callable[[int], str]) -> Response:
        pk = request.path_params["pk"]
        try:
            message = await anyio.to_thread.run_sync(lambda: step(pk))
        except TransitionRefused as refusal:
            return await self._musdes_response(request, pk, error=str(refusal), status_code=409)
        Flash.success(request, message)
        return RedirectResponse(request.url_for("admin:view-meeting-musdes_page", pk=pk), status_code=303)

    async def _musdes_response(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        if not may(request, "meeting", "details"):
            raise HTTPException(status_code=403)

        def load() -> dict[str, Any]:
            with self.session_maker() as session:
                meeting = musdes.load_meeting(session, request, pk)
                final = meeting.is_final
                return {
                    "meeting": meeting,
                    "candidates": [] if final else musdes.draft_candidates(session, meeting),
                    "problems": musdes.finalisation_problems(meeting),
                }

        context = await anyio.to_thread.run_sync(load)
        final = context["meeting"].is_final
        context.update(
            error=error,
            decisions=Decision,
            may_agenda=not final and may(request, "meeting", musdes.AGENDA),
            may_decide=not final and may(request, "meeting", musdes.DECIDE),
            may_upload=not final and may(request, "meeting", musdes.UPLOAD_BA),
            may_finalise=not final and may(request, "meeting", musdes.FINALISE),
            may_add_participant=not final and may(request, "meeting-participant", "create"),
            identity_text=lambda number: self.identity_text(request, number),
        )
        return await self.templates.TemplateResponse(request, "meeting_musdes.html", context, status_code=status_code)


class MeetingParticipantView(DtksModelView, model=MeetingParticipant):
    name = "Peserta Musyawarah"
    name_plural = "Peserta Musyawarah"
    icon = "fa-solid fa-user-tie"
    category = "Alur Usulan"
    prefill_fields: ClassVar = {"meeting"}

    column_list: ClassVar = [MeetingParticipant.meeting, MeetingParticipant.name, MeetingParticipant.position]
    column_labels: ClassVar = {
        "meeting": "Musyawarah",
        "name": "Nama",
        "position": "Jabatan",
        "region_code": "Kode wilayah",
    }
    column_filters: ClassVar = [RegionFilter(MeetingParticipant.region_code)]
    form_columns: ClassVar = [
        MeetingParticipant.meeting,
        MeetingParticipant.name,
        MeetingParticipant.position,
    ]
    form_args: ClassVar = {
        "meeting": {"label": "Musyawarah"},
        "name": {"label": "Nama", "validators": [REQUIRED]},
        "position": {"label": "Jabatan"},
    }
    form_ajax_refs: ClassVar = {"meeting": {"fields": ("ba_number", "place"), "order_by": "id", "limit": 20}}
