"""Kunjungan verval: the visit with the instrument's answers (the confirmation comes with the workflow)."""

from __future__ import annotations

from typing import Any

import anyio
from sqladmin.flash import Flash
from starlette.requests import Request
from wtforms import validators

from chain import visit_links
from console.authorization import actor_of
from console.json_fields import CodedChoicesField, LivestockField
from console.sqladmin_door import ColumnLabels, session_maker_of
from console.views.base import DtksModelView
from console.views.filters import list_filters
from console.views.households import HOUSEHOLD_LOOKUP, REQUIRED
from models import Visit
from models.base import LabelledEnum
from models.ground_check import (
    GROUND_CHECK_COUNTS,
    GROUND_CHECK_FIELDS,
    MEMBER_COUNT_MAXIMUM,
    VisitKind,
    ground_check_refusal,
)
from models.instrument import Asset, Livestock, ProgrammeCard, labels_of, livestock_labels
from models.visit import INSTRUMENT_FIELDS


def _listed(labels: list[str]) -> str:
    return ", ".join(labels) or "Tidak ada"


VISIT_LABELS: ColumnLabels = {
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
    "kind": "Jenis kunjungan",
    "family_presence": "Keberadaan keluarga",
    "livelihood": "Sumber penghasilan utama",
    "income_band": "Penghasilan keluarga per bulan",
    "children_out_of_school": "Anak usia sekolah (7-18) tidak sekolah",
    "members_with_disability": "Anggota penyandang disabilitas",
    "members_chronically_ill": "Anggota berpenyakit kronis",
    "health_cover": "Jaminan kesehatan",
    "result": "Hasil verval",
    "confirmed_by": "Dikonfirmasi oleh",
    "confirmed_at": "Dikonfirmasi",
    "created_at": "Dibuat",
}


def answers_in_words(visit: Visit) -> list[tuple[str, str]]:
    """The visit's answers in words, in the instrument's order: (question, answer), unanswered ones left out."""
    answers: list[tuple[str, str]] = []
    for field in (*INSTRUMENT_FIELDS, *GROUND_CHECK_FIELDS):
        value = getattr(visit, field)
        if value is None or value == "":
            continue
        answers.append((VISIT_LABELS[field], value.label if isinstance(value, LabelledEnum) else str(value)))
    listed = [
        ("assets", labels_of(Asset, visit.assets or [])),
        ("livestock", livestock_labels(visit.livestock or {})),
        ("programme_cards", labels_of(ProgrammeCard, visit.programme_cards or [])),
    ]
    answers += [(VISIT_LABELS[field], _listed(labels)) for field, labels in listed]
    if visit.notes:
        answers.append((VISIT_LABELS["notes"], visit.notes))
    return answers


PMT_VARIABLE_LABELS = {"intercept": "Intersep", "household_size": "Jumlah anggota keluarga"}
LISTED_ANSWERS: dict[str, type[LabelledEnum]] = {"assets": Asset, "programme_cards": ProgrammeCard}


def pmt_variable_words(key: str) -> str:
    """A PMT contribution's key in words: "floor_material=tanah" -> "Jenis lantai: Tanah", "livestock_sapi" ->
    "Ternak: Sapi", "household_size" -> "Jumlah anggota keluarga" (models/pmt_scoring.py writes the keys)."""
    variable, _, choice = key.partition("=")
    if variable in PMT_VARIABLE_LABELS:
        return PMT_VARIABLE_LABELS[variable]
    if variable.startswith("livestock_"):
        return f"{VISIT_LABELS['livestock']}: {_label_of(Livestock, variable.removeprefix('livestock_'))}"
    label = str(VISIT_LABELS.get(variable, variable))
    if not choice:
        return label
    enum_class = LISTED_ANSWERS.get(variable) or getattr(getattr(Visit, variable, None), "type", None)
    enum_class = getattr(enum_class, "enum_class", enum_class)
    return f"{label}: {_label_of(enum_class, choice)}"


def _label_of(enum_class: Any, value: str) -> str:
    if isinstance(enum_class, type) and issubclass(enum_class, LabelledEnum):
        try:
            return enum_class(value).label
        except ValueError:
            return value
    return value


class VisitView(DtksModelView, model=Visit):
    name = "Kunjungan Verval"
    icon = "fa-solid fa-house-circle-check"
    category = "Alur Usulan"
    prefill_fields = {"household", "proposal"}

    column_list = [
        Visit.visited_on,
        Visit.household,
        Visit.kind,
        Visit.enumerator_name,
        Visit.result,
        Visit.region_code,
    ]
    column_details_exclude_list = [
        Visit.id,
        Visit.household_id,
        Visit.proposal_id,
        Visit.enumerator_id,
        Visit.regency_code,  # the region code's first part (models/base.RegencyScoped)
    ]
    column_labels = VISIT_LABELS
    column_default_sort = [(Visit.visited_on, True)]
    column_filters = list_filters(column_labels, Visit.region_code, Visit.kind, Visit.result)
    form_columns = [
        "household",
        "proposal",
        "kind",
        "enumerator_name",
        "visited_on",
        *INSTRUMENT_FIELDS,
        "assets",
        "livestock",
        "programme_cards",
        *GROUND_CHECK_FIELDS,
        "notes",
    ]
    # Blok V lives in JSON columns: offered as coded choices, shown with their labels, never as raw JSON.
    form_overrides = {
        "assets": CodedChoicesField.of(Asset),
        "livestock": LivestockField,
        "programme_cards": CodedChoicesField.of(ProgrammeCard),
    }
    column_formatters_detail = {
        "assets": lambda visit, _: _listed(labels_of(Asset, visit.assets or [])),
        "livestock": lambda visit, _: _listed(livestock_labels(visit.livestock or {})),
        "programme_cards": lambda visit, _: _listed(labels_of(ProgrammeCard, visit.programme_cards or [])),
    }
    form_ajax_refs = {
        "household": HOUSEHOLD_LOOKUP,
        "proposal": {"fields": ("id",), "order_by": "id", "limit": 20},
    }
    form_args = {
        "enumerator_name": {"validators": [REQUIRED]},
        "visited_on": {"validators": [REQUIRED]},
        "floor_area_m2": {
            "validators": [
                validators.Optional(),
                validators.NumberRange(1, 10000, message="Luas 1-10.000 m²."),
            ],
        },
        "room_count": {
            "validators": [
                validators.Optional(),
                validators.NumberRange(0, 100, message="Jumlah kamar 0-100."),
            ],
        },
        "kind": {"description": "Kunjungan Pendamping PKH selalu dicatat sebagai groundcheck."},
        **{
            count: {
                "validators": [
                    validators.Optional(),
                    validators.NumberRange(0, MEMBER_COUNT_MAXIMUM, message=f"Jumlah 0-{MEMBER_COUNT_MAXIMUM} orang."),
                ],
            }
            for count in GROUND_CHECK_COUNTS
        },
    }

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        """A pendamping PKH's new visit is a ground check; a ground check says whether the family was found."""
        actor = actor_of(request)
        if is_created and actor.role is not None and actor.role.writes_in_assigned_villages:
            data["kind"] = VisitKind.GROUND_CHECK
        refusal = ground_check_refusal(data.get("kind"), data.get("family_presence"))
        if refusal:
            raise ValueError(refusal)
        if is_created and not data.get("proposal") and data.get("household"):
            await self._link_waiting_proposal(data, request)

    async def _link_waiting_proposal(self, data: dict[str, Any], request: Request) -> None:
        """An unlinked new visit goes to the family's proposal waiting for it (chain/visit_links.py)."""
        household_id = int(str(getattr(data["household"], "id", data["household"])))

        def find() -> int | None:
            with session_maker_of(self)() as session:
                proposal = visit_links.proposal_for_new_visit(session, household_id)
                return proposal.id if proposal is not None else None

        try:
            proposal_id = await anyio.to_thread.run_sync(find)
        except visit_links.VisitLinkRefused as refusal:
            raise ValueError(str(refusal)) from refusal
        if proposal_id is not None:
            data["proposal"] = str(proposal_id)
            Flash.info(request, f"Kunjungan ini dicatat untuk usulan #{proposal_id}, yang menunggu kunjungan verval.")
