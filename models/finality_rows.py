"""The finality rule (models/finality.py) asked about rows: the facts it needs, read as stored, and its answers.

`Facts` reads what a rule needs beyond the row itself (the status of a visit's proposal, whether a meeting is
final, whether a period has a signed SK Penetapan, ...) through a session, with a `Reader` that says how a row's
value is read: as loaded (the console asking about a clean row) or as stored before pending changes (the flush
guard). Parents in `fresh` were created or fixed by the current transaction and do not count as fixed yet.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, Select, exists, inspect, select, union
from sqlalchemy.orm import InstanceState, Session

from models import finality
from models.base import regency_join
from models.decree import Decree, DecreeKind, decree_proposal
from models.decree_annex import DecreeAnnexRow
from models.determination import HouseholdPeriod, PmtResult
from models.household import Household
from models.meeting import Meeting, MeetingDecision, MeetingParticipant
from models.proposal import Proposal, ProposalStatus
from models.ranking import RankingResult
from models.visit import Visit, VisitResult

Reader = Callable[[Any, str], Any]
# Every model the rule says something about (households: only their delete, which would cascade fixed rows).
GOVERNED_MODELS = frozenset(
    {Proposal, Visit, Decree, DecreeAnnexRow, Meeting, MeetingParticipant, MeetingDecision, PmtResult}
    | {HouseholdPeriod, RankingResult, Household}
)


def loaded(obj: Any, key: str) -> Any:
    """A row's value as this session has it (for clean rows: as stored)."""
    return getattr(obj, key)


@dataclass
class Facts:
    """What the rules need beyond a row's own columns, read through `session`."""

    session: Session
    read: Reader = loaded
    fresh: Collection[InstanceState[Any]] = field(default_factory=frozenset)
    # Answers read ahead for a page of rows (`prefetch`): id -> answer; an id not in a dict is read as asked.
    _known: dict[str, dict[Any, bool]] = field(default_factory=dict)

    def prefetch(self, rows: Sequence[Any]) -> None:
        """Read what the rules will ask about `rows` in a few set queries instead of a few per row (a list page).

        Only for clean rows read as loaded (the console): the flush guard asks about single pending changes.
        """
        ids: dict[type, list[Any]] = {}
        for row in rows:
            ids.setdefault(type(row), []).append(inspect(row).identity[0])
        with self.session.no_autoflush:
            # The parents the rules read, into the identity map where `_parent` finds them.
            self._load(Proposal, [row.proposal_id for row in rows if isinstance(row, Visit)])
            self._load(
                Meeting, [row.meeting_id for row in rows if isinstance(row, MeetingParticipant | MeetingDecision)]
            )
            if proposal_ids := ids.get(Proposal):
                self._know("decided", proposal_ids, [_decided_by_final_meeting(proposal_ids)])
                self._know("in_decree", proposal_ids, [_in_a_decree(proposal_ids)])
            if household_ids := ids.get(Household):
                self._know("household_fixed", household_ids, _households_with_fixed_rows(household_ids))

    def _load(self, model: type[Proposal] | type[Meeting], keys: list[int | None]) -> None:
        if wanted := [key for key in keys if key is not None]:
            self.session.scalars(select(model).where(model.id.in_(wanted))).all()

    def _know(self, fact: str, ids: list[Any], statements: Sequence[Select[Any] | CompoundSelect[Any]]) -> None:
        holding = {key for statement in statements for key in self.session.scalars(statement)}
        self._known[fact] = {key: key in holding for key in ids}

    def _parent(self, model: type, pk: Any) -> Any:
        if pk is None:
            return None
        with self.session.no_autoflush:
            return self.session.get(model, pk)

    def _is_fresh(self, obj: Any) -> bool:
        return inspect(obj) in self.fresh

    def proposal_status(self, proposal_id: int | None) -> ProposalStatus | None:
        """The stored status of a proposal; None when there is none or this transaction created or moved it."""
        proposal = self._parent(Proposal, proposal_id)
        if proposal is None or self._is_fresh(proposal) or inspect(proposal).pending:
            return None
        status: ProposalStatus | None = self.read(proposal, "status")
        return status

    def meeting_final(self, meeting_id: int | None) -> bool:
        meeting = self._parent(Meeting, meeting_id)
        if meeting is None or self._is_fresh(meeting) or inspect(meeting).pending:
            return False
        return self.read(meeting, "finalised_at") is not None

    def decree_signed(self, decree_id: int | None, *, fresh_counts: bool = False) -> bool:
        """Whether the decree is stored signed (by an earlier transaction, unless `fresh_counts`)."""
        decree = self._parent(Decree, decree_id)
        if decree is None or inspect(decree).pending or (self._is_fresh(decree) and not fresh_counts):
            return False
        return self.read(decree, "signed_at") is not None

    def period_determined(self, period: str | None) -> bool:
        """Whether `period` has a signed SK Penetapan stored before this transaction."""
        if not period:
            return False
        fresh_ids = {state.identity[0] for state in self.fresh if state.class_ is Decree and state.identity}
        statement = select(Decree.id).where(
            Decree.kind == DecreeKind.MINISTRY_DETERMINATION, Decree.period == period, Decree.signed_at.is_not(None)
        )
        with self.session.no_autoflush:
            return any(decree_id not in fresh_ids for decree_id in self.session.scalars(statement))

    def _ask(self, fact: str, key: Any, statement: Select[Any] | CompoundSelect[Any]) -> bool:
        known = self._known.get(fact, {})
        if key in known:
            return known[key]
        with self.session.no_autoflush:
            return self.session.scalars(statement.limit(1)).first() is not None

    def decided_by_final_meeting(self, proposal_id: int) -> bool:
        return self._ask("decided", proposal_id, _decided_by_final_meeting([proposal_id]))

    def in_a_decree(self, proposal_id: int) -> bool:
        return self._ask("in_decree", proposal_id, _in_a_decree([proposal_id]))

    def household_holds_fixed_rows(self, household_id: int) -> bool:
        """Whether deleting the household would cascade away a fixed visit or a determined period's row."""
        known = self._known.get("household_fixed", {})
        if household_id in known:  # read ahead for the page: no statements built per row (a list page's hot path)
            return known[household_id]
        return any(
            self._ask("household_fixed", household_id, statement)
            for statement in _households_with_fixed_rows([household_id])
        )


# The facts as set queries: each selects the ids of `ids` for which the fact holds.


def _decided_by_final_meeting(ids: Sequence[int]) -> Select[Any]:
    return (
        select(MeetingDecision.proposal_id)
        .join(Meeting, regency_join(Meeting, MeetingDecision.meeting_id))
        .where(MeetingDecision.proposal_id.in_(ids), Meeting.finalised_at.is_not(None))
        .distinct()
    )


def _in_a_decree(ids: Sequence[int]) -> Select[Any]:
    return select(decree_proposal.c.proposal_id).where(decree_proposal.c.proposal_id.in_(ids)).distinct()


def _households_with_fixed_rows(ids: Sequence[int]) -> list[Select[Any] | CompoundSelect[Any]]:
    """Households holding a fixed visit, and those holding a determined period's PMT result, standing or BPS
    ranking result."""
    # Correlated, one primary-key probe per visit: inside the OR, PostgreSQL cannot turn `proposal_id IN
    # (SELECT ...)` into a join and hashed every closed proposal of the register for each page (14 ms at 20,000
    # proposals, growing with the register) where EXISTS reads the one proposal of the visit (0.1 ms).
    closed = exists().where(regency_join(Proposal, Visit.proposal_id), Proposal.status.not_in(finality.VISIT_OPEN))
    fixed_visit = select(Visit.household_id).where(
        Visit.household_id.in_(ids),
        (Visit.result != VisitResult.PENDING) | Visit.confirmed_at.is_not(None) | closed,
    )
    determined = select(Decree.period).where(
        Decree.kind == DecreeKind.MINISTRY_DETERMINATION, Decree.signed_at.is_not(None)
    )
    fixed_period = union(
        *(
            select(model.household_id).where(model.household_id.in_(ids), model.period.in_(determined))
            for model in (PmtResult, HouseholdPeriod, RankingResult)
        )
    )  # one statement for the three tables a period's SK Penetapan fixes (UNION: each household once)
    return [fixed_visit.distinct(), fixed_period]


def visit_confirmed(read: Reader, visit: Any) -> bool:
    return read(visit, "result") not in (None, VisitResult.PENDING) or read(visit, "confirmed_at") is not None


def edit_refusal(facts: Facts, obj: Any) -> str | None:
    """Why no column of `obj` may change any more, or None (a partly fixed proposal: see `finality_of`)."""
    read = facts.read
    if isinstance(obj, Proposal):
        return finality.proposal_refusal(read(obj, "status"))
    if isinstance(obj, Visit):
        status = facts.proposal_status(read(obj, "proposal_id"))
        return finality.visit_refusal(confirmed=visit_confirmed(read, obj), proposal_status=status)
    if isinstance(obj, Decree):
        return finality.decree_refusal(signed=read(obj, "signed_at") is not None)
    if isinstance(obj, Meeting):
        return finality.meeting_refusal(final=read(obj, "finalised_at") is not None)
    if isinstance(obj, DecreeAnnexRow):  # kept only for signed decrees: never rewritten
        return finality.DECREE_SIGNED
    return child_refusal(facts, obj, read(obj, "meeting_id") if hasattr(obj, "meeting_id") else None)


def child_refusal(facts: Facts, obj: Any, meeting_id: int | None, period: str | None = None) -> str | None:
    """Why a meeting's participant or decision, or a period's row, is fixed by its parent (None otherwise)."""
    if isinstance(obj, MeetingParticipant):
        return finality.participant_refusal(meeting_final=facts.meeting_final(meeting_id))
    if isinstance(obj, MeetingDecision):
        return finality.decision_refusal(meeting_final=facts.meeting_final(meeting_id))
    if isinstance(obj, PmtResult | HouseholdPeriod | RankingResult):
        period = period or facts.read(obj, "period")
        return finality.period_refusal(period, determined=facts.period_determined(period))
    return None


def delete_refusal(facts: Facts, obj: Any) -> str | None:
    """Why `obj` may not be deleted, or None."""
    read = facts.read
    if isinstance(obj, Proposal):
        return finality.proposal_delete_refusal(
            read(obj, "status"),
            decided_by_final_meeting=facts.decided_by_final_meeting(read(obj, "id")),
            in_a_decree=facts.in_a_decree(read(obj, "id")),
        )
    if isinstance(obj, Decree):
        return finality.decree_refusal(signed=read(obj, "signed_at") is not None, deleting=True)
    if isinstance(obj, Meeting):
        return finality.meeting_refusal(final=read(obj, "finalised_at") is not None, deleting=True)
    if isinstance(obj, Household):
        return finality.HOUSEHOLD_WITH_FIXED_ROWS if facts.household_holds_fixed_rows(read(obj, "id")) else None
    if isinstance(obj, DecreeAnnexRow):
        return finality.DECREE_SIGNED if facts.decree_signed(read(obj, "decree_id"), fresh_counts=True) else None
    return edit_refusal(facts, obj)


def insert_refusal(facts: Facts, obj: Any) -> str | None:
    """Why `obj` may not be added to (or moved onto) its parent: a visit to a proposal past `visited`, a
    participant to a finalised meeting, a result to a determined period; or None."""
    if isinstance(obj, Visit):
        return finality.visit_parent_refusal(facts.proposal_status(current_key(obj, "proposal")))
    if isinstance(obj, DecreeAnnexRow):  # written in the signing transaction only
        return finality.DECREE_SIGNED if facts.decree_signed(obj.decree_id) else None
    if isinstance(obj, MeetingParticipant | MeetingDecision):
        return child_refusal(facts, obj, current_key(obj, "meeting"))
    return child_refusal(facts, obj, None, getattr(obj, "period", None))


def current_key(obj: Any, relation: str) -> Any:
    """The foreign key a row will have after the flush: through the relationship when it was set, else the column."""
    history = inspect(obj).attrs[relation].history
    if history.added:
        identity = None if history.added[0] is None else inspect(history.added[0]).identity
        return identity[0] if identity else None
    return getattr(obj, f"{relation}_id")


@dataclass(frozen=True)
class Finality:
    """What the console shows about one row: why it cannot be edited or deleted, what still may change."""

    edit: str | None = None
    delete: str | None = None
    note: str | None = None
    correction_household_id: int | None = None


def finality_of(session: Session, obj: Any, facts: Facts | None = None) -> Finality:
    """The rule's answers for a row loaded (clean) in `session` (`facts`: read ahead for its page)."""
    facts = facts or Facts(session)
    edit, delete = edit_refusal(facts, obj), delete_refusal(facts, obj)
    if not isinstance(obj, Proposal):
        return Finality(edit, delete)
    correction = obj.household_id if finality.offers_correction(obj.status) else None
    return Finality(edit, delete, finality.proposal_note(obj.status), correction)


def finality_of_rows(session: Session, rows: Sequence[Any]) -> list[Finality]:
    """The rule's answers for a page of rows loaded (clean) in `session`, its facts read in a few set queries."""
    facts = Facts(session)
    facts.prefetch(rows)
    return [finality_of(session, row, facts) for row in rows]
