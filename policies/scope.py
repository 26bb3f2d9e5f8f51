"""The one region-scope rule: a user sees and changes only rows whose region lies inside their scope.

`scope_condition` is the SQL form (every query of scoped data), `in_scope` the per-object form, and
`guard_writes` refuses, at flush, any new or changed row placed outside the acting user's scope (a
before_flush hook of the write path, chain/write_path.py, attached to the session factory). Scope is
compared on whole dotted segments: scope "35.1" never holds "35.15" (models.region_codes.is_within).

A pendamping PKH reads the whole kecamatan but writes into a village only where one is assigned to them
(models/pendamping.py): `Scope.assigned_to` names them, and the write guard narrows village rows to those.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from models.pendamping import NOT_ASSIGNED, PendampingVillage
from models.refusals import Conflict
from models.region import within_region
from models.region_codes import CODE_LENGTH, RegionLevel, is_within
from models.user import User

NATIONAL = None


class OutOfScope(Conflict):
    """A write that would place a row outside the user's region (a Conflict: refused, nothing written)."""


@dataclass(frozen=True)
class Scope:
    """Where a user may act: a region code, or the whole nation (`code` None, ministry roles only)."""

    code: str | None
    valid: bool = True
    assigned_to: int | None = None  # a pendamping PKH's user id: village rows written only in assigned villages

    @classmethod
    def of(cls, user: User) -> Scope:
        if user.role.scope_level is None:
            return cls(NATIONAL)
        # A regional role without a region sees nothing (the database refuses such a user anyway).
        assigned_to = user.id if user.role.writes_in_assigned_villages else None
        return cls(user.scope_region_code, valid=bool(user.scope_region_code), assigned_to=assigned_to)

    def condition(self, column: Any) -> ColumnElement[bool]:
        if not self.valid:
            return false()
        return true() if self.code is None else within_region(column, self.code)

    def holds(self, code: str | None) -> bool:
        if not self.valid:
            return False
        if self.code is None:
            return True
        return code is not None and is_within(code, self.code)


_acting: ContextVar[Scope | None] = ContextVar("dtks_acting_scope", default=None)


def act_within(scope: Scope | None) -> None:
    """Set the scope the current request acts in (None outside requests: CLI, seeding, tests' setup)."""
    _acting.set(scope)


def acting_scope() -> Scope | None:
    return _acting.get()


def _region_of(obj: Any) -> str | None | Literal[False]:
    """The region code a row is placed in, or False for rows that carry none (users, policies...)."""
    if isinstance(obj, User):
        return False
    if not hasattr(obj, "region_code"):
        return False
    code: str | None = obj.region_code
    return code


def guard_writes(session: Session, _context: Any, _instances: Any) -> None:
    if acting_scope() is None:
        return
    codes = (_region_of(obj) for obj in [*session.new, *session.dirty, *session.deleted])
    refuse_outside_acting_scope(session, [code for code in codes if code is not False])


def refuse_outside_acting_scope(session: Session, codes: Iterable[str | None]) -> None:
    """OutOfScope for the first region code outside the acting user's scope (none outside requests), or, for a
    pendamping PKH, for the first village not assigned to them.

    The flush guard asks it of every pending row; a Core bulk insert (the BNBA import) of each row it writes.
    """
    scope = acting_scope()
    if scope is None:
        return
    codes = list(codes)
    for code in codes:
        if not scope.holds(code):
            where = scope.code or "-"
            raise OutOfScope(f"Wilayah {code or '(kosong)'} berada di luar wilayah tugas Anda ({where}).")
    if scope.assigned_to is not None:
        _refuse_unassigned_villages(session, scope.assigned_to, codes)


def _refuse_unassigned_villages(session: Session, user_id: int, codes: list[str | None]) -> None:
    # Rows placed above a village (the user's own audit entries, at their kecamatan) are not a village's data.
    villages = {code for code in codes if code is not None and len(code) == CODE_LENGTH[RegionLevel.VILLAGE]}
    if not villages:
        return
    with session.no_autoflush:
        assigned = set(
            session.scalars(
                select(PendampingVillage.region_code).where(
                    PendampingVillage.user_id == user_id, PendampingVillage.region_code.in_(sorted(villages))
                )
            )
        )
    for village in sorted(villages - assigned):
        raise OutOfScope(NOT_ASSIGNED.format(village=village))
