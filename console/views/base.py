"""The base every console view shares: Indonesian forms, search by NIK/KK/name, friendly refusals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqladmin import ModelView
from sqladmin.flash import Flash
from sqladmin.formatters import BASE_FORMATTERS
from sqlalchemy import ColumnElement, Select, false, or_
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from wtforms import Form

from console.errors import RefusedChange, database_error_message
from console.forms import DtksModelConverter, localise_pickers, prefill_from_query
from console.i18n import LocalisedForm
from models.base import LabelledEnum

IDENTITY_LENGTH = 16


def digit_prefix_range(column: Any, digits: str) -> ColumnElement[bool]:
    """`column` starts with `digits`, written as a range so the b-tree index serves it on both engines."""
    upper = digits[:-1] + chr(ord(digits[-1]) + 1)
    return (column >= digits) & (column < upper)


class DtksModelView(ModelView):
    """Configuration shared by every view; subclasses stay declarations."""

    form_base_class = LocalisedForm
    form_converter = DtksModelConverter
    # Dates as Indonesian offices write them (DD-MM-YYYY); times in UTC as stored.
    column_type_formatters: ClassVar = {
        **BASE_FORMATTERS,
        datetime: lambda value: value.strftime("%d-%m-%Y %H:%M"),
        date: lambda value: value.strftime("%d-%m-%Y"),
    }
    column_type_formatters_detail: ClassVar = column_type_formatters
    page_size = 25
    page_size_options: ClassVar[list[int]] = [25, 50, 100]
    # sqladmin's CSV/JSON export ignores the list's filters and holds every row in memory: off until the
    # streamed .xlsx export replaces it.
    can_export = False
    # Columns searched by the search box: identity numbers by exact/prefix match, names by substring.
    search_identity_columns: ClassVar[list[Any]] = []
    search_name_columns: ClassVar[list[Any]] = []
    search_hint: ClassVar[str] = ""
    # Fields a "Tambah ..." link may pre-fill through the query string.
    prefill_fields: ClassVar[set[str]] = set()

    def search_placeholder(self) -> str:
        return self.search_hint or "Cari"

    def search_conditions(self, term: str) -> list[ColumnElement[bool]]:
        if term.isdigit():
            if len(term) == IDENTITY_LENGTH:
                return [column == term for column in self.search_identity_columns]
            return [digit_prefix_range(column, term) for column in self.search_identity_columns]
        return [column.ilike(f"%{term}%") for column in self.search_name_columns]

    def search_query(self, stmt: Select, term: str) -> Select:
        conditions = self.search_conditions(term.strip())
        return stmt.where(or_(*conditions)) if conditions else stmt.where(false())

    async def scaffold_form(self, rules: list[Any] | None = None) -> type[Form]:
        form = localise_pickers(await super().scaffold_form(rules))
        return prefill_from_query(form, self.prefill_fields) if self.prefill_fields else form

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        try:
            return await super().insert_model(request, data)
        except DBAPIError as error:
            raise RefusedChange(database_error_message(error)) from error

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        try:
            return await super().update_model(request, pk, data)
        except DBAPIError as error:
            raise RefusedChange(database_error_message(error)) from error

    async def delete_model(self, request: Request, pk: Any) -> None:
        try:
            await super().delete_model(request, pk)
        except DBAPIError as error:
            raise RefusedChange(database_error_message(error, deleting=True)) from error

    async def get_list_value(self, obj: Any, prop: str, request: Request | None = None) -> tuple[Any, Any]:
        value, formatted = await super().get_list_value(obj, prop, request)
        return value, _label(formatted)

    async def get_detail_value(self, obj: Any, prop: str, request: Request | None = None) -> tuple[Any, Any]:
        value, formatted = await super().get_detail_value(obj, prop, request)
        return value, _label(formatted)


def _label(value: Any) -> Any:
    return value.label if isinstance(value, LabelledEnum) else value


def flash_warnings(request: Request, warnings: list[str]) -> None:
    for warning in warnings:
        Flash.warning(request, warning)
