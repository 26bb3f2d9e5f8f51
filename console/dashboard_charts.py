"""The dashboard's three charts: chain/dashboard_series.py's series drawn by console/charts.py as standalone SVG.

Served as <img> sources, so the CSP stays strict. The recap's chart sheet reads the same series
(reports/recap.py), so the workbook and the page show the same numbers under the same titles.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from chain.dashboard_series import CHART_KINDS, chart_series
from console.charts import WIDE, Bar, bar_chart_svg
from policies.scope import Scope


def chart_svg(kind: str, session: Session, scope: Scope) -> bytes | None:
    """The SVG of one dashboard chart (`status`, `region` or `desil`), or None for an unknown kind."""
    if kind not in CHART_KINDS:
        return None
    series = chart_series(session, scope, (kind,))[kind]
    return bar_chart_svg(series.title, [Bar(label, count) for label, count in series.bars], width=WIDE)
