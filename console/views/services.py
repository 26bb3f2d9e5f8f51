"""Layanan: certificate register (Surat Keterangan Terdaftar DTKS) and complaints (Pengaduan)."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.requests import Request
from wtforms import validators

from console.forms import optional_nik_validator, strip_filter
from console.views.base import DtksModelView
from console.views.filters import ChoiceFilter, RegionFilter
from console.views.households import REQUIRED
from models import Certificate, CertificateResult, Complaint, ComplaintCategory, ComplaintStatus, Region

REGENCIES_ONLY = {"fields": ("code", "name"), "order_by": "code", "where": Region.level == 2, "limit": 20}
ANY_REGION = {"fields": ("code", "name"), "order_by": "code", "limit": 20}

CERTIFICATE_LABELS = {
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


class CertificateView(DtksModelView, model=Certificate):
    name = "Surat Keterangan"
    name_plural = "Register Surat Keterangan DTKS"
    icon = "fa-solid fa-envelope-open-text"
    category = "Layanan"
    # A request is recorded by the certificate desk (NIK lookup), never typed in by hand.
    can_create = False
    can_edit = False
    can_delete = False
    identity_columns: ClassVar = {"requested_nik"}

    column_list: ClassVar = [
        Certificate.requested_at,
        Certificate.applicant_name,
        Certificate.requested_nik,
        Certificate.result,
        Certificate.letter_number,
        Certificate.step,
    ]
    column_details_list: ClassVar = [
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
    column_labels: ClassVar = CERTIFICATE_LABELS
    column_default_sort: ClassVar = [(Certificate.id, True)]
    column_searchable_list: ClassVar = [Certificate.requested_nik]
    search_identity_columns: ClassVar = [Certificate.requested_nik]
    search_name_columns: ClassVar = [Certificate.applicant_name]
    search_hint = "NIK atau nama pemohon"
    column_filters: ClassVar = [
        RegionFilter(Certificate.region_code),
        ChoiceFilter.for_enum(Certificate.result, CertificateResult, "Hasil"),
    ]


COMPLAINT_LABELS = {
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
    name_plural = "Pengaduan"
    icon = "fa-solid fa-comments"
    category = "Layanan"
    identity_columns: ClassVar = {"nik"}

    column_list: ClassVar = [
        Complaint.created_at,
        Complaint.complainant_name,
        Complaint.category,
        Complaint.channel,
        Complaint.region,
        Complaint.status,
    ]
    column_details_exclude_list: ClassVar = [Complaint.id, Complaint.assigned_to_id]
    column_labels: ClassVar = COMPLAINT_LABELS
    column_default_sort: ClassVar = [(Complaint.id, True)]
    column_searchable_list: ClassVar = [Complaint.complainant_name]
    search_identity_columns: ClassVar = [Complaint.nik]
    search_name_columns: ClassVar = [Complaint.complainant_name]
    search_hint = "NIK atau nama pengadu"
    column_filters: ClassVar = [
        RegionFilter(Complaint.region_code),
        ChoiceFilter.for_enum(Complaint.category, ComplaintCategory, "Kategori"),
        ChoiceFilter.for_enum(Complaint.status, ComplaintStatus, "Status"),
    ]
    form_columns: ClassVar = [
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
    form_ajax_refs: ClassVar = {
        "region": ANY_REGION,
        "assigned_to": {"fields": ("username", "full_name"), "order_by": "username", "limit": 20},
    }
    form_args: ClassVar = {
        **{name: {"label": label} for name, label in COMPLAINT_LABELS.items()},
        "complainant_name": {"label": "Nama pengadu", "validators": [REQUIRED]},
        "nik": {"label": "NIK (opsional)", "validators": [optional_nik_validator], "filters": [strip_filter]},
        "description": {"label": "Uraian pengaduan", "validators": [REQUIRED, validators.Length(max=5000)]},
    }

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        data["nik"] = (data.get("nik") or "").strip() or None
