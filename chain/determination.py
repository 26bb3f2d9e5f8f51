"""The SK Penetapan for a quarter (the Minister's determination): every RECEIVED proposal decided, all or nothing.

New, update and keep proposals at or below `max_desil` (their PMT result of the period; in the DTSEN mode their BPS
ranking of the period, every desil) are DETERMINED, the household REGISTERED with its desil and period; above it
they are NOT_DETERMINED with the reason. Removals are DETERMINED, the household REMOVED. Proposals still without a
desil of the period stay RECEIVED (reported).
A determined update applies its requested changes to the household. A household with several determined
proposals ends as the last of them (by id) leaves it, with every determined update's changes applied.
The decree, every transition, the standings per period and the annex go in the caller's one transaction.

The decision is made for the whole quarter at once, in set-based statements (chain/determination_rows.py)
whose count does not grow with the register (docs/BENCHMARKS.md has the figures). Each proposal's transition
writes what chain/proposals.apply_recorded writes for one (status, version + 1, history row, audit rows), and
the rules the flush guards would apply are asked first: the period is still open, each move is an arrow of the
workflow writing only the columns a transition writes (models/finality.py), every requested change passes its
rule, the decree number is free. Nothing is written before every check has passed; a proposal another
official moved in the meantime fails the whole decree (`CHANGED_UNDER_YOU`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.determination_rows import SkWriter
from chain.letters import Letter, check_letter
from chain.periods import open_period
from chain.proposals import CHANGED_UNDER_YOU
from models import Decree, DecreeKind, ProposalHistory, ProposalStatus, RegisterMode
from models.finality import TRANSITION_COLUMNS, proposal_change_refusal
from models.periods import parse_period
from models.refusals import Conflict
from models.text import checked_text
from models.workflow import TransitionRefused

ABOVE_CUTOFF = "Desil di atas batas penetapan"
NUMBER_TAKEN = "Nomor SK Penetapan tersebut sudah dipakai."
LETTER_REQUIRED = "Nomor, tanggal dan penandatangan SK Penetapan wajib diisi."
NOTHING_SCORED = "Tidak ada usulan diterima yang sudah dinilai PMT untuk periode ini."
NOTHING_RANKED = (
    "Tidak ada usulan diterima yang sudah diperingkat BPS untuk periode ini: impor dulu hasil pemeringkatannya."
)
DEFAULT_SIGNER_TITLE = "Menteri Sosial"
DTSEN_MAX_DESIL = 10  # DTSEN holds every ranked family, desil 1 to 10
DETERMINING = (("proposal", "action:determine"), ("proposal", "action:not_determine"))
__all__ = ["CHANGED_UNDER_YOU", "DeterminationOutcome", "checked_letter", "determine"]


@dataclass
class DeterminationOutcome:
    """The decree written and which proposals were determined, not determined, or left unscored."""

    decree_id: int = 0
    determined: list[int] = field(default_factory=list)
    not_determined: list[int] = field(default_factory=list)
    unscored: list[int] = field(default_factory=list)


def determine(
    session: Session,
    actor: Actor,
    period: str,
    letter: Letter,
    *,
    max_desil: int,
    mode: RegisterMode = RegisterMode.DTKS,
) -> DeterminationOutcome:
    """Write the period's SK Penetapan and decide every received proposal by it. The caller commits.

    In the DTSEN mode the desil is the family's BPS ranking of the period (chain/ranking.py) and every ranked
    family enters the register (`max_desil` is not applied: programmes select by their own desil bands)."""
    user = actor.require(*DETERMINING)
    period = parse_period(period)  # the period's shape is said first, then the letter, then whether it is open
    letter = checked_letter(letter)
    open_period(session, period)
    notes = {"determine": _note(f"SK {letter.number}"), "not_determine": _note(ABOVE_CUTOFF)}
    _check_moves()
    session.flush()
    with SkWriter.opened(session, user, period, notes) as sk:
        sk.decide(actor.scope.condition, max_desil if mode is RegisterMode.DTKS else DTSEN_MAX_DESIL, mode)
        outcome = DeterminationOutcome(0, *sk.outcome())
        if not outcome.determined and not outcome.not_determined:
            raise TransitionRefused(NOTHING_SCORED if mode is RegisterMode.DTKS else NOTHING_RANKED)
        sk.check_requested_changes()  # refuses the whole SK on the first invalid change, before any write
        _refuse_taken(session, letter)
        outcome.decree_id = sk.write_decree(letter, [*outcome.determined, *outcome.not_determined], NUMBER_TAKEN)
        if sk.move_proposals() != len(outcome.determined) + len(outcome.not_determined):
            raise Conflict(CHANGED_UNDER_YOU)  # a proposal another official moved since it was read
        sk.write_history()
        sk.link_proposals()
        sk.apply_to_households()
        sk.write_standings()
        sk.snapshot_annex()
    return outcome


def checked_letter(letter: Letter) -> Letter:
    """The letter trimmed and checked against the decree's columns; the signer's title defaults to the Minister's."""
    letter = letter.trimmed()
    if letter.missing():
        raise TransitionRefused(LETTER_REQUIRED)
    check_letter(letter)
    return Letter(letter.number, letter.dated, letter.signer_name, letter.signer_title or DEFAULT_SIGNER_TITLE)


def _note(note: str) -> str:
    """A history row's note under that column's text rule, never cut (as chain/proposals.apply_recorded checks it)."""
    checked_text(inspect(ProposalHistory).columns.note, note.strip(), "Catatan", TransitionRefused)
    return note.strip()


def _check_moves() -> None:
    """The finality rule for the two moves the SK makes and the columns it writes (models/finality.py)."""
    for target in (ProposalStatus.DETERMINED, ProposalStatus.NOT_DETERMINED):
        refusal = proposal_change_refusal(ProposalStatus.RECEIVED, target, TRANSITION_COLUMNS - {"return_reason"})
        if refusal:
            raise TransitionRefused(refusal)


def _refuse_taken(session: Session, letter: Letter) -> None:
    """The decree's (kind, region, number) is unique: a number already used is refused before anything is written."""
    taken = select(Decree.id).where(
        Decree.kind == DecreeKind.MINISTRY_DETERMINATION, Decree.region_code == "", Decree.number == letter.number
    )
    if session.scalar(taken.limit(1)) is not None:
        raise Conflict(NUMBER_TAKEN)
