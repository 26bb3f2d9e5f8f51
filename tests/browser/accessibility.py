"""axe-core in the page (vendored: tests/browser/vendor/README.md): the serious and critical violations of WCAG 2 A/AA.

Run through Playwright's evaluate, which the console's CSP does not govern (the page itself may load no script
but its own), so the check sees the page exactly as an official's browser renders it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = frozenset({"serious", "critical"})
RUN = """async () => {
  const rules = {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}};
  const result = await axe.run(document, rules);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe violations of the page as it stands (each with up to 5 offending nodes)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    violations: list[dict[str, Any]] = page.evaluate(RUN)
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def assert_accessible(page: Any) -> None:
    """Fail with each serious or critical violation, its rule, its help text and the nodes it found."""
    found = serious_violations(page)
    assert not found, f"{page.url}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}" for v in found
    )
