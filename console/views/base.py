"""The base every console view shares: Indonesian forms, search by NIK/KK/name, friendly refusals."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

import anyio
from sqladmin import ModelView
from sqladmin.ajax import QueryAjaxModelLoader
from sqladmin.authorization import Action
from sqladmin.flash import Flash
from sqladmin.formatters import BASE_FORMATTERS
from sqladmin.helpers import get_object_identifier
from sqlalchemy import ColumnElement, Select, false, inspect, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from wtforms import Form

from console.audit_events import AuditedLookups
from console.authorization import actor_of, may
from console.errors import RefusedChange, database_error_message
from console.forms import DtksModelConverter, localise_pickers, prefill_from_query
from console.i18n import LocalisedForm
from console.identifiers import identifier_values
from console.local_time import local_time
from console.search import LiteralLookup, SearchByPost, contains
from console.sqladmin_door import (
    DeepPagesByKey,
    IdentifierCheck,
    ListedCell,
    PluralIsName,
    RowUrlsOnce,
    delete_url,
    list_cells,
    listed_statement,
    replace_ajax_lookups,
    row_url,
)
from console.views.exports import list_page_downloads
from console.views.list_export import StreamedXlsxExport
from database.counting import RowCount, count_rows
from models import Household
from models.base import LabelledEnum
from models.finality import RecordFixed
from models.finality_rows import GOVERNED_MODELS, Finality, finality_of, finality_of_rows
from models.identity import mask_identity_number
from policies.scope import Scope

IDENTITY_LENGTH = 16
LIST_EXPORTABLE = "dtks_list_exportable"  # request.state: whether the list page offers its export
LISTED_ROWS = "dtks_listed_rows"  # request.state: the list page's rows, worked out before it renders
DETAILS_READ = "dtks.details_read"  # request.scope: the details page's row, read once per request
FINALITY_CACHE = "dtks_finality"  # request.state: the finality of rows this request asked about, by identity and pk
UNFIXED = Finality()


def digit_prefix_range(column: Any, digits: str) -> ColumnElement[bool]:
    """`column` starts with `digits`, written as a range so the b-tree index serves it on both engines."""
    upper = digits[:-1] + chr(ord(digits[-1]) + 1)
    return (column >= digits) & (column < upper)


@dataclass(frozen=True)
class ListedRow:
    """One row of a list page: its identifier, the links its buttons open (None: no button), the finality
    rule's locks (a reason instead of the Edit/Delete button) and its cells."""

    pk: str
    details: str | None
    edit: str | None
    delete: str | None
    fixed: Finality
    cells: builtins.list[ListedCell]


class EstimatedCount(int):
    """A list's count that is the planner's estimate (database/counting.py): the page says "sekitar 1.234.567"."""

    def __str__(self) -> str:
        return "sekitar " + f"{int(self):,}".replace(",", ".")


class DtksModelView(
    AuditedLookups,
    SearchByPost,
    StreamedXlsxExport,
    IdentifierCheck,
    RowUrlsOnce,
    DeepPagesByKey,
    ModelView,
    metaclass=PluralIsName,
):
    """Configuration shared by every view; subclasses stay declarations (`name_plural` only where it is not `name`)."""

    # sqladmin types it as sync or async; the console builds its Admin with a sync one (console/app.py).
    session_maker: ClassVar[sessionmaker[Session]]
    form_base_class = LocalisedForm
    form_converter = DtksModelConverter
    # Dates as Indonesian offices write them (DD-MM-YYYY); times in the reader's zone (console/local_time.py).
    column_type_formatters = {
        **BASE_FORMATTERS,
        datetime: local_time,
        date: lambda value: value.strftime("%d-%m-%Y"),
    }
    column_type_formatters_detail = column_type_formatters
    page_size = 25
    edit_template = "dtks_edit.html"  # sqladmin's, with the finality note of a partly decided row
    page_size_options: ClassVar[list[int]] = [25, 50, 100]
    # The list's Export button downloads the filtered, scoped, streamed .xlsx (console/views/list_export.py),
    # not sqladmin's CSV/JSON, which ignores the list's filters and holds every row in memory.
    # Columns searched by the search box: identity numbers by exact/prefix match, names by substring.
    search_identity_columns: ClassVar[list[Any]] = []
    search_name_columns: ClassVar[list[Any]] = []
    search_hint: ClassVar[str] = ""
    # Fields a "Tambah ..." link may pre-fill through the query string.
    prefill_fields: ClassVar[set[str]] = set()
    # The region column the scope filter applies to. Every model with a `region_code` is scoped by it
    # unless a view names another column; models without one (regions, users, rules) are national data.
    scope_column: Any = None
    # NIK / No. KK columns shown masked to roles without ("nik", "view_full").
    identity_columns: ClassVar[set[str]] = set()

    def __init__(self) -> None:
        super().__init__()
        if self.scope_column is None:
            self.scope_column = getattr(self.model, "region_code", None)
        replace_ajax_lookups(self, _scoped_literal_lookup)

    # --- region scope on every path: list and count, details, edit, delete, ajax lookups ---

    def scope_for(self, request: Request) -> Scope:
        return actor_of(request).scope

    def _scoped(self, stmt: Select[Any], request: Request) -> Select[Any]:
        if self.scope_column is None:
            return stmt
        return stmt.where(self.scope_for(request).condition(self.scope_column))

    def list_query(self, request: Request) -> Select[Any]:
        return self._scoped(super().list_query(request), request)

    def details_query(self, request: Request) -> Select[Any]:
        return self._scoped(super().details_query(request), request)

    def form_edit_query(self, request: Request) -> Select[Any]:
        return self._scoped(super().form_edit_query(request), request)

    async def get_object_for_details(self, request: Request) -> Any:
        """The details page's row, read once per request: sqladmin reads it for `check_can_view_details` and
        again to render, each time with every relation the page shows (7 statements for a household)."""
        read: dict[tuple[str, Any], Any] = request.scope.setdefault(DETAILS_READ, {})
        key = (self.identity, request.path_params.get("pk"))
        if key not in read:
            read[key] = await super().get_object_for_details(request)
        return read[key]

    def check_identifier(self, identifier: str) -> None:
        # Every details, edit and delete lookup comes here: "abc", "1.5", "%00" or 30 digits name no row (404).
        if identifier_values(self.model, identifier) is None:
            raise HTTPException(status_code=404)

    def _row_in_scope(self, request: Request, model: Any) -> None:
        """Out of scope, or not found through the scoped query: 404 (never 403, no existence oracle)."""
        if model is None:
            raise HTTPException(status_code=404)
        if self.scope_column is not None:
            if not self.scope_for(request).holds(getattr(model, self.scope_column.key)):
                raise HTTPException(status_code=404)

    async def check_can_view_details(self, request: Request, model: Any) -> bool:
        self._row_in_scope(request, model)
        return await super().check_can_view_details(request, model)

    async def check_can_edit(self, request: Request, model: Any) -> bool:
        self._row_in_scope(request, model)
        return await super().check_can_edit(request, model) and await self._not_fixed(request, model, Action.EDIT)

    async def check_can_delete(self, request: Request, model: Any) -> bool:
        # sqladmin asks this for every pk of a bulk delete before deleting any: one fixed row deletes nothing.
        self._row_in_scope(request, model)
        return await super().check_can_delete(request, model) and await self._not_fixed(request, model, Action.DELETE)

    # --- finality (models/finality.py): decided rows show no working Edit/Delete, and refuse both ---

    async def row_finality(self, request: Request, model: Any) -> Finality:
        """The finality rule's answers for a row of this view (templates call this too); cached per request."""
        if model is None or self.model not in GOVERNED_MODELS:
            return UNFIXED
        identity = inspect(model).identity
        cache: dict[tuple[str, Any], Finality] = getattr(request.state, FINALITY_CACHE, None) or {}
        setattr(request.state, FINALITY_CACHE, cache)
        if (self.identity, identity) not in cache:

            def load() -> Finality:
                with self.session_maker() as session:
                    row = session.get(self.model, identity)
                    return finality_of(session, row) if row is not None else UNFIXED

            cache[self.identity, identity] = await anyio.to_thread.run_sync(load)
        return cache[self.identity, identity]

    async def _not_fixed(self, request: Request, model: Any, action: str) -> bool:
        """True, or a 409 with the rule's message when the row is decided for `action` (edit, delete); the error page
        (console/templates/sqladmin/error.html) shows it with the way back to the row."""
        finality = await self.row_finality(request, model)
        reason = finality.edit if action == Action.EDIT else finality.delete
        if reason:
            request.state.finality_back = str(row_url(self, "admin:details", request, model))
            raise HTTPException(status_code=409, detail=reason)
        return True

    def offers(self, request: Request, action: str) -> bool:
        """Whether this user would see the Edit / Delete button of a row (to show it disabled on a fixed one)."""
        flag = self.can_edit if action == Action.EDIT else self.can_delete
        return flag and self.has_permission(request, action)

    def may_correct(self, request: Request) -> bool:
        """Whether this user may open a correction proposal (the fixed proposal's "Buat usulan perbaikan")."""
        return may(request, "proposal", "create")

    async def count(self, request: Request, stmt: Select[Any] | None = None) -> int:
        """Every list's count through database/counting.py: unordered, exact up to 10,000 rows, beyond that on
        PostgreSQL the planner's estimate (a national page never counts half a million rows)."""
        listed = listed_statement(stmt) if stmt is not None else None
        if listed is None:
            return await super().count(request, stmt)

        def run() -> RowCount:
            with self.session_maker() as session:
                return count_rows(session, listed)

        counted = await anyio.to_thread.run_sync(run)
        return counted.rows if counted.exact else EstimatedCount(counted.rows)

    async def list(self, request: Request) -> Any:
        pagination = await super().list(request)
        if self.model in GOVERNED_MODELS and pagination.rows:
            await self._remember_finality(request, pagination.rows)
        setattr(request.state, LISTED_ROWS, [await self._listed_row(request, row) for row in pagination.rows])
        setattr(request.state, LIST_EXPORTABLE, self.can_export and await self.check_can_export(request))
        return pagination

    async def _listed_row(self, request: Request, row: Any) -> ListedRow:
        """What the list shows of `row`, worked out before the page renders (the template is not async)."""
        fixed = await self.row_finality(request, row)
        viewable = await self.check_can_view_details(request, row)
        editable = not fixed.edit and await self.check_can_edit(request, row)
        deletable = not fixed.delete and await self.check_can_delete(request, row)
        return ListedRow(
            pk=str(get_object_identifier(row)),
            details=str(row_url(self, "admin:details", request, row)) if viewable else None,
            edit=str(row_url(self, "admin:edit", request, row)) if editable else None,
            delete=delete_url(self, request, row) if deletable else None,
            fixed=fixed,
            cells=await list_cells(self, request, row),
        )

    def list_exportable(self, request: Request) -> bool:
        """Whether the list page offers its .xlsx export (`check_can_export`, asked by `list`)."""
        return bool(getattr(request.state, LIST_EXPORTABLE, False))

    def listed_rows(self, request: Request) -> builtins.list[ListedRow]:
        """The page's rows as `list` worked them out (console/templates/sqladmin/list.html, block dtks_rows)."""
        return list(getattr(request.state, LISTED_ROWS, []))

    async def _remember_finality(self, request: Request, rows: builtins.list[Any]) -> None:
        """The page's rows asked in one session (the list shows a lock on each decided row)."""
        identities = [inspect(row).identity for row in rows]
        cache = getattr(request.state, FINALITY_CACHE, None) or {}
        setattr(request.state, FINALITY_CACHE, cache)
        if not (self.offers(request, Action.EDIT) or self.offers(request, Action.DELETE)):
            cache.update({(self.identity, identity): UNFIXED for identity in identities})  # no button to lock
            return

        def load() -> dict[tuple[str, Any], Finality]:
            with self.session_maker() as session:
                keys: tuple[Any, ...] = tuple(inspect(self.model).primary_key)
                by_identity: dict[Any, Any] = {}
                # The page's rows in one query, held here: the identity map keeps only what is referenced.
                if len(keys) == 1:
                    wanted: Select[Any] = select(self.model).where(keys[0].in_([key[0] for key in identities]))
                    by_identity = {inspect(row).identity: row for row in session.scalars(wanted)}
                found = [row for key in identities if (row := by_identity.get(key) or session.get(self.model, key))]
                return {
                    (self.identity, inspect(row).identity): answer
                    for row, answer in zip(found, finality_of_rows(session, found), strict=True)
                }

        cache.update(await anyio.to_thread.run_sync(load))

    async def edit_context(self, request: Request) -> dict[str, Any]:
        context = await super().edit_context(request)
        model = await self.get_object_for_edit(request)
        note = (await self.row_finality(request, model)).note if model is not None else None
        return {**context, "finality_note": note}

    def shows_full_identity(self, request: Request) -> bool:
        return may(request, "nik", "view_full")

    def identity_text(self, request: Request, number: str | None) -> str:
        """A NIK or No. KK as this user may see it (templates call this too)."""
        return (number or "") if self.shows_full_identity(request) else mask_identity_number(number)

    def export_downloads(self, request: Request) -> builtins.list[tuple[str, str]]:
        """(label, URL) of the one-click downloads shown on this list page (console/views/exports.py)."""
        return list_page_downloads(request, self.identity)

    def search_placeholder(self) -> str:
        return self.search_hint or "Cari"

    def search_conditions(self, term: str) -> builtins.list[ColumnElement[bool]]:
        if term.isdigit():
            if len(term) == IDENTITY_LENGTH:
                return [column == term for column in self.search_identity_columns]
            return [digit_prefix_range(column, term) for column in self.search_identity_columns]
        return [contains(column, term) for column in self.search_name_columns]

    def search_query(self, stmt: Select[Any], term: str) -> Select[Any]:
        conditions = self.search_conditions(term.strip())
        return stmt.where(or_(*conditions)) if conditions else stmt.where(false())

    async def scaffold_form(self, rules: builtins.list[Any] | None = None) -> type[Form]:
        form = localise_pickers(await super().scaffold_form(rules))
        return prefill_from_query(form, self.prefill_fields) if self.prefill_fields else form

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        try:
            return await super().insert_model(request, data)
        except DBAPIError as error:
            raise RefusedChange(database_error_message(error)) from error
        except RecordFixed as refusal:  # the flush guard: a child of a decided record
            raise RefusedChange(str(refusal)) from refusal

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        try:
            return await super().update_model(request, pk, data)
        except DBAPIError as error:
            raise RefusedChange(database_error_message(error)) from error
        except RecordFixed as refusal:  # e.g. what a Musdes decided, changed on a partly fixed proposal
            raise RefusedChange(str(refusal)) from refusal

    async def delete_model(self, request: Request, pk: Any) -> None:
        try:
            await super().delete_model(request, pk)
        except DBAPIError as error:
            raise RefusedChange(database_error_message(error, deleting=True)) from error
        except RecordFixed as refusal:
            raise RefusedChange(str(refusal)) from refusal

    async def get_list_value(self, obj: Any, prop: str, request: Request | None = None) -> tuple[Any, Any]:
        value, formatted = await super().get_list_value(obj, prop, request)
        return self._shown(request, prop, value, formatted)

    async def get_detail_value(self, obj: Any, prop: str, request: Request | None = None) -> tuple[Any, Any]:
        value, formatted = await super().get_detail_value(obj, prop, request)
        return self._shown(request, prop, value, formatted)

    def _shown(self, request: Request | None, prop: str, value: Any, formatted: Any) -> tuple[Any, Any]:
        full = request is not None and self.shows_full_identity(request)
        if prop in self.identity_columns and not full:
            masked = mask_identity_number(value)
            return masked, masked
        if not full and isinstance(formatted, Household):
            # A link to a household names it by its No. KK: masked like the number itself.
            return value, f"KK {mask_identity_number(formatted.no_kk)}"
        return value, _label(formatted)


class ReadOnly:
    """A view of rows that the desks, the workflow or the system write: listed and shown, never typed in or removed."""

    can_create: ClassVar[bool] = False
    can_edit: ClassVar[bool] = False
    can_delete: ClassVar[bool] = False


def _scoped_literal_lookup(loader: QueryAjaxModelLoader) -> LiteralLookup:
    """An ajax picker of a view: narrowed to the user's scope, the typed term matched literally."""
    loader.where = _scoped_lookup(loader.model, loader.where)
    return LiteralLookup.replacing(loader)


def _scoped_lookup(model: type, where: Any) -> Any:
    """An ajax picker's `where`, narrowed to the user's scope on the picked model's region column."""
    column = _scope_column_of(model)

    def scoped(request: Request, term: str) -> list[ColumnElement[bool]]:
        clauses = list(where(request, term) if callable(where) else ([where] if where is not None else []))
        scope = actor_of(request).scope
        return clauses + ([scope.condition(column)] if column is not None else [])

    return scoped


def _scope_column_of(model: type) -> Any:
    from models import Region, User

    if model is Region:
        return Region.code
    if model is User:
        return User.scope_region_code
    return getattr(model, "region_code", None)


def _label(value: Any) -> Any:
    return value.label if isinstance(value, LabelledEnum) else value


def flash_warnings(request: Request, warnings: list[str]) -> None:
    for warning in warnings:
        Flash.warning(request, warning)
