"""The dashboard per tier: counts per status and child region, overdue proposals, desil distribution.

Every query is filtered by the user's Scope (policies.scope) and grouped in SQL on indexed columns.
Charts are drawn server-side by pygal as standalone SVG documents served as <img> sources: pygal's SVG
carries a <style> element, which the CSP (style-src 'self') would block inline but not inside an image.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

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
        return "Nasional", [tuple(row) for row in rows], CODE_LENGTH[1]
    own = session.get(Region, scope.code)
    label = str(own) if own else scope.code
    level = own.level if own else 4
    if level >= 4:
        return label, [(scope.code, own.name if own else scope.code)], CODE_LENGTH[4]
    rows = session.execute(
        select(Region.code, Region.name).where(Region.parent_code == scope.code).order_by(Region.code)
    )
    return label, [tuple(row) for row in rows], CODE_LENGTH[level + 1]


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
    counted = dict(rows)
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


def _without_scripts(root: Any) -> Any:
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _drop_pygal_import_hook() -> None:
    """Remove the `sys.meta_path` finder pygal installs on import (for its map plugins, which we do not use).

    It has no `find_spec`, so from then on every import that misses (uvicorn probing for uvloop, say) raises
    an ImportWarning in Python 3.11 - an error under the test suite's `filterwarnings = error`.
    """
    sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]


def _bar_svg(title: str, labels: list[str], values: list[int], series: str, horizontal: bool = False) -> bytes:
    with warnings.catch_warnings():
        # pygal's import/render paths may raise deprecation warnings of its own; they are not ours to fix.
        warnings.simplefilter("ignore", DeprecationWarning)
        import pygal

        _drop_pygal_import_hook()
        from pygal.etree import etree
        from pygal.style import DefaultStyle

        config = pygal.Config()
        config.js = []  # no <script>: the CSP forbids scripts and the console works offline
        config.disable_xml_declaration = False
        config.show_legend = False
        config.width = 800
        config.height = 400
        config.title = title
        config.x_labels = labels
        config.x_label_rotation = 0 if horizontal else 30
        config.style = DefaultStyle
        chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(config)
        chart.add(series, values)
        # pygal always writes a small config <script> into <defs> (even with js=[]): strip every script.
        tree = _without_scripts(chart.render_tree())
        return b"<?xml version='1.0' encoding='utf-8'?>\n" + etree.tostring(tree, encoding="utf-8")


def chart_svg(kind: str, session: Session, scope: Scope) -> bytes | None:
    if kind == "status":
        counts = status_counts(session, scope)
        return _bar_svg(
            "Usulan per status", [s.label for s, _ in counts], [c for _, c in counts], "Usulan", horizontal=True
        )
    if kind == "region":
        _label, counts = region_counts(session, scope)
        return _bar_svg("Usulan per wilayah", [name for _, name, _ in counts], [c for _, _, c in counts], "Usulan")
    if kind == "desil":
        counts = desil_counts(session, scope)
        labels = [f"Desil {d}" if d is not None else "Belum ada" for d, _ in counts]
        return _bar_svg("Keluarga terdaftar per desil", labels, [c for _, c in counts], "Keluarga")
    return None
