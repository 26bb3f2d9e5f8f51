"""Usulan, Musdes, Verval and SK: the records of the proposal chain (transitions come with the workflow)."""

from __future__ import annotations

from typing import Any, ClassVar

import anyio
from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import validators

from console import workflow
from console.views.base import DtksModelView
from console.views.filters import ChoiceFilter, RegionFilter
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
from models.identity import mask_identity_number
from models.region_codes import is_region_code
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
        def load() -> tuple[Any, list[Any], str]:
            with self.session_maker() as session:
                proposal = workflow.load_proposal(session, request, pk)
                number = proposal.household.no_kk if proposal.household else ""
                label = number if self.shows_full_identity(request) else mask_identity_number(number)
                return proposal, workflow.offered_transitions(request, proposal), label

        proposal, transitions, household_label = await anyio.to_thread.run_sync(load)
        context = {"proposal": proposal, "transitions": transitions, "household_label": household_label, "error": error}
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
INSTRUMENT_FIELDS = [
    "tenure",
    "floor_area_m2",
    "room_count",
    "floor_material",
    "wall_material",
    "wall_condition",
    "roof_material",
    "roof_condition",
    "drinking_water",
    "lighting",
    "power_rating",
    "cooking_fuel",
    "toilet_facility",
    "toilet_type",
    "sewage",
]


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
