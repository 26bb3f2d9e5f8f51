"""List filters that run no query over the scoped tables (sqladmin's own list every distinct value)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import anyio
from sqlalchemy import Select, select
from starlette.requests import Request

from console.sqladmin_door import NO_DEFAULT_VALUE
from models.base import LabelledEnum
from models.region import Region, within_region
from models.region_codes import is_region_code, is_within, parent_of
from policies.scope import acting_scope

RunQuery = Callable[[Select[*tuple[Any, ...]]], Any]  # what sqladmin hands a filter to run a statement with
ALL = "__all"
ALL_LABEL = "Semua"


class LookupFilter(ABC):
    """What sqladmin's simple filter protocol asks of our filters: a title, a parameter, a list of links."""

    has_operator = False
    default_value: Any = NO_DEFAULT_VALUE  # applied only when the query string names a value
    template = "sqladmin/filters/lookup_filter.html"
    title: str
    parameter_name: str

    @abstractmethod
    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        """The (value, label) links of the filter, "Semua" first."""

    @abstractmethod
    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        """`query` narrowed to `value`, or `query` itself for a value the filter does not offer."""


class ChoiceFilter(LookupFilter):
    """Filter on a column by a fixed list of (value, label) pairs."""

    def __init__(self, column: Any, choices: list[tuple[str, str]], title: str, parameter_name: str) -> None:
        self.column = column
        self.choices = choices
        self.title = title
        self.parameter_name = parameter_name

    @classmethod
    def for_enum(cls, column: Any, enum_class: type[LabelledEnum], title: str) -> ChoiceFilter:
        return cls(column, enum_class.choices(), title, column.key)

    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        return [(ALL, ALL_LABEL), *self.choices]

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        allowed = {choice for choice, _ in self.choices}
        if value in allowed:
            return query.where(self.column == _typed(self.column, value))
        return query


def list_filters(labels: Mapping[Any, str], *columns: Any) -> list[LookupFilter]:
    """A list's filters: the `region_code` column by region, an enum column by its members titled with the view's
    label of it (`labels`, the view's column_labels); a filter given as such is taken as it is."""
    return [_filter_of(labels, column) for column in columns]


def _filter_of(labels: Mapping[Any, str], column: Any) -> LookupFilter:
    if isinstance(column, LookupFilter):
        return column
    if column.key == "region_code":
        return RegionFilter(column)
    return ChoiceFilter.for_enum(column, column.type.enum_class, labels[column.key])


def _typed(column: Any, value: str) -> Any:
    python_type = getattr(column.type, "python_type", str)
    return int(value) if python_type is int else value


class RegionFilter(LookupFilter):
    """Filter by region: offers the children of the user's scope (or of the region already chosen).

    The values come from the small `region` table by parent code, never from the filtered table.
    """

    def __init__(self, column: Any, title: str = "Wilayah", parameter_name: str = "wilayah") -> None:
        self.column = column
        self.title = title
        self.parameter_name = parameter_name

    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        scope = _user_scope(request)
        chosen = request.query_params.get(self.parameter_name, "")
        base = chosen if is_region_code(chosen) and (scope is None or is_within(chosen, scope)) else scope
        statement = select(Region.code, Region.name).order_by(Region.code)
        statement = statement.where(Region.parent_code == base) if base else statement.where(Region.level == 1)
        rows = await run_query(statement)
        options = [(ALL, ALL_LABEL)]
        if base and base != scope:
            upper = parent_of(base)
            if upper and (scope is None or is_within(upper, scope)):
                options.append((upper, "↑ naik satu tingkat"))
            options.append((base, f"{base} (terpilih)"))
        return options + [(code, f"{code} {name}") for code, name in rows]

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        if isinstance(value, str) and is_region_code(value):
            return query.where(within_region(self.column, value))
        return query


def _user_scope(request: Request) -> str | None:
    user = getattr(request.state, "user", None)
    return getattr(user, "scope_region_code", None)


class OverdueFilter(LookupFilter):
    """The "Tenggat" filter: proposals past the target of their status ("Terlambat"), by chain.deadlines' SQL."""

    def __init__(
        self, session_maker: Callable[[], Any], title: str = "Tenggat", parameter_name: str = "tenggat"
    ) -> None:
        self.session_maker = session_maker
        self.title = title
        self.parameter_name = parameter_name

    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        return [(ALL, ALL_LABEL), ("terlambat", "Terlambat")]

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        if value != "terlambat":
            return query
        from chain.deadlines import Deadlines, load_deadlines

        today, scope = datetime.now(UTC).date(), acting_scope()

        def load() -> Deadlines:
            with self.session_maker()() as session:
                return load_deadlines(session, scope, today)

        deadlines = await anyio.to_thread.run_sync(load)
        return query.where(deadlines.condition(today))
