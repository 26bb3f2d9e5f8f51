"""List filters that run no query over the scoped tables (sqladmin's own list every distinct value)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import anyio
from sqlalchemy import Select, select
from starlette.requests import Request

from models.base import LabelledEnum
from models.region import Region, within_region
from models.region_codes import is_region_code, is_within, parent_of

ALL = "__all"
ALL_LABEL = "Semua"


class ChoiceFilter:
    """Filter on a column by a fixed list of (value, label) pairs."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"

    def __init__(self, column: Any, choices: list[tuple[str, str]], title: str, parameter_name: str) -> None:
        self.column = column
        self.choices = choices
        self.title = title
        self.parameter_name = parameter_name

    @classmethod
    def for_enum(cls, column: Any, enum_class: type[LabelledEnum], title: str) -> ChoiceFilter:
        return cls(column, enum_class.choices(), title, column.key)

    async def lookups(self, request: Request, model: Any, run_query: Callable[[Select], Any]) -> list[tuple[str, str]]:
        return [(ALL, ALL_LABEL), *self.choices]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        allowed = {choice for choice, _ in self.choices}
        if value in allowed:
            return query.where(self.column == _typed(self.column, value))
        return query


def _typed(column: Any, value: str) -> Any:
    python_type = getattr(column.type, "python_type", str)
    return int(value) if python_type is int else value


class RegionFilter:
    """Filter by region: offers the children of the user's scope (or of the region already chosen).

    The values come from the small `region` table by parent code, never from the filtered table.
    """

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"

    def __init__(self, column: Any, title: str = "Wilayah", parameter_name: str = "wilayah") -> None:
        self.column = column
        self.title = title
        self.parameter_name = parameter_name

    async def lookups(self, request: Request, model: Any, run_query: Callable[[Select], Any]) -> list[tuple[str, str]]:
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

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if isinstance(value, str) and is_region_code(value):
            return query.where(within_region(self.column, value))
        return query


def _user_scope(request: Request) -> str | None:
    user = getattr(request.state, "user", None)
    return getattr(user, "scope_region_code", None)


class OverdueFilter:
    """The "Tenggat" filter: proposals past the target of their status ("Terlambat"), by chain.deadlines' SQL."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"

    def __init__(
        self, session_maker: Callable[[], Any], title: str = "Tenggat", parameter_name: str = "tenggat"
    ) -> None:
        self.session_maker = session_maker
        self.title = title
        self.parameter_name = parameter_name

    async def lookups(self, request: Request, model: Any, run_query: Callable[[Select], Any]) -> list[tuple[str, str]]:
        return [(ALL, ALL_LABEL), ("terlambat", "Terlambat")]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if value != "terlambat":
            return query
        from chain.deadlines import overdue_condition, step_targets

        def load() -> dict[str, int]:
            with self.session_maker()() as session:
                return step_targets(session)

        targets = await anyio.to_thread.run_sync(load)
        return query.where(overdue_condition(targets, datetime.now(UTC).date()))
