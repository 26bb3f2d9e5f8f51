"""Desa Dampingan PKH: the villages a pendamping PKH is assigned to (models/pendamping.py), kept by Dinsos.

A pendamping reads the kecamatan and records the ground check only in these villages (policies/scope.py). The form
takes a pendamping and a village of their kecamatan; anything else is refused with its reason.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from console.authorization import actor_of
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from models import PendampingVillage, User
from models.pendamping import assignment_refusal

ASSIGNMENT_LABELS: ColumnLabels = {
    "user": "Pendamping PKH",
    "region": "Desa/kelurahan dampingan",
    "region_code": "Kode desa",
    "created_at": "Ditugaskan",
    "updated_at": "Diubah",
}


def _key(value: Any, attribute: str) -> str:
    """The key an ajax field hands over: the related row's own, or the typed primary key."""
    return str(getattr(value, attribute, value) or "").strip()


class PendampingVillageView(DtksModelView, model=PendampingVillage):
    name = "Desa Dampingan PKH"
    name_plural = "Desa Dampingan PKH"
    icon = "fa-solid fa-people-arrows"
    category = "Administrasi"

    column_list = [PendampingVillage.user, PendampingVillage.region_code, PendampingVillage.region]
    column_details_list = [*column_list, PendampingVillage.created_at]
    column_labels = ASSIGNMENT_LABELS
    column_default_sort = [(PendampingVillage.region_code, False)]
    form_columns = [PendampingVillage.user, PendampingVillage.region]
    form_ajax_refs = {
        "user": {"fields": ("username", "full_name"), "order_by": "username", "limit": 20},
        "region": {"fields": ("code", "name"), "order_by": "code", "limit": 20},
    }

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        """A pendamping PKH and a village of their kecamatan, inside the official's own region."""
        user_id, village = _key(data.get("user"), "id"), _key(data.get("region"), "code")
        user = None
        if user_id.isdigit():
            with self.session_maker() as session:
                user = session.get(User, int(user_id))
        refusal = assignment_refusal(user, village or None)
        if refusal:
            raise ValueError(refusal)
        if not actor_of(request).scope.holds(village):
            raise ValueError("Desa di luar wilayah tugas Anda.")
