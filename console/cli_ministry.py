"""`dtks pmt-run PERIOD --user U` and `dtks determine PERIOD --user U --number N --date D --signer-name S`.

The ministry's batch steps from the command line, through the very functions the desk calls (chain/pmt.py,
chain/determination.py), as a named user: the actor is built from the rules the database holds now
(`chain.actor.actor_for`) and the work runs as them (`chain.acting.run_as`), so the audit trail names them.
One transaction per command, committed here. A refusal of the core (not allowed, a period outside the
quarters or already determined, a number already used) is exit 2 with its Indonesian message (console/cli.py).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.determination import NUMBER_TAKEN, DeterminationOutcome, determine
from chain.letters import Letter
from chain.pmt import run_pmt
from chain.proposals import CHANGED_UNDER_YOU
from chain.store import begin_write, commit_or_conflict
from console.cli_errors import CommandRefused
from console.database import make_engine, make_session_factory
from console.progress import progress
from console.settings import Settings
from models import RegisterMode
from models.user import User

Result = TypeVar("Result")


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `pmt-run` and `determine` subcommands with their options (help in Bahasa Indonesia)."""
    pmt = commands.add_parser("pmt-run", help="hitung PMT semua usulan diterima untuk satu periode")
    _common(pmt)
    decree = commands.add_parser("determine", help="tetapkan SK Penetapan suatu periode (semua usulan dinilai)")
    _common(decree)
    decree.add_argument("--number", required=True, help="nomor SK Penetapan")
    decree.add_argument("--date", required=True, type=_date, help="tanggal SK, TTTT-BB-HH")
    decree.add_argument("--signer-name", required=True, help="nama penandatangan")
    decree.add_argument("--signer-title", default="", help="jabatan penandatangan (kosong: Menteri Sosial)")
    decree.add_argument("--max-desil", type=int, choices=range(1, 11), default=None, help="batas desil (1-10)")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", help="periode TTTT-BB, bulan 01, 04, 07 atau 10")
    parser.add_argument("--user", required=True, help="nama pengguna yang menjalankan (haknya berlaku)")
    parser.add_argument("--json", action="store_true", help="cetak satu objek JSON")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"tanggal {value!r} tidak valid; tulis TTTT-BB-HH") from None


def pmt_run_command(settings: Settings, args: argparse.Namespace) -> int:
    with progress("Menghitung PMT", unit="keluarga") as report:
        outcome = as_user(
            settings,
            args.user,
            lambda session, actor: run_pmt(session, actor, args.period, mode=settings.register_mode, progress=report),
        )
    if args.json:
        print(json.dumps(asdict(outcome), ensure_ascii=False))
        return 0
    print(f"PMT {outcome.period}: {outcome.scored} rumah tangga dinilai.")
    if outcome.without_visit:
        print(f"Tanpa kunjungan verval (tidak dinilai): {len(outcome.without_visit)}.")
    if outcome.without_model:
        print(f"Tanpa model PMT yang berlaku: {len(outcome.without_model)}.")
    return 0


def determine_command(settings: Settings, args: argparse.Namespace) -> int:
    letter = Letter(args.number, args.date, args.signer_name, args.signer_title)
    max_desil = args.max_desil or settings.determination_max_desil

    def work(session: Session, actor: Actor) -> DeterminationOutcome:
        return determine(session, actor, args.period, letter, max_desil=max_desil, mode=settings.register_mode)

    outcome = as_user(settings, args.user, work, taken=NUMBER_TAKEN)
    if args.json:
        print(json.dumps(asdict(outcome), ensure_ascii=False))
        return 0
    print(
        f"SK Penetapan {letter.number.strip()} (#{outcome.decree_id}): {len(outcome.determined)} ditetapkan, "
        f"{len(outcome.not_determined)} tidak ditetapkan."
    )
    if outcome.unscored:
        waiting = "Belum dinilai PMT" if settings.register_mode is RegisterMode.DTKS else "Belum diperingkat BPS"
        print(f"{waiting} (tetap diterima): {len(outcome.unscored)}.")
    return 0


def as_user(
    settings: Settings, username: str, work: Callable[[Session, Actor], Result], *, taken: str | None = None
) -> Result:
    """Run `work` in one committed transaction as the active user `username`; CommandRefused when there is none."""
    engine = make_engine(settings)
    try:
        sessions = make_session_factory(engine)
        with sessions() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise CommandRefused(f"Pengguna '{username}' tidak ditemukan.")
            if not user.is_active:
                raise CommandRefused(f"Pengguna '{username}' tidak aktif; perintah ditolak.")
            actor = actor_for(session, user)

        def step() -> Result:
            with sessions() as session:
                begin_write(session)
                result = work(session, actor)
                commit_or_conflict(session, changed=CHANGED_UNDER_YOU, taken=taken)
                return result

        return run_as(user, step)
    finally:
        engine.dispose()
