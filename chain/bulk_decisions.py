"""Decisions taken in batches: one arrow of the chain on many proposals at once, each as if taken alone.

Officials take some steps for a whole desk at a time: the village sends its verified proposals to Dinsos, the
TKSK confirms the visits found eligible, the district accepts what came in, the enumerator closes the visits
recorded, Pusdatin matches the NIKs. `decide_each` takes the arrow on each chosen proposal in its own
transaction through `chain.proposals.perform`, the same call as the single decision page (casbin, scope, the
status, every precondition, the version the official saw, the finality guard, the history and the audit row):
one refused proposal changes nothing of itself and stops nothing of the others. The answer says, per proposal,
what went through and what did not and why.

Arrows that need a reason of their own (return, reject, not eligible) or a document (ratify, forward) are not
offered in a batch: each family's reason is written on its own page. Adding to an SK is done in a batch on the
SK's page (chain/decrees.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.proposals import perform, permission, transition_of
from chain.store import write_transaction
from models.refusals import Invalid, Refusal

BATCH_ACTIONS = ("send_to_district", "record_visit", "confirm_eligible", "accept", "match_nik")
MOST_AT_ONCE = 100


@dataclass(frozen=True)
class ItemOutcome:
    """One proposal of the batch: whether the arrow was taken, and the words said about it."""

    proposal_id: int
    done: bool
    message: str


@dataclass(frozen=True)
class BatchOutcome:
    action: str
    label: str
    items: tuple[ItemOutcome, ...]

    @property
    def done(self) -> list[ItemOutcome]:
        return [item for item in self.items if item.done]

    @property
    def refused(self) -> list[ItemOutcome]:
        return [item for item in self.items if not item.done]


def batch_actions_for(actor: Actor) -> list[str]:
    """The batch arrows this actor's role may take (the casbin rules of the single arrow)."""
    return [action for action in BATCH_ACTIONS if actor.allows(*permission(action))]


def decide_each(
    session_factory: Callable[[], Session], actor: Actor, action: str, seen: Mapping[int, int], *, note: str = ""
) -> BatchOutcome:
    """Take `action` on every proposal of `seen` (id -> the version the official saw), each in its own transaction.

    Refused as a whole (Invalid, nothing done) only when the action is not a batch arrow, nothing was chosen or
    more than MOST_AT_ONCE were; NotAllowed when the role may not take the arrow at all.
    """
    if action not in BATCH_ACTIONS:
        raise Invalid("Tindakan ini tidak dapat dilakukan sekaligus: buka usulannya satu per satu.")
    if not seen:
        raise Invalid("Pilih dulu usulan yang akan diproses.")
    if len(seen) > MOST_AT_ONCE:
        raise Invalid(f"Paling banyak {MOST_AT_ONCE} usulan sekaligus.")
    transition = transition_of(action)
    actor.require(permission(action))
    items = []
    for proposal_id, version in seen.items():

        def take(session: Session, pk: int = proposal_id, seen_version: int = version) -> None:
            perform(session, actor, pk, action, note=note, seen_version=seen_version)

        try:
            write_transaction(session_factory, take)
        except Refusal as refusal:
            items.append(ItemOutcome(proposal_id, False, str(refusal)))
        else:
            items.append(ItemOutcome(proposal_id, True, f"{transition.source.label} -> {transition.target.label}"))
    return BatchOutcome(action, transition.label, tuple(items))
