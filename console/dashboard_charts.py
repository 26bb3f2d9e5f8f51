"""The dashboard's three charts: chain/dashboard.py's counts drawn by console/charts.py as standalone SVG.

Served as <img> sources, so the CSP stays strict.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from chain.dashboard import desil_counts, region_counts, status_counts
from console.charts import Bar, bar_chart_svg
from policies.scope import Scope


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
