"""Administrasi: users, the region reference, and the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, cast, or_, select
from starlette.requests import Request
from wtforms import Form, PasswordField, SelectField, validators

from chain.audit import ANONYMOUS_ACTOR, SYSTEM_ACTOR
from console import audit_words
from console.local_time import local_time
from console.search import contains
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView, ReadOnly
from console.views.filters import ChoiceFilter, RegionFilter, list_filters
from console.views.households import REQUIRED
from models import AuditEntry, PolicyRule, Region, Role, User
from models.base import table_of
from models.passwords import password_problems
from models.region_codes import RegionLevel, level_of

RESOURCE_SHAPE = validators.Regexp(
    r"^(\*|[a-z_][a-z0-9_-]*(:[a-z0-9_-]+)?)$", message="Huruf kecil, angka, - dan _ saja (atau *)."
)

USER_LABELS: ColumnLabels = {
    "username": "Nama pengguna",
    "full_name": "Nama lengkap",
    "role": "Peran",
    "scope_region": "Wilayah tugas",
    "is_active": "Aktif",
    "last_login_at": "Terakhir masuk",
    "created_at": "Dibuat",
    "updated_at": "Diubah",
}


def scope_level_problem(role: Role, scope_code: str | None) -> str | None:
    """The message when a scope region does not fit the role's tier, else None."""
    wanted = role.scope_level
    if wanted is None:
        return None if not scope_code else f"Peran {role.label} berlaku nasional: kosongkan wilayah tugas."
    if not scope_code or level_of(scope_code) != wanted:
        return f"Peran {role.label} harus diberi wilayah tugas tingkat {RegionLevel(wanted).label}."
    return None


class UserView(DtksModelView, model=User):
    name = "Pengguna"
    icon = "fa-solid fa-user-shield"
    category = "Administrasi"

    column_list = [
        User.username,
        User.full_name,
        User.role,
        User.scope_region,
        User.is_active,
        User.last_login_at,
    ]
    column_details_exclude_list = [User.password_hash, User.id, User.scope_region_code]
    column_labels = USER_LABELS
    column_searchable_list = [User.username]
    search_name_columns = [User.username, User.full_name]
    search_hint = "Nama pengguna atau nama lengkap"
    column_filters = list_filters(column_labels, User.role)
    form_columns = [User.username, User.full_name, User.role, User.scope_region, User.is_active]
    form_ajax_refs = {"scope_region": {"fields": ("code", "name"), "order_by": "code", "limit": 20}}
    form_args = {
        "username": {"validators": [REQUIRED]},
        "full_name": {"validators": [REQUIRED]},
        "scope_region": {"description": "Kosong untuk Pusdatin dan admin."},
    }

    async def scaffold_form(self, rules: list[Any] | None = None) -> type[Form]:
        base = await super().scaffold_form(rules)
        password = PasswordField(
            "Kata sandi",
            description="Minimal 10 karakter. Pada ubah data, kosongkan bila tidak diganti.",
        )
        return type("UserForm", (base,), {"password": password})

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        password = data.pop("password", "") or ""
        role = Role(data["role"]) if data.get("role") else None
        problem = scope_level_problem(role, data.get("scope_region") or None) if role else None
        if problem:
            raise ValueError(problem)
        if is_created or password:
            problems = password_problems(
                password, username=str(data.get("username") or ""), full_name=str(data.get("full_name") or "")
            )
            if problems:
                raise ValueError(" ".join(problems))
            model.set_password(password)


class RegionView(ReadOnly, DtksModelView, model=Region):
    name = "Wilayah"
    name_plural = "Wilayah (Kemendagri)"
    icon = "fa-solid fa-map-location-dot"
    category = "Administrasi"

    column_list = [Region.code, Region.name, Region.level, Region.parent]
    column_labels = {
        "code": "Kode",
        "name": "Nama",
        "level": "Tingkat",
        "parent": "Induk",
        "parent_code": "Kode induk",
    }
    column_formatters = {"level": lambda region, _: RegionLevel(region.level).label}
    column_sortable_list = [Region.code, Region.name]
    column_default_sort = [(Region.code, False)]
    column_searchable_list = [Region.name]
    search_name_columns = [Region.name, Region.code]
    search_hint = "Nama atau kode wilayah"
    column_filters = [
        ChoiceFilter(Region.level, [(str(level.value), level.label) for level in RegionLevel], "Tingkat", "level"),
        RegionFilter(Region.code, title="Di dalam wilayah", parameter_name="di_dalam"),
    ]


class AuditEntryView(ReadOnly, DtksModelView, model=AuditEntry):
    name = "Jejak Audit"
    icon = "fa-solid fa-list-check"
    category = "Administrasi"

    column_list = [
        AuditEntry.at,
        AuditEntry.actor_name,
        AuditEntry.action,
        AuditEntry.object_type,
        AuditEntry.object_id,
        AuditEntry.region_code,
        AuditEntry.ip,
        AuditEntry.message,
    ]
    column_labels = {
        "at": "Waktu",
        "actor_name": "Pelaku",
        "actor_id": "ID pelaku",
        "action": "Tindakan",
        "object_type": "Jenis data",
        "object_id": "ID data",
        "region_code": "Kode wilayah",
        "ip": "Alamat IP",
        "request_id": "ID permintaan",
        "before": "Sebelum",
        "after": "Sesudah",
        "message": "Keterangan",
    }
    column_default_sort = [(AuditEntry.id, True)]
    column_filters = list_filters(column_labels, AuditEntry.region_code, AuditEntry.action)
    # A district head reads the entries of their regency (and below); admin, being national, reads all.
    # The Column, not the ORM attribute: a mapped attribute on a view class would act as a descriptor.
    scope_column = table_of(AuditEntry).c.region_code
    column_searchable_list = [AuditEntry.actor_name]
    search_hint = "Nama pengguna atau nama lengkap pelaku"
    column_formatters = {
        "at": lambda entry, _: local_time(entry.at),
        "object_type": lambda entry, _: audit_words.kind_of(entry.object_type),
    }
    column_formatters_detail = column_formatters
    # Before/after are shown by the template as a table of changes and as JSON (autoescaped, never Markup).
    column_details_exclude_list = [AuditEntry.before, AuditEntry.after, AuditEntry.regency_code]
    details_template = "audit_entry_details.html"

    def search_conditions(self, term: str) -> list[ColumnElement[bool]]:
        """Entries by the users whose username or full name contains `term`, and entries about their accounts.

        Resolved through the small user table to the indexed actor_id and (object_type, object_id): a substring
        match over a million audit rows is a full scan (1.3 s on PostgreSQL, bench/audit_scale.py). The actors
        without an account ("sistem", "anonim") are found by their exact name.
        """
        matching = or_(contains(User.username, term), contains(User.full_name, term))
        conditions: list[ColumnElement[bool]] = [
            AuditEntry.actor_id.in_(select(User.id).where(matching)),
            (AuditEntry.object_type == User.__tablename__)
            & AuditEntry.object_id.in_(select(cast(User.id, String)).where(matching)),
        ]
        if term in (SYSTEM_ACTOR, ANONYMOUS_ACTOR):
            conditions.append(AuditEntry.actor_id.is_(None) & (AuditEntry.actor_name == term))
        return conditions

    def changes(self, entry: AuditEntry) -> list[audit_words.Change]:
        """Every field either snapshot holds, labelled as on its form and in words (console/audit_words.py)."""
        return audit_words.changes(entry.object_type, entry.before, entry.after)

    def pretty_json(self, snapshot: dict[str, Any] | None) -> str:
        return audit_words.pretty_json(snapshot)


POLICY_LABELS: ColumnLabels = {"subject": "Peran", "resource": "Sumber daya", "action": "Tindakan", "ptype": "Jenis"}


class PolicyRuleView(DtksModelView, model=PolicyRule):
    name = "Kebijakan Akses"
    name_plural = "Kebijakan Akses (casbin)"
    icon = "fa-solid fa-key"
    category = "Administrasi"

    column_list = [PolicyRule.subject, PolicyRule.resource, PolicyRule.action]
    column_labels = POLICY_LABELS
    column_sortable_list = [PolicyRule.subject, PolicyRule.resource]
    column_default_sort = [(PolicyRule.subject, False), (PolicyRule.resource, False)]
    column_searchable_list = [PolicyRule.resource]
    search_name_columns = [PolicyRule.resource, PolicyRule.action]
    search_hint = "Sumber daya atau tindakan"
    column_filters = [ChoiceFilter.for_enum(PolicyRule.subject, Role, "Peran")]
    form_columns = [PolicyRule.subject, PolicyRule.resource, PolicyRule.action]
    form_overrides = {"subject": SelectField}
    form_args = {
        "subject": {"choices": Role.choices(), "validators": [REQUIRED]},
        "resource": {
            "validators": [REQUIRED, RESOURCE_SHAPE],
            "description": "Identitas tampilan (mis. household), nik, bnba, atau *.",
        },
        "action": {
            "validators": [REQUIRED, RESOURCE_SHAPE],
            "description": "list, details, create, edit, delete, export, import, view_full, action:<nama>, atau *.",
        },
    }
