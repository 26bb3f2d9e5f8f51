"""Keluarga and Anggota Keluarga: the register itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select, union
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from wtforms import DateField, Form, SelectField, StringField, TextAreaField, validators

from console.forms import (
    date_bounds_validator,
    enum_coercer,
    nik_validator,
    no_kk_validator,
    strip_filter,
    text_validator,
)
from console.search import contains
from console.sqladmin_door import ColumnLabels, drop_fields_outside_rules, is_create_rules
from console.views.base import DtksModelView, flash_warnings
from console.views.filters import ChoiceFilter, list_filters
from models import (
    Education,
    FamilyRelation,
    Household,
    MaritalStatus,
    Member,
    Proposal,
    Region,
    Sex,
)
from models.base import table_of
from models.identity import check_nik, check_no_kk
from models.member import ensure_head_remains, ensure_member_deletable
from models.region_codes import RegionLevel, is_code_of_level

REQUIRED = validators.InputRequired(message="Kolom ini wajib diisi.")
INPUT = {"class": "form-control"}  # the look sqladmin gives the fields it builds itself
PICKER = {"placeholder": "Ketik nama atau kode untuk mencari"}
DESIL_CHOICES = [(str(desil), f"Desil {desil}") for desil in range(1, 11)]
VILLAGES_ONLY = {"fields": ("code", "name"), "order_by": "code", "where": Region.level == 4, "limit": 20}
HOUSEHOLD_LOOKUP = {"fields": ("no_kk",), "order_by": "no_kk", "limit": 20}
# dtks.js checks these fields as they are typed (console/views/identity_check.py): warnings before saving.
LIVE_NIK_CHECK = {"data-identity-check": "nik"}
LIVE_NO_KK_CHECK = {"data-identity-check": "no_kk"}
MEMBER = table_of(Member).c  # the head's fields on the household form follow the member columns' rules

MEMBER_LABELS: ColumnLabels = {
    "household": "Keluarga (No. KK)",
    "nik": "NIK",
    "name": "Nama lengkap",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "family_relation": "Hubungan keluarga",
    "mother_name": "Nama ibu kandung",
    "marital_status": "Status kawin",
    "occupation": "Pekerjaan",
    "education": "Pendidikan",
    "disability": "Disabilitas",
    "region_code": "Kode wilayah",
    "created_at": "Dibuat",
    "updated_at": "Diubah",
}


def _head_fields() -> dict[str, Any]:
    """The head's fields on the new-household form: a household is never stored without its head."""
    return {
        "head_nik": StringField(
            "NIK kepala keluarga",
            render_kw={**INPUT, **LIVE_NIK_CHECK},
            validators=[nik_validator("head_sex", "head_birth_date"), text_validator(MEMBER.nik)],
            filters=[strip_filter],
            description="16 digit; tanggal lahir perempuan ditambah 40.",
        ),
        "head_name": StringField(
            "Nama kepala keluarga", render_kw=INPUT, validators=[REQUIRED, text_validator(MEMBER.name)]
        ),
        "head_sex": SelectField(
            "Jenis kelamin kepala keluarga",
            render_kw=INPUT,
            choices=Sex.choices(),
            coerce=enum_coercer(Sex),
            validators=[REQUIRED],
        ),
        "head_birth_place": StringField(
            "Tempat lahir kepala keluarga", render_kw=INPUT, validators=[text_validator(MEMBER.birth_place)]
        ),
        "head_birth_date": DateField(
            "Tanggal lahir kepala keluarga",
            validators=[REQUIRED, date_bounds_validator(MEMBER.birth_date)],
            render_kw={"class": "form-control", "data-role": "datepicker"},
        ),
        "head_mother_name": StringField(
            "Nama ibu kandung kepala keluarga", render_kw=INPUT, validators=[text_validator(MEMBER.mother_name)]
        ),
        "head_marital_status": SelectField(
            "Status kawin kepala keluarga",
            render_kw=INPUT,
            choices=MaritalStatus.choices(),
            coerce=enum_coercer(MaritalStatus),
        ),
        "head_occupation": StringField(
            "Pekerjaan kepala keluarga", render_kw=INPUT, validators=[text_validator(MEMBER.occupation)]
        ),
        "head_education": SelectField(
            "Pendidikan kepala keluarga", render_kw=INPUT, choices=Education.choices(), coerce=enum_coercer(Education)
        ),
    }


HEAD_FIELD_NAMES = list(_head_fields())


def _head_from(data: dict[str, Any]) -> Member:
    values = {name.removeprefix("head_"): data.pop(name, None) for name in HEAD_FIELD_NAMES}
    return Member(family_relation=FamilyRelation.HEAD, **{k: v for k, v in values.items() if v is not None})


class HouseholdView(DtksModelView, model=Household):
    name = "Keluarga"
    icon = "fa-solid fa-people-roof"
    category = "Register DTKS"
    details_template = "household_details.html"
    identity_columns = {"no_kk"}

    column_list = [
        Household.no_kk,
        Household.head_name,
        Household.region,
        Household.address,
        Household.dtks_status,
        Household.desil,
        Household.period,
    ]
    column_details_list = [
        Household.no_kk,
        Household.region,
        Household.address,
        Household.rt,
        Household.rw,
        Household.dtks_status,
        Household.desil,
        Household.period,
        Household.notes,
        Household.created_at,
        Household.updated_at,
    ]
    column_labels = {
        "no_kk": "No. KK",
        "head_name": "Kepala keluarga",
        "region": "Desa/Kelurahan",
        "address": "Alamat",
        "rt": "RT",
        "rw": "RW",
        "dtks_status": "Status DTKS",
        "desil": "Desil",
        "period": "Periode penetapan",
        "notes": "Catatan",
        "created_at": "Dibuat",
        "updated_at": "Diubah",
    }
    column_sortable_list = [Household.id, Household.no_kk, Household.head_name, Household.desil]
    column_default_sort = [(Household.id, True)]
    column_searchable_list = [Household.no_kk]
    search_identity_columns = [Household.no_kk]
    search_hint = "No. KK, NIK anggota, atau nama kepala keluarga"
    column_filters = list_filters(
        column_labels,
        Household.region_code,
        Household.dtks_status,
        ChoiceFilter(Household.desil, DESIL_CHOICES, "Desil", "desil"),
    )
    form_columns = [
        Household.region,
        Household.no_kk,
        Household.address,
        Household.rt,
        Household.rw,
        Household.notes,
    ]
    form_create_rules = ["region", "no_kk", "address", "rt", "rw", *HEAD_FIELD_NAMES, "notes"]
    form_edit_rules = ["region", "no_kk", "address", "rt", "rw", "notes"]
    form_ajax_refs = {"region": VILLAGES_ONLY}
    form_widget_args = {"region": PICKER, "no_kk": LIVE_NO_KK_CHECK}
    form_args = {
        "region": {"description": "Ketik nama atau kode desa/kelurahan."},
        "no_kk": {"validators": [no_kk_validator], "filters": [strip_filter]},
        "address": {"validators": [REQUIRED]},
        "rt": {"validators": [validators.Regexp(r"^\d{0,3}$", message="RT berupa angka.")]},
        "rw": {"validators": [validators.Regexp(r"^\d{0,3}$", message="RW berupa angka.")]},
    }

    def search_conditions(self, term: str) -> list[ColumnElement[bool]]:
        if term.isdigit() and len(term) == 16:
            # A No. KK or a member's NIK: the two indexes looked up once each ("KK = t OR id IN (NIK)" made the
            # planner scan every household). Unique nationally through models/national_numbers.py.
            by_kk = select(Household.id).where(Household.no_kk == term)
            by_nik = select(Member.household_id).where(Member.nik == term)
            return [Household.id.in_(union(by_kk, by_nik))]
        if term.isdigit():
            return super().search_conditions(term)
        return [contains(Household.head_name, term)]

    async def scaffold_form(self, rules: list[Any] | None = None) -> type[Form]:
        if not is_create_rules(self, rules):
            return await super().scaffold_form(rules)
        base = await super().scaffold_form(None)
        # "notes" is declared again after the head's fields so the form reads top to bottom.
        notes = TextAreaField("Catatan", render_kw=INPUT, validators=[text_validator(table_of(Household).c.notes)])
        fields = {**_head_fields(), "notes": notes}
        form = type("HouseholdCreateForm", (base,), fields)
        drop_fields_outside_rules(self, rules, form)
        return form

    def details_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .details_query(request)
            .options(
                selectinload(Household.members),
                selectinload(Household.proposals).selectinload(Proposal.history),
                selectinload(Household.visits),
                selectinload(Household.pmt_results),
            )
        )

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        region_code = str(data.get("region") or "")
        if region_code and not is_code_of_level(region_code, RegionLevel.VILLAGE):
            raise ValueError("Pilih sebuah desa/kelurahan (bukan kecamatan atau kabupaten).")
        warnings = check_no_kk(str(data.get("no_kk") or "")).warnings
        if is_created:
            head = _head_from(data)
            warnings += check_nik(head.nik or "").warnings
            model.members.append(head)
        flash_warnings(request, warnings)


class MemberView(DtksModelView, model=Member):
    name = "Anggota Keluarga"
    icon = "fa-solid fa-user"
    category = "Register DTKS"
    prefill_fields = {"household"}
    identity_columns = {"nik"}

    column_list = [
        Member.nik,
        Member.name,
        Member.sex,
        Member.birth_date,
        Member.family_relation,
        Member.household,
        Member.region_code,
    ]
    column_details_exclude_list = [Member.id, Member.household_id, Member.regency_code]
    column_labels = MEMBER_LABELS
    column_sortable_list = [Member.id, Member.name, Member.birth_date]
    column_default_sort = [(Member.id, True)]
    column_searchable_list = [Member.nik]
    search_identity_columns = [Member.nik]
    search_name_columns = [Member.name]
    search_hint = "NIK atau nama"
    column_filters = list_filters(column_labels, Member.region_code, Member.sex, Member.family_relation)
    form_columns = [
        Member.household,
        Member.nik,
        Member.name,
        Member.sex,
        Member.birth_place,
        Member.birth_date,
        Member.family_relation,
        Member.mother_name,
        Member.marital_status,
        Member.occupation,
        Member.education,
        Member.disability,
    ]
    form_ajax_refs = {"household": HOUSEHOLD_LOOKUP}
    form_widget_args = {"household": {"placeholder": "Ketik No. KK untuk mencari"}, "nik": LIVE_NIK_CHECK}
    form_args = {
        "nik": {"validators": [nik_validator()], "filters": [strip_filter]},
        "name": {"validators": [REQUIRED]},
        "birth_date": {"validators": [REQUIRED]},
    }

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        if not is_created:
            ensure_head_remains(model, data.get("family_relation"))
        flash_warnings(request, check_nik(str(data.get("nik") or "")).warnings)

    async def on_model_delete(self, model: Any, request: Request) -> None:
        ensure_member_deletable(model)
