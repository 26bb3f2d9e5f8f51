"""Declarative base, naming convention and the column helpers every aggregate shares."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    CursorResult,
    DateTime,
    Enum,
    Index,
    MetaData,
    Result,
    String,
    Table,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so migrations are stable and a violated constraint can be turned into a message.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

REGION_CODE_LENGTH = 13  # "35.15.01.2001", the longest (village) code


class Base(DeclarativeBase):
    """Base of every DTKS table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The model's Table: SQLAlchemy types `__table__` as any FromClause, a declarative model's is a Table."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def cursor_of(result: Result[*tuple[Any, ...]]) -> CursorResult[*tuple[Any, ...]]:
    """The CursorResult (rowcount, inserted primary key) of a Core INSERT, UPDATE or DELETE run through
    Session.execute, which is typed as returning any Result."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} is not the result of a Core DML statement")
    return result


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry their Indonesian label: `Sex.MALE.label == "Laki-laki"`."""

    label: str

    if TYPE_CHECKING:
        # Looking a member up by its stored value (`Sex("L")`) takes one argument; only the class body's
        # member definitions pass the label, and mypy reads calls, not definitions, against __new__.
        def __new__(cls, value: str) -> Self: ...

    else:

        def __new__(cls, value: str, label: str) -> LabelledEnum:
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def from_label_or_value(cls, text: str) -> LabelledEnum | None:
        wanted = text.strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        return None


def enum_column(enum_class: type[enum.StrEnum], *, name: str | None = None) -> Enum:
    """A VARCHAR column with a named CHECK constraint listing the enum's values (portable, no native ENUM)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        name=name or enum_class.__name__.lower(),
        validate_strings=True,
    )


def digits_check(column: str, length: int, *, nullable: bool = False) -> CheckConstraint:
    """CHECK that `column` is exactly `length` ASCII digits, written so SQLite and PostgreSQL agree.

    `length()` pins the size; the second clause refuses any character outside 0-9: replacing each
    digit by nothing must leave the empty string (REPLACE exists on both engines, unlike regexes).
    """
    stripped = column
    for digit in "0123456789":
        stripped = f"replace({stripped}, '{digit}', '')"
    condition = f"length({column}) = {length} AND {stripped} = ''"
    if nullable:
        condition = f"{column} IS NULL OR ({condition})"
    return CheckConstraint(condition, name=f"{column}_digits")


def utc_now() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    """Creation and last-change times, in UTC."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now, server_default=func.current_timestamp()
    )


SCOPE_PREFIXES = {"province": 2, "regency": 5, "kecamatan": 8}
"""The code length of each tier above the village: a scope there is `substr(region_code, 1, length) = code`."""


def scope_prefix(column: Any, length: int) -> ColumnElement[str]:
    """The one spelling of a tier's prefix of a region code, shared by the scope condition and its indexes: an
    expression index serves a query only when the query spells the expression the same way (SQLite compares
    it as written, so the bounds are literals, not parameters)."""
    return func.substr(column, literal_column("1"), literal_column(str(length)))


def scope_indexes(table: str) -> tuple[Index, ...]:
    """Indexes that serve a scoped list page at every tier above the village: (the tier's prefix, id).

    A province's, regency's or kecamatan's page, newest first, reads its 25 rows from the index instead of
    walking the primary key backwards past every other region's rows (models/region.within_region).
    On PostgreSQL the index also carries region_code itself: the planner reads an index on an expression
    without visiting the table only when every column the expression names is in the index, and the list's
    bounded count (database/counting.py) then reads 10,001 index entries instead of 10,001 scattered rows.
    """
    return tuple(
        # "expression": SQLite's reflection cannot read an index on an expression (alembic/env.py)
        Index(
            f"ix_{table}_{tier}_scope",
            scope_prefix(literal_column("region_code"), length),
            "id",
            info={"expression": True},
            postgresql_include=["region_code"],
        )
        for tier, length in SCOPE_PREFIXES.items()
    )


def region_code_column(*args: Any, **kwargs: Any) -> Mapped[Any]:
    """The dotted Kemendagri code of the narrowest region a row belongs to; indexed for the scope filter."""
    return mapped_column(String(REGION_CODE_LENGTH), *args, index=True, **kwargs)
