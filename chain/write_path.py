"""The write path: every guard and the audit trail, attached in one stated order to a session factory.

Before issue 10 each hook registered itself on the `Session` class when its module was imported, so
importing a module changed every session of the process (a migration's included) and the order of the
hooks was the order of the imports. Now the modules only define their hook functions, and
`install_write_path` attaches them to a `sessionmaker` (SQLAlchemy's session events accept one: the
listeners apply to the sessions it makes and to no other). console/database.py's `make_session_factory`,
the factory of the app, the CLI, the demo seeder, the benchmarks and the tests, calls it. A bare
`Session(engine)` is unguarded and unaudited; a test asserts that no module of the project adds a hook to
the `Session` class.

SQLAlchemy runs the listeners of one event in the order they were attached: `WRITE_PATH` below, top to
bottom. `before_flush`, the order and why:

1. `copy_region_codes` (models/scope_sync.py) fills and follows the village code rows copy from their
   household or meeting: every later hook judges each row's region as it will be stored.
2. `guard_writes` (policies/scope.py) refuses a row placed outside the acting user's region before any
   other rule looks at it, so no other refusal (a finality message) tells anyone about a record they may
   not see (DESIGN section 2: out of scope is never an existence oracle). It reads no row.
3. `refuse_unstorable_text` (models/text_guard.py) refuses text the columns cannot hold; reads no row.
4. `refuse_fixed_writes` (models/finality_guard.py) refuses writes of decided records, reading their
   stored state, and notes the rows this flush fixes (fresh, see after_flush).
5. `end_sessions_of_changed_users` (models/session.py) is the first hook that writes (a DELETE of the
   sessions of a deactivated user or a new password): after every refusal, so a refused flush wrote
   nothing of its own.
6. `remember_flush` (chain/audit.py) last: it keeps what the flush is about to lose (deleted rows, old
   values), once every hook before it has changed what the flush will write.

`after_flush`: `remember_fresh_rows` (finality) marks the rows the flush created or fixed as fresh, then
`write_flushed_rows` (chain/audit.py) writes the audit rows last, on the flush's connection, so a failing
audit insert fails the change. `after_transaction_end`: `forget_fresh_rows` ends freshness with the
transaction. `do_orm_execute`: `refuse_fixed_bulk_writes` (models/finality_bulk.py) checks the bulk
statements run through the session, which never become objects a flush could see.

Core bulk inserts that create records (the BNBA import, reports/bulk_insert.py) pass no flush: they run the
same guards themselves, and their audit rows are written by `write_bulk_changes` (chain/audit.py), which the
write path leaves in the factory's `session.info` under BULK_AUDIT; a bare session has none and audits none.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from chain.audit import remember_flush, write_bulk_changes, write_flushed_rows
from models.audit_trail import BULK_AUDIT
from models.finality_bulk import refuse_fixed_bulk_writes
from models.finality_guard import forget_fresh_rows, refuse_fixed_writes, remember_fresh_rows
from models.scope_sync import copy_region_codes
from models.session import end_sessions_of_changed_users
from models.text_guard import refuse_unstorable_text
from policies.scope import guard_writes

Hook = Callable[..., Any]

# (session event, listener), attached in this order (the module docstring says why).
WRITE_PATH: tuple[tuple[str, Hook], ...] = (
    ("before_flush", copy_region_codes),
    ("before_flush", guard_writes),
    ("before_flush", refuse_unstorable_text),
    ("before_flush", refuse_fixed_writes),
    ("before_flush", end_sessions_of_changed_users),
    ("before_flush", remember_flush),
    ("after_flush", remember_fresh_rows),
    ("after_flush", write_flushed_rows),
    ("after_transaction_end", forget_fresh_rows),
    ("do_orm_execute", refuse_fixed_bulk_writes),
)
EVENTS = tuple(dict.fromkeys(name for name, _hook in WRITE_PATH))
EXPECTED = {name: [hook for event_name, hook in WRITE_PATH if event_name == name] for name in EVENTS}
_INSTALLED: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def attached_hooks(session: Session) -> dict[str, list[Hook]]:
    """The write path's hooks listening on `session`, per event, in the order SQLAlchemy calls them."""
    ours = {hook for _name, hook in WRITE_PATH}
    return {name: [hook for hook in getattr(session.dispatch, name) if hook in ours] for name in EVENTS}


def has_write_path(target: sessionmaker[Session]) -> bool:
    """Whether the sessions of `target` carry every hook of the write path, once each, in its order."""
    with target() as session:  # makes no connection
        return attached_hooks(session) == EXPECTED and session.info.get(BULK_AUDIT) is write_bulk_changes


def install_write_path(target: sessionmaker[Session]) -> sessionmaker[Session]:
    """Attach the write path to the session factory `target`, in order; returns it.

    Idempotent: installing again on the same factory attaches nothing (SQLAlchemy would call a hook twice).
    Which factories have it is kept in a WeakSet, not asked of `event.contains`: SQLAlchemy's registry
    keys a listener by the `id()` of the factory's session class and keeps the key after that class is
    collected, so a new factory whose class reuses the address would look installed while it has no hook.
    """
    if target in _INSTALLED:
        return target
    for name, hook in WRITE_PATH:
        event.listen(target, name, hook)
    target.kw.setdefault("info", {})[BULK_AUDIT] = write_bulk_changes  # copied into each session's info
    _INSTALLED.add(target)
    return target
