"""The dashboard per tier: counts per status and child region, overdue proposals, desil distribution.

Every query is filtered by the user's Scope (policies.scope) and grouped in SQL on indexed columns.
Charts are standalone SVG documents (console/charts.py) served as <img> sources, so the CSP stays strict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from console.charts import Bar, bar_chart_svg
from models import Household
from models.deadline import StepTarget
from models.deadlines import overdue_since
from models.household import DtksStatus
from models.proposal import Proposal, ProposalStatus
from models.region import Region
from policies.scope import Scope

OVERDUE_LIMIT = 50
# Length of a region code per level: province "35", regency "35.07", kecamatan "35.07.01", village 13.
CODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}


def step_targets(session: Session) -> dict[str, int]:
    return {status: days for status, days in session.execute(select(StepTarget.status, StepTarget.working_days))}


def overdue_condition(targets: Mapping[str, int], today: date) -> Any:
    """SQL: the proposal has stayed in its (non-final) status longer than the status's target."""
    clauses = [
        and_(
            Proposal.status == ProposalStatus(status),
            Proposal.status_changed_at < datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC),
        )
        for status, day in overdue_since(targets, today).items()
    ]
    return or_(*clauses) if clauses else and_(Proposal.id.is_(None), Proposal.id.is_not(None))


@dataclass
class Dashboard:
    region_label: str
    status_counts: list[tuple[ProposalStatus, int]]
    region_counts: list[tuple[str, str, int]]  # code, name, proposals
    overdue: list[Proposal]
    desil_counts: list[tuple[int | None, int]]
    total: int = field(default=0)


def child_regions(session: Session, scope: Scope) -> tuple[str, list[tuple[str, str]], int]:
    """The label of the scope, its child regions (code, name) and the code length of those children."""
    if scope.code is None:
        rows = session.execute(select(Region.code, Region.name).where(Region.level == 1).order_by(Region.code))
        return "Nasional", [(code, name) for code, name in rows], CODE_LENGTH[1]
    own = session.get(Region, scope.code)
    label = str(own) if own else scope.code
    level = own.level if own else 4
    if level >= 4:
        return label, [(scope.code, own.name if own else scope.code)], CODE_LENGTH[4]
    rows = session.execute(
        select(Region.code, Region.name).where(Region.parent_code == scope.code).order_by(Region.code)
    )
    return label, [(code, name) for code, name in rows], CODE_LENGTH[level + 1]


def status_counts(session: Session, scope: Scope) -> list[tuple[ProposalStatus, int]]:
    rows = session.execute(
        select(Proposal.status, func.count()).where(scope.condition(Proposal.region_code)).group_by(Proposal.status)
    ).all()
    counted = dict(rows)
    return [(status, counted.get(status, 0)) for status in ProposalStatus if counted.get(status)]


def region_counts(session: Session, scope: Scope) -> tuple[str, list[tuple[str, str, int]]]:
    label, children, length = child_regions(session, scope)
    prefix = func.substr(Proposal.region_code, 1, length)
    rows = session.execute(
        select(prefix, func.count()).where(scope.condition(Proposal.region_code)).group_by(prefix)
    ).all()
    counted: dict[str, int] = dict(rows)
    return label, [(code, name, counted.get(code, 0)) for code, name in children]


def overdue_proposals(session: Session, scope: Scope, today: date, limit: int = OVERDUE_LIMIT) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(scope.condition(Proposal.region_code), overdue_condition(step_targets(session), today))
            .order_by(Proposal.status_changed_at, Proposal.id)
            .limit(limit)
        )
    )


def desil_counts(session: Session, scope: Scope) -> list[tuple[int | None, int]]:
    rows = session.execute(
        select(Household.desil, func.count())
        .where(scope.condition(Household.region_code), Household.dtks_status == DtksStatus.REGISTERED)
        .group_by(Household.desil)
    ).all()
    counted = dict(rows)
    ordered: list[tuple[int | None, int]] = [(desil, counted.get(desil, 0)) for desil in range(1, 11)]
    if counted.get(None):
        ordered.append((None, counted[None]))
    return ordered


def build(session: Session, scope: Scope, today: date) -> Dashboard:
    label, regions = region_counts(session, scope)
    statuses = status_counts(session, scope)
    return Dashboard(
        region_label=label,
        status_counts=statuses,
        region_counts=regions,
        overdue=overdue_proposals(session, scope, today),
        desil_counts=desil_counts(session, scope),
        total=sum(count for _status, count in statuses),
    )


# --- charts -------------------------------------------------------------------------------------


def chart_svg(kind: str, session: Session, scope: Scope) -> bytes | None:
    """The SVG of one dashboard chart (`status`, `region` or `desil`), or None for an unknown kind."""
    if kind == "status":
        bars = [Bar(status.label, count) for status, count in status_counts(session, scope)]
        return bar_chart_svg("Usulan per status", bars)
    if kind == "region":
        _label, regions = region_counts(session, scope)
        return bar_chart_svg("Usulan per wilayah", [Bar(name, count) for _code, name, count in regions])
    if kind == "desil":
        desils = desil_counts(session, scope)
        bars = [Bar(f"Desil {desil}" if desil is not None else "Belum ada", count) for desil, count in desils]
        return bar_chart_svg("Keluarga terdaftar per desil", bars)
    return None
