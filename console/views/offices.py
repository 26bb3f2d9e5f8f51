"""Profil Kantor and Penandatangan: what the printed documents carry of their office (models/office.py).

The administrator keeps one profile per issuing office (a regency, a province, "00" for the ministry): the
government line (empty: the naming rule's, models/office_names.py), office name, address, phone, email, the place
letters are dated, the logo (PNG or JPEG, chain/offices.store_logo), and one signer per duty with title, rank and
NIP. District, province and ministry officials read their own.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.datastructures import UploadFile
from starlette.requests import Request
from wtforms import FileField, Form, validators

from chain import offices
from console import uploads
from console.authorization import actor_of
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from models import OfficeProfile, OfficeSigner, SignerDuty
from models.office import profile_refusal, signer_refusal

PROFILE_LABELS: ColumnLabels = {
    "region_code": "Kode wilayah (00: Kementerian)",
    "government_name": "Baris pemerintah (kosong: menurut aturan nama)",
    "office_name": "Nama kantor (kosong: Dinas Sosial)",
    "address": "Alamat",
    "phone": "Telepon",
    "email": "Email",
    "website": "Situs web",
    "city": "Tempat penandatanganan (kosong: nama daerah)",
    "logo_path": "Logo tersimpan",
    "updated_at": "Diubah",
}
SIGNER_LABELS: ColumnLabels = {
    "region_code": "Kode wilayah kantor",
    "profile": "Kantor",
    "duty": "Tugas",
    "name": "Nama lengkap dengan gelar",
    "title": "Jabatan (seperti tertulis di bawah tanda tangan)",
    "rank": "Pangkat/golongan",
    "nip": "NIP (18 angka)",
}
LOGO_FIELD = "logo"


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


class OfficeProfileView(DtksModelView, model=OfficeProfile):
    name = "Profil Kantor"
    name_plural = "Profil Kantor"
    icon = "fa-solid fa-building-columns"
    category = "Administrasi"

    column_list = [OfficeProfile.region_code, OfficeProfile.government_name, OfficeProfile.office_name,
                   OfficeProfile.phone, OfficeProfile.email]  # fmt: skip
    column_details_list = [*column_list, OfficeProfile.address, OfficeProfile.website, OfficeProfile.city,
                           OfficeProfile.logo_path, OfficeProfile.updated_at]  # fmt: skip
    column_labels = PROFILE_LABELS
    column_default_sort = [(OfficeProfile.region_code, False)]
    form_columns = [OfficeProfile.region_code, OfficeProfile.government_name, OfficeProfile.office_name,
                    OfficeProfile.address, OfficeProfile.phone, OfficeProfile.email, OfficeProfile.website,
                    OfficeProfile.city]  # fmt: skip
    form_include_pk = True  # the region is the key, typed on the form
    form_args = {
        name: {"validators": [validators.Optional()]}
        for name in ("government_name", "office_name", "address", "phone", "email", "website", "city")
    }

    async def scaffold_form(self, rules: list[Any] | None = None) -> type[Form]:
        base = await super().scaffold_form(rules)
        field = FileField("Logo (PNG atau JPEG, paling besar 1 MiB; kosongkan untuk tetap)")
        return type("OfficeProfileForm", (base,), {LOGO_FIELD: field})

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        """A province, a regency or the ministry, inside the official's scope; the phone and email in shape; a
        new logo checked and stored by its hash."""
        logo = data.pop(LOGO_FIELD, None)
        code = _text(data, "region_code") if is_created else model.region_code
        data["region_code"] = code
        for key in ("government_name", "office_name", "address", "phone", "email", "website", "city"):
            data[key] = _text(data, key)
        refusal = profile_refusal(code, data["phone"], data["email"])
        if refusal:
            raise ValueError(refusal)
        if not actor_of(request).scope.holds(code):  # "00", the ministry's, is held by national roles only
            raise ValueError("Wilayah di luar wilayah tugas Anda.")
        if isinstance(logo, UploadFile) and logo.filename:
            settings = request.app.state.settings
            data_bytes = await uploads.read_upload(logo, settings)
            files = uploads.file_store(settings)
            stored = await anyio.to_thread.run_sync(offices.store_logo, files, data_bytes)
            data["logo_path"], data["logo_sha256"] = stored.path, stored.sha256


class OfficeSignerView(DtksModelView, model=OfficeSigner):
    name = "Penandatangan"
    name_plural = "Penandatangan"
    icon = "fa-solid fa-signature"
    category = "Administrasi"

    column_list = [OfficeSigner.region_code, OfficeSigner.duty, OfficeSigner.name, OfficeSigner.title,
                   OfficeSigner.nip]  # fmt: skip
    column_details_list = [*column_list, OfficeSigner.rank]
    column_labels = SIGNER_LABELS
    column_default_sort = [(OfficeSigner.region_code, False)]
    form_columns = [OfficeSigner.profile, OfficeSigner.duty, OfficeSigner.name, OfficeSigner.title,
                    OfficeSigner.rank, OfficeSigner.nip]  # fmt: skip
    form_args = {"rank": {"validators": [validators.Optional()]}, "nip": {"validators": [validators.Optional()]}}

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        """A signer of an office that has a profile, inside the official's scope; a NIP in its PP 11/2017 shape."""
        chosen = data.get("profile")
        code = str(getattr(chosen, "region_code", chosen) or "").strip()
        duty_text = _text(data, "duty")
        duty = next((duty for duty in SignerDuty if duty.value == duty_text), None)
        nip = _text(data, "nip")
        data.update(name=_text(data, "name"), title=_text(data, "title"), rank=_text(data, "rank"))
        data["nip"] = nip or None
        refusal = signer_refusal(duty, data["name"], data["title"], nip)
        if refusal:
            raise ValueError(refusal)
        if not actor_of(request).scope.holds(code):  # "00", the ministry's, is held by national roles only
            raise ValueError("Wilayah di luar wilayah tugas Anda.")

        def has_profile() -> bool:
            with self.session_maker() as session:
                return session.get(OfficeProfile, code) is not None

        if not await anyio.to_thread.run_sync(has_profile):
            raise ValueError(f"Belum ada profil kantor untuk wilayah {code}; isi Profil Kantor lebih dulu.")
