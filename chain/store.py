"""The three moves every write of the chain makes: begin, load in scope, commit or report a conflict.

The core's functions take a session the caller opened; they load through `load_scoped` (out of scope looks
the same as absent: NotFound) and leave the commit to the caller, who ends with `commit_or_conflict`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.base import ExecutableOption

from chain.actor import Actor
from models.refusals import Conflict, NotFound

Row = TypeVar("Row")
Result = TypeVar("Result")

CHANGED_UNDER_YOU = (
    "Data ini sudah diubah oleh petugas lain sejak halaman Anda dibuka. Tindakan Anda tidak "
    "diterapkan; muat ulang halaman untuk melihat keadaan terbaru."
)


def begin_write(session: Session) -> None:
    """Start a read-then-write transaction that takes SQLite's write lock at once (BEGIN IMMEDIATE).

    SQLite upgrades a deferred transaction's read lock to a write lock only if no other writer is
    pending, and otherwise fails at once with "database is locked" instead of waiting; taking the
    write lock first makes a second writer wait (busy_timeout) and then read the first one's result.
    PostgreSQL needs nothing: its row locks and the version check already serialise the writers.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def load_scoped(
    session: Session,
    actor: Actor,
    model: type[Row],
    pk: int,
    *options: ExecutableOption,
    where: Iterable[ColumnElement[bool]] = (),
    region: Any = None,
) -> Row:
    """The row `pk` of `model` inside the actor's scope (its `region_code`, or `region`), else NotFound."""
    column = region if region is not None else model.region_code  # type: ignore[attr-defined]
    statement = (
        select(model)
        .where(model.id == pk, actor.scope.condition(column), *where)  # type: ignore[attr-defined]
        .options(*options)
    )
    row = session.scalar(statement)
    if row is None:
        raise NotFound()
    return row


def commit_or_conflict(session: Session, *, changed: str = CHANGED_UNDER_YOU, taken: str | None = None) -> None:
    """Commit; a row someone else changed first (the version counter) or, with `taken`, a unique value
    already used is rolled back and said as a Conflict. Any other failure rolls back and propagates."""
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise Conflict(changed) from error
    except IntegrityError as error:
        session.rollback()
        if taken is None:
            raise
        raise Conflict(taken) from error
    except BaseException:
        session.rollback()
        raise


def write_transaction(
    session_factory: Callable[[], Session],
    work: Callable[[Session], Result],
    *,
    attempts: int = 1,
    changed: str = CHANGED_UNDER_YOU,
    taken: str | None = None,
) -> Result:
    """A caller's whole write in one call: a session, `begin_write`, `work(session)`, `commit_or_conflict`.

    A Conflict at the commit (a version moved, or with `taken` a unique value used) is tried again in a fresh
    transaction, up to `attempts` times in all: the certificate desk's backstop when two officers take the same
    letter number. A refusal raised by `work` itself is never retried.
    """
    for attempt in range(1, attempts + 1):
        with session_factory() as session:
            begin_write(session)
            result = work(session)
            try:
                commit_or_conflict(session, changed=changed, taken=taken)
            except Conflict:
                if attempt == attempts:
                    raise
                continue
            return result
    raise ValueError("write_transaction needs at least one attempt")
