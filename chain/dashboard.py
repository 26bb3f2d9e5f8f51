"""The dashboard per tier: counts per status and child region, overdue proposals, desil distribution, programme
members of the current period per child region.

Every query is filtered by the actor's Scope (policies.scope). The counts come from the tallies the database
keeps (models/tally.py): the scope's own row per status for the totals, its children's rows for the regions,
so a national view reads the provinces' rows, not the register. Only the overdue list reads proposals (at
most OVERDUE_LIMIT of them, by the status_changed_at index) and the programme members (one GROUP BY over the
memberships of the period, reports/programme_counts.py). The per-region table (region_table) holds each child
region's proposals per status and registered families; the region chart draws its totals. The charts' words
are in chain/dashboard_series.py, drawn by the console (console/dashboard_charts.py) and the recap's chart
sheet (reports/recap.py); the CLI and tests read the counts here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from chain.deadlines import load_deadlines
from database.counting import count_rows
from models.household import DtksStatus
from models.periods import period_of
from models.programme import Programme
from models.proposal import FINAL_STATUSES, Proposal, ProposalHistory, ProposalStatus
from models.region import Region
from models.region_codes import CODE_LENGTH, RegionLevel, level_of
from models.tally import NO_DESIL, HouseholdTally, ProposalTally, tally_rows
from policies.scope import Scope
from reports.programme_counts import member_counts

OVERDUE_LIMIT = 10  # the oldest; the tile and "Lihat semua" open the whole late list
EXACT_UP_TO = 10_000


@dataclass
class Dashboard:
    region_label: str
    status_counts: list[tuple[ProposalStatus, int]]
    region_counts: list[tuple[str, str, int]]  # code, name, proposals
    overdue: list[Proposal]
    desil_counts: list[tuple[int | None, int]]
    total: int = field(default=0)
    tiles: Tiles | None = None
    regions: RegionTable | None = None
    programme_period: str = ""
    programmes: list[str] = field(default_factory=list)  # programme codes, the table's columns
    programme_rows: list[tuple[str, str, list[int]]] = field(default_factory=list)  # code, name, members each


@dataclass(frozen=True)
class Tiles:
    """The four numbers a head reads first: registered families, proposals under way, late ones, decided this
    quarter. Counts beyond EXACT_UP_TO are the planner's estimate on PostgreSQL (`*_exact` False)."""

    registered: int
    in_flight: int
    late: int
    late_exact: bool
    decided: int
    decided_exact: bool
    quarter_start: date


@dataclass(frozen=True)
class ProgrammeTable:
    """Members of each programme in the period per child region (not ended: active or suspended)."""

    period: str
    programmes: list[str]
    rows: list[tuple[str, str, list[int]]]


@dataclass(frozen=True)
class RegionRow:
    """One child region's numbers: proposals per status (the table's columns) and registered households."""

    code: str
    name: str
    by_status: dict[ProposalStatus, int]
    registered: int

    @property
    def proposals(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class RegionTable:
    """The per-region table under the charts: its statuses are those counted anywhere in the scope."""

    label: str
    level: RegionLevel
    statuses: list[ProposalStatus]
    rows: list[RegionRow]

    def status_total(self, status: ProposalStatus) -> int:
        return sum(row.by_status[status] for row in self.rows)

    @property
    def proposals(self) -> int:
        return sum(row.proposals for row in self.rows)

    @property
    def registered(self) -> int:
        return sum(row.registered for row in self.rows)


def child_regions(session: Session, scope: Scope) -> tuple[str, list[tuple[str, str]], RegionLevel]:
    """The label of the scope, its child regions (code, name) and the level of those children."""
    if scope.code is None:
        rows = session.execute(select(Region.code, Region.name).where(Region.level == 1).order_by(Region.code))
        return "Nasional", [(code, name) for code, name in rows], RegionLevel.PROVINCE
    own = session.get(Region, scope.code)
    label = str(own) if own else scope.code
    level = own_level(scope)
    if level == RegionLevel.VILLAGE:
        return label, [(scope.code, own.name if own else scope.code)], RegionLevel.VILLAGE
    rows = session.execute(
        select(Region.code, Region.name).where(Region.parent_code == scope.code).order_by(Region.code)
    )
    return label, [(code, name) for code, name in rows], RegionLevel(level + 1)


def own_level(scope: Scope) -> RegionLevel:
    """The tally level that counts the whole scope: its own region's rows (the provinces' for the nation)."""
    return RegionLevel.PROVINCE if scope.code is None else level_of(scope.code)


def status_counts(session: Session, scope: Scope) -> list[tuple[ProposalStatus, int]]:
    rows = session.execute(
        tally_rows(ProposalTally, own_level(scope), scope.condition(ProposalTally.region_code), ProposalTally.status)
    ).all()
    counted: dict[ProposalStatus, int] = {ProposalStatus(status): count for status, count in rows}
    return [(status, counted.get(status, 0)) for status in ProposalStatus if counted.get(status)]


def region_counts(session: Session, scope: Scope) -> tuple[str, list[tuple[str, str, int]]]:
    """Proposals per child region: the totals of region_table's rows (one count for the chart and the table)."""
    table = region_table(session, scope)
    return table.label, [(row.code, row.name, row.proposals) for row in table.rows]


def region_table(session: Session, scope: Scope) -> RegionTable:
    """Per child region of the scope: its proposals per status and its registered households, from the tallies."""
    label, children, level = child_regions(session, scope)
    proposals = session.execute(
        tally_rows(
            ProposalTally, level, scope.condition(ProposalTally.region_code), ProposalTally.region_code,
            ProposalTally.status,
        )
    ).all()  # fmt: skip
    by_region: dict[str, dict[ProposalStatus, int]] = {}
    for code, status, count in proposals:
        if count:
            by_region.setdefault(code, {})[ProposalStatus(status)] = count
    area = scope.condition(HouseholdTally.region_code) & (HouseholdTally.dtks_status == DtksStatus.REGISTERED)
    registered: dict[str, int] = {
        code: count
        for code, count in session.execute(tally_rows(HouseholdTally, level, area, HouseholdTally.region_code))
    }
    shown = {status for counts in by_region.values() for status in counts}
    statuses = [status for status in ProposalStatus if status in shown]
    rows = [
        RegionRow(code, name, {status: by_region.get(code, {}).get(status, 0) for status in statuses},
                  registered.get(code, 0))
        for code, name in children
    ]  # fmt: skip
    return RegionTable(label, level, statuses, rows)


def overdue_proposals(session: Session, scope: Scope, today: date, limit: int = OVERDUE_LIMIT) -> list[Proposal]:
    """The `limit` longest overdue proposals in scope, longest first.

    One short walk of the (status, status_changed_at) index per status, `limit` rows each, merged: the oldest
    overdue of the nation are found without reading every overdue proposal to sort them (one OR over the
    statuses made PostgreSQL fetch and sort all of them: 0.8 s for 330,000 proposals).
    """
    walks = [
        select(Proposal.id, Proposal.status_changed_at)
        .where(scope.condition(Proposal.region_code), late)
        .order_by(Proposal.status_changed_at, Proposal.id)
        .limit(limit)
        .subquery()
        for late in load_deadlines(session, scope, today).status_conditions(today).values()
    ]
    if not walks:
        return []
    merged = union_all(*(select(walk.c.id, walk.c.status_changed_at) for walk in walks)).subquery("overdue")
    chosen = select(merged.c.id).order_by(merged.c.status_changed_at, merged.c.id).limit(limit)
    return list(
        session.scalars(
            select(Proposal).where(Proposal.id.in_(chosen)).order_by(Proposal.status_changed_at, Proposal.id)
        )
    )


def desil_counts(session: Session, scope: Scope) -> list[tuple[int | None, int]]:
    """Registered households per desil 1..10, then those without a desil (None) if any."""
    area = scope.condition(HouseholdTally.region_code) & (HouseholdTally.dtks_status == DtksStatus.REGISTERED)
    rows = session.execute(tally_rows(HouseholdTally, own_level(scope), area, HouseholdTally.desil)).all()
    counted: dict[int, int] = {desil: count for desil, count in rows}
    ordered: list[tuple[int | None, int]] = [(desil, counted.get(desil, 0)) for desil in range(1, 11)]
    if counted.get(NO_DESIL):
        ordered.append((None, counted[NO_DESIL]))
    return ordered


def quarter_start(today: date) -> date:
    """The first day of the calendar quarter `today` lies in (the SK Penetapan's periods: -01, -04, -07, -10)."""
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def tiles(session: Session, scope: Scope, today: date, statuses: list[tuple[ProposalStatus, int]]) -> Tiles:
    """The dashboard's number tiles: registered and in flight from the tallies, late and decided by bounded counts."""
    area = scope.condition(HouseholdTally.region_code) & (HouseholdTally.dtks_status == DtksStatus.REGISTERED)
    registered = sum(count for _desil, count in session.execute(
        tally_rows(HouseholdTally, own_level(scope), area, HouseholdTally.desil)
    ).all())  # fmt: skip
    in_flight = sum(count for status, count in statuses if not status.is_final)
    overdue = load_deadlines(session, scope, today).condition(today)
    late = count_rows(
        session, select(Proposal.id).where(scope.condition(Proposal.region_code), overdue), exact_up_to=EXACT_UP_TO
    )
    start = quarter_start(today)
    decided = count_rows(
        session,
        select(ProposalHistory.id).where(
            scope.condition(ProposalHistory.region_code),
            ProposalHistory.to_status.in_(FINAL_STATUSES),
            ProposalHistory.at >= datetime.combine(start, datetime.min.time(), UTC),
        ),
        exact_up_to=EXACT_UP_TO,
    )
    return Tiles(registered, in_flight, late.rows, late.exact, decided.rows, decided.exact, start)


def programme_table(session: Session, scope: Scope, today: date) -> ProgrammeTable:
    """The programme members of the period `today` falls in, per child region of the scope and programme."""
    period = period_of(today)
    _label, children, level = child_regions(session, scope)
    counted = member_counts(session, scope, period, CODE_LENGTH[level])
    codes = list(session.scalars(select(Programme.code).where(Programme.is_active).order_by(Programme.code)))
    codes += sorted({programme for _region, programme in counted} - set(codes))
    rows = [(code, name, [counted.get((code, programme), 0) for programme in codes]) for code, name in children]
    return ProgrammeTable(period, codes, rows)


def programmes_by_default(scope: Scope) -> bool:
    """The programme table comes with the page of a regency or narrower; a province's or the nation's asks for it
    (bench/programme_counts.py: at 1,000,000 households it would take the national page from 14 to 224 ms)."""
    return scope.code is not None and level_of(scope.code) >= RegionLevel.REGENCY


def build(session: Session, scope: Scope, today: date, *, programmes_shown: bool | None = None) -> Dashboard:
    table = region_table(session, scope)
    statuses = status_counts(session, scope)
    shown = programmes_by_default(scope) if programmes_shown is None else programmes_shown
    programmes = programme_table(session, scope, today) if shown else ProgrammeTable("", [], [])
    return Dashboard(
        region_label=table.label,
        status_counts=statuses,
        region_counts=[(row.code, row.name, row.proposals) for row in table.rows],
        overdue=overdue_proposals(session, scope, today),
        desil_counts=desil_counts(session, scope),
        total=sum(count for _status, count in statuses),
        tiles=tiles(session, scope, today, statuses),
        regions=table,
        programme_period=programmes.period,
        programmes=programmes.programmes,
        programme_rows=programmes.rows,
    )
