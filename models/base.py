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
    Insert,
    MetaData,
    Result,
    Select,
    String,
    Table,
    and_,
    func,
    insert,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, QueryableAttribute, mapped_column, validates

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


REGENCY_CODE_LENGTH = SCOPE_PREFIXES["regency"]
REGENCY_OF_REGION = f"regency_code = substr(region_code, 1, {REGENCY_CODE_LENGTH})"
"""The rule every row distributed by regency keeps (models/distribution.py): its regency code is the first part
of its region code ('' for a national audit row)."""


def regency_of(region_code: str | None) -> str:
    """The regency part of a region code: '52.72' of '52.72.01.1001'; a province's code or '' stays as it is."""
    return (region_code or "")[:REGENCY_CODE_LENGTH]


def _regency_of_inserted_row(context: Any) -> str:
    # A Core INSERT (one row or many) that names the region code but not the regency code gets it from the row.
    return regency_of(context.get_current_parameters().get("region_code"))


class RegencyScoped:
    """The distribution column of a row kept by regency (docs/SCALING.md): `regency_code`, a plain column, since a
    distributed engine routes an INSERT by its value before the statement runs.

    One place keeps it: the ORM copies it whenever the region code is set, a Core INSERT that leaves it out gets it
    from the row's region code, and a CHECK on both engines refuses any row where the two disagree, so a raw
    statement that forgets it fails instead of misplacing the row.
    """

    regency_code: Mapped[str] = mapped_column(
        String(REGENCY_CODE_LENGTH),
        CheckConstraint(REGENCY_OF_REGION, name="regency_of_region"),
        default=_regency_of_inserted_row,
    )

    @validates("region_code")
    def _keep_regency_code(self, _key: str, region_code: str | None) -> str | None:
        self.regency_code = regency_of(region_code)
        return region_code


def regency_join(parent: Any, link: Any) -> ColumnElement[bool]:
    """The join condition between two tables kept by regency (docs/SCALING.md, rule 3): `link` (a child's foreign
    key, or any column naming the parent's id) equals the parent's id and the two rows' regency codes are equal,
    as PostgreSQL's links are keyed (models/distribution.py), so a distributed engine joins them on one node.
    `parent` is a mapped class, an alias of one or a table; so is the owner of `link`.

    The ORM's relationships stay on the id, as sqladmin's forms read them; none of them is loaded by a join
    (tests/distributed_joins.py holds every statement the suite sends to this)."""
    parent_columns = getattr(parent, "c", parent)
    if isinstance(link, QueryableAttribute):
        child_regency = link.parent.entity.regency_code
    else:
        child_regency = link.table.c.regency_code
    return and_(parent_columns.id == link, parent_columns.regency_code == child_regency)


def regency_of_column(region_code: Any) -> ColumnElement[str]:
    """The regency part of a region code column, in SQL (the spelling of the CHECK and the scope indexes)."""
    return scope_prefix(region_code, REGENCY_CODE_LENGTH)


def insert_with_regency(table: Table, names: list[str], source: Select[Any]) -> Insert:
    """INSERT ... SELECT into a table kept by regency: the regency code computed from the selected region code,
    for the set-based writers (a Core INSERT ... SELECT runs no Python default)."""
    region_code = source.selected_columns[names.index("region_code")]
    return insert(table).from_select([*names, "regency_code"], source.add_columns(regency_of_column(region_code)))
