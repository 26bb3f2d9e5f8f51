"""The ministry's PMT run for a period: every RECEIVED household (new, update, keep) with a visit is scored.

The scoring itself is models/pmt_scoring.py (no database). The run replaces the period's results and works in
bounded memory whatever the size of the register: the households to score are queued in a work table (each
once, in the order of its first received proposal), read back a page of `PAGE` at a time with only the
columns scoring reads (region, member count, the latest visit's answers), scored in Python, and staged;
the results are then written in rank order (poorest first, ties by household id) by one INSERT ... SELECT,
and their audit rows by another (the snapshot built by the database). The caller commits.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Float,
    Integer,
    Row,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, selectinload

from chain.actor import Actor
from chain.batch_sql import (
    action,
    bulk_insert,
    insert_audit_rows,
    iso_timestamp,
    json_object,
    pairs,
    parsed_json,
    work_table,
)
from chain.periods import open_period
from models import Household, Member, PmtModel, PmtResult, Proposal, ProposalKind, ProposalStatus, RegisterMode, Visit
from models.audit import AuditAction
from models.audit_trail import json_safe
from models.base import insert_with_regency, table_of, utc_now
from models.pmt_scoring import ScoringModel, choose_model, desil_of, score_answers, visit_answers
from models.region_codes import RegionLevel, ancestor_at
from models.visit import CODED_ANSWERS
from models.workflow import TransitionRefused

SCORED_KINDS = (ProposalKind.NEW, ProposalKind.UPDATE, ProposalKind.KEEP)
RUNNING = ("proposal", "action:determine")
_SIXTEEN_DIGITS = re.compile(r"\d{16}")  # at least what models/audit_trail.mask_text masks
PAGE = 5_000  # households read, scored and staged at a time
# What scoring reads of a visit (models/pmt_scoring.visit_answers), and how the latest one is chosen.
VISIT_ANSWERS = (*CODED_ANSWERS, "floor_area_m2", "room_count", "assets", "programme_cards", "livestock")

PMT_ONLY_IN_DTKS = (
    "Konsol berjalan dalam mode DTSEN: desil berasal dari pemeringkatan BPS (menu Hasil Pemeringkatan), "
    "bukan dari PMT. Jalankan PMT hanya tersedia pada mode DTKS."
)


@dataclass
class RunOutcome:
    """How many households were scored, and which were not (no visit, no model in force)."""

    period: str = ""
    scored: int = 0
    without_visit: list[int] = field(default_factory=list)
    without_model: list[int] = field(default_factory=list)


def run_pmt(
    session: Session,
    actor: Actor,
    period: str,
    *,
    mode: RegisterMode = RegisterMode.DTKS,
    progress: Callable[[int, int], None] | None = None,
) -> RunOutcome:
    """Score the period's received households and replace its results (a second run replaces the first).

    Only in the DTKS mode: in the DTSEN mode the desil comes from BPS (chain/ranking.py), never from our PMT.
    `progress(done, total)` is told the households read and scored after each page (the CLI's bar)."""
    actor.require(RUNNING)
    if mode is not RegisterMode.DTKS:
        raise TransitionRefused(PMT_ONLY_IN_DTKS)
    outcome = RunOutcome(period=open_period(session, period))
    scorer = _Scorer(list(session.scalars(select(PmtModel).options(selectinload(PmtModel.weights)))), outcome.period)
    session.execute(delete(PmtResult).where(PmtResult.period == outcome.period))  # the bulk finality guard checks it
    connection = session.connection()
    with _queue(connection, actor) as queue, work_table(connection, "pmt_scored", *_scored_columns()) as scored:
        read, queued = 0, 0
        if progress is not None:  # one count of the work table, for the bar's total
            queued = connection.scalar(select(func.count()).select_from(queue)) or 0
            progress(0, queued)
        for page in _pages(connection, queue):
            staged = [row for household in page if (row := scorer.score(household, outcome)) is not None]
            bulk_insert(connection, scored, staged)
            outcome.scored += len(staged)
            read += len(page)
            if progress is not None:
                progress(read, queued)
        _store(connection, scored, outcome.period, scorer.computed_at)
    return outcome


# --- which households, read a page at a time -----------------------------------------------------


@dataclass(frozen=True)
class _Household:
    id: int
    region_code: str
    size: int
    visit: Row[Any] | None  # the latest visit (by date, then id): the answers scoring reads


@contextmanager
def _queue(connection: Connection, actor: Actor) -> Iterator[Table]:
    """The households of the RECEIVED proposals that are scored, once each, keyed by their first proposal's id."""
    columns = (Column("position", Integer, primary_key=True), Column("household_id", Integer, nullable=False))
    proposals = (
        select(func.min(Proposal.id), Proposal.household_id)
        .where(
            Proposal.status == ProposalStatus.RECEIVED,
            Proposal.kind.in_(SCORED_KINDS),
            actor.scope.condition(Proposal.region_code),
        )
        .group_by(Proposal.household_id)
    )
    with work_table(connection, "pmt_queue", *columns) as queue:
        connection.execute(insert(queue).from_select(["position", "household_id"], proposals))
        yield queue


def _pages(connection: Connection, queue: Table) -> Iterator[list[_Household]]:
    """The queued households in queue order, `PAGE` at a time (keyset pagination on the position)."""
    last = 0
    while True:
        page = connection.execute(
            select(queue.c.position, queue.c.household_id, Household.region_code)
            .join(Household, Household.id == queue.c.household_id)
            .where(queue.c.position > last)
            .order_by(queue.c.position)
            .limit(PAGE)
        ).all()
        if not page:
            return
        first, last = page[0].position, page[-1].position
        in_page = select(queue.c.household_id).where(queue.c.position.between(first, last))
        counted = select(Member.household_id, func.count()).where(Member.household_id.in_(in_page))
        sizes = {household_id: size for household_id, size in connection.execute(counted.group_by(Member.household_id))}
        visits = _latest_visits(connection, in_page)
        yield [
            _Household(row.household_id, row.region_code, sizes.get(row.household_id, 0), visits.get(row.household_id))
            for row in page
        ]


def _latest_visits(connection: Connection, households: Any) -> dict[int, Row[Any]]:
    """Each household's latest visit (the latest date, then the highest id), with the answers scoring reads."""
    newest_first = func.row_number().over(
        partition_by=Visit.household_id, order_by=(Visit.visited_on.desc(), Visit.id.desc())
    )
    ranked = (
        select(Visit.household_id, *_answer_columns(), newest_first.label("newest"))
        .where(Visit.household_id.in_(households))
        .subquery()
    )
    rows = connection.execute(select(ranked).where(ranked.c.newest == 1))
    return {row.household_id: row for row in rows}


def _answer_columns() -> list[Any]:
    """The answers as stored: the coded ones as their text (what scoring compares), not as enum members, and
    the JSON ones (assets, cards, livestock) read as text and parsed once per distinct value (`_RepeatedJson`)."""
    coded = [type_coerce(getattr(Visit, name), String).label(name) for name in CODED_ANSWERS]
    others = [getattr(Visit, name) for name in VISIT_ANSWERS if name not in CODED_ANSWERS]
    return [
        *coded,
        *(type_coerce(cast(c, Text), _RepeatedJson).label(c.key) if isinstance(c.type, JSON) else c for c in others),
    ]


@lru_cache(maxsize=65_536)
def _parsed(text: str) -> Any:
    return json.loads(text)


class _RepeatedJson(TypeDecorator[Any]):
    """A JSON answer read as its text and parsed through a cache: a register holds few distinct asset lists,
    card lists and livestock counts, and parsing each visit's three values cost more than scoring it. The parsed
    values are shared between households, so scoring only reads them (models/pmt_scoring.visit_answers copies)."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else _parsed(value)


# --- scoring -------------------------------------------------------------------------------------


class _Scorer:
    """Each household's model (the regency override, else the national one: `choose_model`) and its score."""

    def __init__(self, models: list[PmtModel], period: str) -> None:
        self.models, self.period = models, period
        self.computed_at: datetime = utc_now()
        self._by_regency: dict[str, PmtModel | None] = {}
        self._scoring: dict[int, ScoringModel] = {}

    def model_for(self, region_code: str) -> PmtModel | None:
        regency = ancestor_at(region_code, RegionLevel.REGENCY)
        if regency not in self._by_regency:
            self._by_regency[regency] = choose_model(self.models, regency, self.period)
        return self._by_regency[regency]

    def scoring(self, model: PmtModel) -> ScoringModel:
        if model.id not in self._scoring:
            weights = {(w.variable, w.choice or ""): w.weight for w in model.weights}
            self._scoring[model.id] = ScoringModel(model.intercept, weights, list(model.desil_cutoffs), model.id)
        return self._scoring[model.id]

    def score(self, household: _Household, outcome: RunOutcome) -> dict[str, Any] | None:
        """The staged result of a household, or None (noted in `outcome`) when it has no visit or no model."""
        if household.visit is None:
            outcome.without_visit.append(household.id)
            return None
        model = self.model_for(household.region_code)
        if model is None:
            outcome.without_model.append(household.id)
            return None
        result = score_answers(self.scoring(model), visit_answers(household.visit, household.size))
        values = {
            "household_id": household.id,
            "period": self.period,
            "model_id": model.id,
            "score": result.score,
            "desil": desil_of(result.score, model.desil_cutoffs),
            "contributions": result.contributions,
            "region_code": household.region_code,
        }
        # What the audit row's snapshot needs that SQL cannot say as the trail does (models/audit_trail.py): the
        # score as Python writes a float, and the contributions only if masking changed them (it never does for
        # the instrument's variable names).
        return {**values, "score_text": _score_text(result.score), "audit_contributions": _masked(result.contributions)}


def _score_text(score: float) -> str:
    """The score as the trail's JSON writes it (json_safe, then json.dumps: a finite float is its repr)."""
    return repr(score) if math.isfinite(score) else json.dumps(json_safe(score))


def _masked(contributions: dict[str, float]) -> str | None:
    """The contributions as the trail would store them, or None when that is themselves (the common case: no key
    holds a run of 16 digits and every value is finite, which json_safe keeps as they are)."""
    if not _SIXTEEN_DIGITS.search("\n".join(contributions)) and all(map(math.isfinite, contributions.values())):
        return None
    audited = json_safe(contributions)
    return json.dumps(audited) if audited != contributions else None


# --- storing, in rank order, with the audit rows -------------------------------------------------


def _scored_columns() -> tuple[Column[Any], ...]:
    return (
        Column("household_id", Integer, primary_key=True),
        Column("period", String(7), nullable=False),
        Column("model_id", Integer, nullable=False),
        Column("score", Float, nullable=False),
        Column("desil", SmallInteger, nullable=False),
        Column("contributions", JSON, nullable=False),
        Column("region_code", String(13), nullable=False),
        Column("score_text", Text, nullable=False),
        Column("audit_contributions", Text),
    )


def _store(connection: Connection, scored: Table, period: str, computed_at: datetime) -> None:
    """The staged results into pmt_result, poorest first (ties by household id), then one CREATE audit row each."""
    names = ["household_id", "period", "model_id", "score", "desil", "contributions", "region_code"]
    ranked = select(*(scored.c[name] for name in names), literal(computed_at, table_of(PmtResult).c.computed_at.type))
    ranked = ranked.order_by(scored.c.score, scored.c.household_id)
    results = table_of(PmtResult)
    connection.execute(insert_with_regency(results, [*names, "computed_at"], ranked))
    r, contributions = results.c, func.coalesce(scored.c.audit_contributions, cast(results.c.contributions, Text))
    after = json_object(*pairs([
        ("id", r.id), ("household_id", r.household_id), ("period", r.period), ("model_id", r.model_id),
        ("score", parsed_json(scored.c.score_text)), ("desil", r.desil), ("contributions", parsed_json(contributions)),
        ("region_code", r.region_code), ("computed_at", iso_timestamp(computed_at)),
    ]))  # fmt: skip
    rows = (
        select(action(AuditAction.CREATE), literal("pmt_result"), cast(r.id, Text), r.region_code, null(), after)
        .add_columns(literal(""))
        .join_from(results, scored, scored.c.household_id == results.c.household_id)
        .where(results.c.period == period)
    )
    insert_audit_rows(connection, rows)
