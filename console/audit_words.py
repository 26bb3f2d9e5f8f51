"""The audit trail in words: which kind of record, which field, what it held before and after, as the pages name
them (each view's `name` and `column_labels`, the enums' Indonesian labels), instead of table names and JSON.

The words come from the views themselves (console/views/__init__.py ALL_VIEWS), so a field is named in the audit
trail exactly as on its form; a field no view labels keeps its column name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import inspect as sa_inspect

from models.base import LabelledEnum

EMPTY = "—"


@dataclass(frozen=True)
class Change:
    """One field of an audited record: its label, its value before and after in words, and whether it changed."""

    field: str
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class TableWords:
    """How the pages name one table: the record kind, its fields' labels, its enum columns' classes."""

    kind: str
    labels: Mapping[str, str]
    enums: Mapping[str, type[LabelledEnum]]


@cache
def _words() -> dict[str, TableWords]:
    from console.views import ALL_VIEWS  # the views import this module's users: read them when first asked

    words: dict[str, TableWords] = {}
    for view in ALL_VIEWS:
        model = getattr(view, "model", None)
        table = getattr(model, "__tablename__", None)
        if model is None or table is None or table in words:
            continue
        column_labels = getattr(view, "column_labels", None) or {}
        labels = {str(getattr(key, "key", key)): str(label) for key, label in column_labels.items()}
        enums: dict[str, type[LabelledEnum]] = {}
        for column in sa_inspect(model).columns:
            enum_class = getattr(column.type, "enum_class", None)
            if enum_class is not None and issubclass(enum_class, LabelledEnum):
                enums[column.key] = enum_class
        words[table] = TableWords(str(view.name), labels, enums)
    return words


def kind_of(object_type: str) -> str:
    """ "Usulan" for `proposal`: the record kind as the menu names it (the table name when no view shows it)."""
    found = _words().get(object_type)
    return found.kind if found is not None else object_type


def value_text(value: Any, enum_class: type[LabelledEnum] | None = None) -> str:
    """A snapshot's value as a page shows it: an enum by its label, yes/no, lists joined, nothing as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if enum_class is not None and isinstance(value, str):
        try:
            return enum_class(value).label
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(value_text(item, enum_class) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_text(item)}" for key, item in value.items())
    return str(value)


def changes(object_type: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[Change]:
    """Every field either snapshot holds, in the snapshot's order, labelled and in words."""
    before, after = before or {}, after or {}
    words = _words().get(object_type, TableWords(object_type, {}, {}))
    fields = [*before, *(field for field in after if field not in before)]
    return [
        Change(
            field,
            words.labels.get(field, field),
            value_text(before.get(field), words.enums.get(field)) if field in before else EMPTY,
            value_text(after.get(field), words.enums.get(field)) if field in after else EMPTY,
        )
        for field in fields
    ]


def pretty_json(snapshot: Mapping[str, Any] | None) -> str:
    return json.dumps(snapshot, ensure_ascii=False, indent=2) if snapshot is not None else ""
