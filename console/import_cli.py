"""`python -m console import-bnba FILE --user USERNAME [--confirm] [--json]`: the BNBA import for batch work.

District IT staff who receive sheets by the dozen run the very same import as the page (chain/imports.py,
through console/imports.py's `preview_in` and `confirm_in`), as a named user: the user must exist, be active
and hold casbin's `bnba, import` in the rules the console reads from the database (`chain.actor.actor_for`);
their region is the scope of every row. Without
`--confirm` the sheet is checked and nothing is written. With it, households, members, draft proposals, the
row audit trail and one IMPORT entry are written in one transaction, or nothing is; the audit rows name the
user as actor (chain/acting.run_as), as on the page.

Exit codes: 0 the sheet is accepted (and, with `--confirm`, written); 2 refused (rows with errors, a file that
is no readable BNBA sheet, an unknown or inactive user, a user without the right or without a region); 1 any
other failure (the database unreachable, a NIK registered by someone else during the import: run it again).
`--json` prints exactly one object, whatever the outcome: the counts of the sheet's plan (what it creates, or
would create) and every error with its Excel row number (`row` is null for a problem of the file or the user).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.imports import IMPORTING
from console.database import make_engine, make_session_factory
from console.imports import ImportConflict, confirm_in, limits_of, preview_in
from console.settings import Settings
from models.audit_trail import mask_text
from models.user import User
from reports.bnba_import import ImportPlan, ImportRefused
from reports.xlsx_upload import SheetRefused, UploadLimits, size_text

ACCEPTED, FAILED, REFUSED = 0, 1, 2
CHANNEL = "CLI"  # named in the IMPORT audit entry's message
COUNTED = ("households", "members", "proposals", "skipped_households")


@dataclass
class Outcome:
    """What one run reports: its exit code, the plan of the sheet when it was read, or the problem that stopped it."""

    code: int
    plan: ImportPlan | None = None
    problem: str = ""
    written: bool = False

    def as_json(self) -> dict[str, Any]:
        counts = self.plan.counts() if self.plan is not None else {}
        errors: list[dict[str, Any]] = [
            {"row": error.row, "column": error.column, "message": error.message}
            for error in (self.plan.errors if self.plan is not None else [])
        ]
        if self.problem:
            errors.append({"row": None, "column": "", "message": self.problem})
        return {**{key: counts.get(key, 0) for key in COUNTED}, "errors": errors}


def import_bnba(settings: Settings, path: Path, username: str, *, confirm: bool, as_json: bool) -> int:
    """Run the import and print its outcome (one JSON object, or an Indonesian summary); returns the exit code."""
    outcome = run(settings, path, username, confirm=confirm)
    if as_json:
        print(json.dumps(outcome.as_json(), ensure_ascii=False))
    else:
        _print_summary(outcome, username)
    return outcome.code


def run(settings: Settings, path: Path, username: str, *, confirm: bool) -> Outcome:
    """Read the file, name the user, then preview or apply exactly as the page does."""
    limits = limits_of(settings)
    try:
        data = read_sheet_file(path, limits)
    except SheetRefused as refusal:
        return Outcome(REFUSED, problem=str(refusal))
    engine = None
    try:
        engine = make_engine(settings)
        sessions = make_session_factory(engine)
        user, actor, problem = importing_user(sessions, username)
        if user is None:
            return Outcome(REFUSED, problem=problem)
        work: Callable[[], ImportPlan] = (
            (lambda: confirm_in(sessions, actor, data, limits, channel=CHANNEL))
            if confirm
            else (lambda: preview_in(sessions, actor, data, limits))
        )
        plan = run_as(user, work)
    except SheetRefused as refusal:
        return Outcome(REFUSED, problem=str(refusal))
    except ImportRefused as refusal:
        return Outcome(REFUSED, plan=refusal.plan)
    except ImportConflict as conflict:
        return Outcome(FAILED, problem=str(conflict))
    except Exception as error:  # the one line below instead of a traceback; exit 1 says "not your sheet"
        return Outcome(FAILED, problem=_unexpected(error))
    finally:
        if engine is not None:
            engine.dispose()
    return Outcome(ACCEPTED if plan.ok else REFUSED, plan=plan, written=confirm and plan.ok)


def read_sheet_file(path: Path, limits: UploadLimits) -> bytes:
    """The file's bytes, or SheetRefused with the reason (missing, a folder, unreadable, over the size cap)."""
    too_large = SheetRefused(f"Berkas terlalu besar; batas ukuran {size_text(limits.max_bytes)}.")
    try:
        if not path.exists():
            raise SheetRefused(f"Berkas {path} tidak ditemukan.")
        if not path.is_file():
            raise SheetRefused(f"{path} bukan berkas; sebutkan berkas BNBA .xlsx.")
        if path.stat().st_size > limits.max_bytes:
            raise too_large
        with path.open("rb") as sheet:
            data = sheet.read(limits.max_bytes + 1)  # never more than the cap, even if the file grew meanwhile
    except OSError as error:
        raise SheetRefused(f"Berkas {path} tidak dapat dibaca ({error.strerror or type(error).__name__}).") from None
    if len(data) > limits.max_bytes:
        raise too_large
    return data


def importing_user(sessions: sessionmaker[Session], username: str) -> tuple[User | None, Actor, str]:
    """The active user who may import (casbin `bnba, import`, a region) and their actor, or None and why not."""
    nobody = Actor.nobody()
    with sessions() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            return None, nobody, f"Pengguna '{username}' tidak ditemukan."
        if not user.is_active:
            return None, nobody, f"Pengguna '{username}' tidak aktif; impor ditolak."
        actor = actor_for(session, user)  # the rules the console enforces, read from the database as it reads them
        if not actor.allows(*IMPORTING):
            refused = f"Pengguna '{username}' ({user.role.label}) tidak berhak mengimpor BNBA (aturan bnba, import)."
            return None, nobody, refused
        if not actor.scope.valid:
            return None, nobody, f"Pengguna '{username}' tidak memiliki wilayah tugas; impor ditolak."
        return user, actor, ""


def _unexpected(error: Exception) -> str:
    # Database errors quote their parameters: 16-digit identity numbers are masked before anything is printed.
    detail = mask_text(str(error).splitlines()[0] if str(error) else "")[:300]
    return f"Impor gagal karena kesalahan tak terduga ({type(error).__name__}: {detail}). Tidak ada data yang diubah."


def _print_summary(outcome: Outcome, username: str) -> None:
    plan = outcome.plan
    if plan is None:
        print(outcome.problem, file=sys.stderr)
        return
    counts = plan.counts()
    print(f'Lembar "{plan.sheet_name}": judul kolom di baris {plan.header_row}, {counts["rows"]} baris data.')
    created = (
        f"{counts['households']} keluarga, {counts['members']} anggota dan {counts['proposals']} usulan draf; "
        f"{counts['skipped_households']} KK sudah pernah diimpor dan dilewati"
    )
    if outcome.written:
        print(f"Impor BNBA selesai: {created}. Dicatat di jejak audit atas nama {username}.")
    elif outcome.code == ACCEPTED:
        print(f"Pratinjau, belum ada yang ditulis: akan dibuat {created}.")
        print("Semua baris lolos pemeriksaan. Jalankan lagi dengan --confirm untuk mengimpor.")
    else:
        print(
            f"Berkas ditolak: {len(plan.errors)} kesalahan; tidak ada data yang diubah. "
            "Perbaiki baris berikut (nomor baris seperti di Excel), lalu jalankan lagi:",
            file=sys.stderr,
        )
        for error in plan.errors:
            print(f"  {error.describe()}", file=sys.stderr)
