"""Usulan, Musdes, Verval and SK: the records of the proposal chain (transitions come with the workflow)."""

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

from console import decrees, musdes, uploads, workflow
from console.authorization import may
from console.dashboard import step_targets
from console.views.base import DtksModelView
from console.views.filters import ChoiceFilter, OverdueFilter, RegionFilter
from console.views.households import REQUIRED, VILLAGES_ONLY
from models import (
    Decree,
    DecreeKind,
    Meeting,
    MeetingParticipant,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    Region,
    Visit,
    VisitResult,
)
from models.base import utc_now
from models.deadlines import is_overdue
from models.identity import mask_identity_number
from models.meeting import Decision
from models.region_codes import is_region_code
from models.visit import INSTRUMENT_FIELDS
from models.workflow import TransitionRefused

HOUSEHOLD_LOOKUP = {"fields": ("no_kk",), "order_by": "no_kk", "limit": 20}
PERIOD_RULE = (
    validators.Optional(),
    validators.Regexp(
        r"^\d{4}-(01|04|07|10)$", message="Periode ditulis TTTT-BB, bulan Januari, April, Juli atau Oktober."
    ),
)

PROPOSAL_LABELS = {
    "id": "No.",
    "kind": "Jenis usulan",
    "household": "Keluarga",
    "region_code": "Kode wilayah",
    "reason": "Alasan/keterangan",
    "removal_reason": "Alasan dikeluarkan",
    "requested_changes": "Perubahan yang diminta",
    "has_ktp": "Fotokopi KTP",
    "has_kk": "Fotokopi KK",
    "has_sktm": "SKTM",
    "status": "Status",
    "status_changed_at": "Status sejak",
    "return_reason": "Alasan dikembalikan",
    "version": "Versi",
    "created_by": "Dibuat oleh",
    "history": "Riwayat status",
    "visits": "Kunjungan verval",
    "created_at": "Dibuat",
    "updated_at": "Diubah",
}


class ProposalView(DtksModelView, model=Proposal):
    name = "Usulan"
    name_plural = "Usulan"
    icon = "fa-solid fa-file-signature"
    category = "Alur Usulan"
    prefill_fields: ClassVar = {"household"}

    column_list: ClassVar = [
        Proposal.id,
        Proposal.kind,
        Proposal.household,
        Proposal.region_code,
        Proposal.status,
        Proposal.status_changed_at,
    ]
    column_details_list: ClassVar = [
        Proposal.id,
        Proposal.kind,
        Proposal.household,
        Proposal.region_code,
        Proposal.status,
        Proposal.status_changed_at,
        Proposal.reason,
        Proposal.removal_reason,
        Proposal.return_reason,
        Proposal.has_ktp,
        Proposal.has_kk,
        Proposal.has_sktm,
        Proposal.requested_changes,
        Proposal.version,
        Proposal.history,
        Proposal.visits,
        Proposal.created_at,
    ]
    column_labels: ClassVar = PROPOSAL_LABELS
    column_sortable_list: ClassVar = [Proposal.id, Proposal.status_changed_at]
    column_default_sort: ClassVar = [(Proposal.id, True)]
    column_searchable_list: ClassVar = [Proposal.region_code]
    search_hint = "Kode wilayah (awalan angka tanpa titik tidak berlaku) atau No. KK di halaman Keluarga"
    column_filters: ClassVar = [
        RegionFilter(Proposal.region_code),
        ChoiceFilter.for_enum(Proposal.status, ProposalStatus, "Status"),
        ChoiceFilter.for_enum(Proposal.kind, ProposalKind, "Jenis usulan"),
        OverdueFilter(lambda: ProposalView.session_maker),
    ]
    form_columns: ClassVar = [
        Proposal.kind,
        Proposal.household,
        Proposal.reason,
        Proposal.removal_reason,
        Proposal.has_ktp,
        Proposal.has_kk,
        Proposal.has_sktm,
    ]
    form_ajax_refs: ClassVar = {"household": HOUSEHOLD_LOOKUP}
    form_args: ClassVar = {name: {"label": label} for name, label in PROPOSAL_LABELS.items()}

    details_template = "proposal_details.html"

    def search_conditions(self, term: str) -> list[Any]:
        from models.region import within_region

        return [within_region(Proposal.region_code, term)] if is_region_code(term) else []

    @expose("/workflow/{pk:int}", methods=["GET"])
    async def workflow_page(self, request: Request) -> Response:
        """The chain actions this user may take on this proposal, each confirmed by a POST."""
        return await self._workflow_response(request, request.path_params["pk"])

    @expose("/workflow/{pk:int}/{action:str}", methods=["POST"], identity="proposal-perform")
    async def perform(self, request: Request) -> Response:
        pk, action = request.path_params["pk"], request.path_params["action"]
        form = await request.form()
        version = str(form.get("version") or "")
        try:
            outcome = await anyio.to_thread.run_sync(
                lambda: workflow.perform(
                    self.session_maker,
                    request,
                    pk,
                    action,
                    note=str(form.get("note") or ""),
                    seen_version=int(version) if version.isdigit() else -1,
                )
            )
        except TransitionRefused as refusal:
            return await self._workflow_response(request, pk, error=str(refusal), status_code=409)
        Flash.success(request, f"Usulan #{pk}: {outcome.source.label} -> {outcome.target.label}.")
        return RedirectResponse(request.url_for("admin:view-proposal-workflow_page", pk=pk), status_code=303)

    async def _workflow_response(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        def load() -> tuple[Any, list[Any], str, bool]:
            with self.session_maker() as session:
                proposal = workflow.load_proposal(session, request, pk)
                number = proposal.household.no_kk if proposal.household else ""
                label = number if self.shows_full_identity(request) else mask_identity_number(number)
                late = is_overdue(proposal.status, proposal.status_changed_at, step_targets(session), utc_now().date())
                return proposal, workflow.offered_transitions(request, proposal), label, late

        proposal, transitions, household_label, overdue = await anyio.to_thread.run_sync(load)
        context = {
            "proposal": proposal,
            "transitions": transitions,
            "household_label": household_label,
            "error": error,
            "overdue": overdue,
        }
        return await self.templates.TemplateResponse(
            request, "proposal_workflow.html", context, status_code=status_code
        )

    def details_query(self, request: Request) -> Select:
        return super().details_query(request).options(selectinload(Proposal.history), selectinload(Proposal.visits))

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        if data.get("kind") == ProposalKind.REMOVE and not data.get("removal_reason"):
            raise ValueError("Usulan dikeluarkan wajib memilih alasan dikeluarkan.")
        if data.get("kind") != ProposalKind.REMOVE:
            data["removal_reason"] = None


class ProposalHistoryView(DtksModelView, model=ProposalHistory):
    name = "Riwayat Status"
    name_plural = "Riwayat Status Usulan"
    icon = "fa-solid fa-clock-rotate-left"
    category = "Alur Usulan"
    can_create = False
    can_edit = False
    can_delete = False

    column_list: ClassVar = [
        ProposalHistory.at,
        ProposalHistory.proposal,
        ProposalHistory.from_status,
        ProposalHistory.to_status,
        ProposalHistory.actor_name,
        ProposalHistory.note,
    ]
    column_labels: ClassVar = {
        "at": "Waktu",
        "proposal": "Usulan",
        "from_status": "Dari status",
        "to_status": "Ke status",
        "actor_name": "Oleh",
        "note": "Catatan",
        "region_code": "Kode wilayah",
    }
    column_default_sort: ClassVar = [(ProposalHistory.id, True)]
    column_filters: ClassVar = [
        RegionFilter(ProposalHistory.region_code),
        ChoiceFilter(ProposalHistory.to_status, ProposalStatus.choices(), "Ke status", "to_status"),
    ]


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

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        if not is_created and model.is_final:
            raise ValueError(musdes.ALREADY_FINAL)

    async def on_model_delete(self, model: Any, request: Request) -> None:
        if model.is_final:
            raise ValueError("Musyawarah yang sudah difinalkan tidak dapat dihapus.")

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

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        meeting_id = str(data.get("meeting") or "")
        if meeting_id.isdigit():
            with self.session_maker() as session:
                meeting = session.get(Meeting, int(meeting_id))
            if meeting is not None and meeting.is_final:
                raise ValueError("Musyawarah sudah difinalkan; daftar peserta tidak dapat diubah.")

    async def on_model_delete(self, model: Any, request: Request) -> None:
        with self.session_maker() as session:
            meeting = session.get(Meeting, model.meeting_id)
        if meeting is not None and meeting.is_final:
            raise ValueError("Musyawarah sudah difinalkan; daftar peserta tidak dapat diubah.")


VISIT_LABELS = {
    "household": "Keluarga",
    "proposal": "Usulan",
    "region_code": "Kode wilayah",
    "enumerator_name": "Petugas pendata",
    "visited_on": "Tanggal kunjungan",
    "tenure": "Status penguasaan bangunan",
    "floor_area_m2": "Luas lantai (m²)",
    "room_count": "Jumlah kamar",
    "floor_material": "Jenis lantai",
    "wall_material": "Jenis dinding",
    "wall_condition": "Kondisi dinding",
    "roof_material": "Jenis atap",
    "roof_condition": "Kondisi atap",
    "drinking_water": "Sumber air minum",
    "lighting": "Sumber penerangan",
    "power_rating": "Daya listrik",
    "cooking_fuel": "Bahan bakar memasak",
    "toilet_facility": "Fasilitas BAB",
    "toilet_type": "Jenis kloset",
    "sewage": "Pembuangan tinja",
    "assets": "Aset",
    "livestock": "Ternak",
    "programme_cards": "Kepesertaan program",
    "notes": "Catatan",
    "result": "Hasil verval",
    "confirmed_by": "Dikonfirmasi oleh",
    "confirmed_at": "Dikonfirmasi",
    "created_at": "Dibuat",
}


class VisitView(DtksModelView, model=Visit):
    name = "Kunjungan Verval"
    name_plural = "Kunjungan Verval"
    icon = "fa-solid fa-house-circle-check"
    category = "Alur Usulan"
    prefill_fields: ClassVar = {"household", "proposal"}

    column_list: ClassVar = [
        Visit.visited_on,
        Visit.household,
        Visit.enumerator_name,
        Visit.result,
        Visit.region_code,
    ]
    column_details_exclude_list: ClassVar = [
        Visit.id,
        Visit.household_id,
        Visit.proposal_id,
        Visit.enumerator_id,
    ]
    column_labels: ClassVar = VISIT_LABELS
    column_default_sort: ClassVar = [(Visit.visited_on, True)]
    column_filters: ClassVar = [
        RegionFilter(Visit.region_code),
        ChoiceFilter.for_enum(Visit.result, VisitResult, "Hasil verval"),
    ]
    form_columns: ClassVar = [
        "household",
        "proposal",
        "enumerator_name",
        "visited_on",
        *INSTRUMENT_FIELDS,
        "notes",
    ]
    form_ajax_refs: ClassVar = {
        "household": HOUSEHOLD_LOOKUP,
        "proposal": {"fields": ("id",), "order_by": "id", "limit": 20},
    }
    form_args: ClassVar = {
        **{name: {"label": label} for name, label in VISIT_LABELS.items()},
        "enumerator_name": {"label": "Petugas pendata", "validators": [REQUIRED]},
        "visited_on": {"label": "Tanggal kunjungan", "validators": [REQUIRED]},
        "floor_area_m2": {
            "label": "Luas lantai (m²)",
            "validators": [
                validators.Optional(),
                validators.NumberRange(1, 10000, message="Luas 1-10.000 m²."),
            ],
        },
        "room_count": {
            "label": "Jumlah kamar",
            "validators": [
                validators.Optional(),
                validators.NumberRange(0, 100, message="Jumlah kamar 0-100."),
            ],
        },
    }


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
        if not is_created and model.is_signed:
            raise ValueError("SK yang sudah ditandatangani tidak dapat diubah.")
        if data.get("kind") == DecreeKind.MINISTRY_DETERMINATION and not data.get("period"):
            raise ValueError("SK Penetapan wajib memiliki periode (Januari, April, Juli atau Oktober).")
        region_code = (data.get("region_code") or "").strip()
        if region_code:
            with self.session_maker() as session:
                if session.get(Region, region_code) is None:
                    raise ValueError(f"Kode wilayah {region_code} tidak ditemukan dalam daftar wilayah.")
        data["region_code"] = region_code

    async def on_model_delete(self, model: Any, request: Request) -> None:
        if model.is_signed:
            raise ValueError("SK yang sudah ditandatangani tidak dapat dihapus.")

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
        if not may(request, "decree", "action:forward"):
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
