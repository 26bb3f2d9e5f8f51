"""The one region-scope rule: a user sees and changes only rows whose region lies inside their scope.

`scope_condition` is the SQL form (every query of scoped data), `in_scope` the per-object form, and
`guard_writes` refuses, at flush, any new or changed row placed outside the acting user's scope (a
before_flush hook of the write path, chain/write_path.py, attached to the session factory). Scope is
compared on whole dotted segments: scope "35.1" never holds "35.15" (models.region_codes.is_within).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import Session

from models.refusals import Conflict
from models.region import within_region
from models.region_codes import is_within
from models.user import User

NATIONAL = None


class OutOfScope(Conflict):
    """A write that would place a row outside the user's region (a Conflict: refused, nothing written)."""


@dataclass(frozen=True)
class Scope:
    """Where a user may act: a region code, or the whole nation (`code` None, ministry roles only)."""

    code: str | None
    valid: bool = True

    @classmethod
    def of(cls, user: User) -> Scope:
        if user.role.scope_level is None:
            return cls(NATIONAL)
        # A regional role without a region sees nothing (the database refuses such a user anyway).
        return cls(user.scope_region_code, valid=bool(user.scope_region_code))

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
    refuse_outside_acting_scope(code for code in codes if code is not False)


def refuse_outside_acting_scope(codes: Iterable[str | None]) -> None:
    """OutOfScope for the first region code outside the acting user's scope (none outside requests).

    The flush guard asks it of every pending row; a Core bulk insert (the BNBA import) of each row it writes.
    """
    scope = acting_scope()
    if scope is None:
        return
    for code in codes:
        if not scope.holds(code):
            where = scope.code or "-"
            raise OutOfScope(f"Wilayah {code or '(kosong)'} berada di luar wilayah tugas Anda ({where}).")
