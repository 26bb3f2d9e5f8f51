"""Horizontal bar charts as standalone SVG documents, drawn in plain Python with the numbers on the bars.

The dashboard serves them as <img> sources from its own route, so the strict CSP holds: no script, no
<style> element, no inline style attribute, only SVG presentation attributes. The document is built with
ElementTree, which escapes every label and title (a region or status name is data, never markup).
Each row is its label on a line of its own, then its bar with the count at the bar's end: the dashboard
gives a chart a narrow column (about 150 to 290 px on a 1366 px laptop screen), and an image shrinks to its
column but never grows, so a chart is drawn only as wide as its longest label needs (200 to 320 units),
and its 15-unit text shows at full size in any column at least that wide.

The dashboard draws its charts wide instead (`width=WIDE`, each chart a card's full width: about 1,050 px at
1366 px, 720 px on an A4 page): each label then sits left of its bar on the same line, so the 15-unit text
shows at 15 to 22 px on screen and about 11 pt on paper, and eleven desil rows stay one screen tall.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
WIDTH = 320  # the widest chart: a label of LONGEST_LABEL characters
NARROWEST = 200  # room for a bar and its count beside short labels ("Desil 10")
CHARACTER_WIDTH = 8.2  # a generous average advance of FONT at FONT_SIZE
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
FONT_SIZE = 15
TITLE_SIZE = 16
MARGIN = 8
TITLE_LINE_HEIGHT = 22
TITLE_CHARACTER_WIDTH = 9.4  # bold, at TITLE_SIZE
LABEL_HEIGHT = 20  # the label's line above its bar
BAR_HEIGHT = 16
ROW_GAP = 8
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
LONGEST_LABEL = 36  # characters on one line of WIDTH; a longer label is cut with an ellipsis (the table has it)
NUMBER_ROOM = 64  # room right of the longest bar for its count ("12.345")
BAR_COLOUR = "#206bc4"  # Tabler's primary blue, the console's own
TEXT_COLOUR = "#1d273b"
MUTED_COLOUR = "#667382"
EMPTY_TEXT = "Belum ada data."
WIDE = 720  # the dashboard's full-width charts
WIDE_ROW_HEIGHT = 30  # a wide chart's row: label, bar and count on one line
WIDE_CHARACTER_WIDTH = 9.0  # DejaVu Sans (Debian's fallback, and print) runs wider than CHARACTER_WIDTH
LABEL_GAP = 12  # between a wide chart's label column and its bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def number_text(value: int) -> str:
    """A count as Indonesians write it: dots between thousands (12.345)."""
    return f"{value:,}".replace(",", ".")


def shown_label(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1].rstrip() + "…"


def bar_chart_svg(title: str, bars: Sequence[Bar], *, width: int | None = None) -> bytes:
    """The SVG document of a horizontal bar chart: `title` above, one labelled bar per entry of `bars`.

    Without `width` it is as narrow as its labels allow (labels above the bars); with it, labels beside the bars.
    """
    wide = width is not None
    width = width or chart_width(bars)
    title_lines = textwrap.wrap(title, int((width - 2 * MARGIN) / TITLE_CHARACTER_WIDTH), break_long_words=False) or [
        ""
    ]
    top = TITLE_LINE_HEIGHT * len(title_lines) + ROW_GAP
    height = top + (WIDE_ROW_HEIGHT if wide else ROW_HEIGHT) * max(len(bars), 1)
    root = ElementTree.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "font-family": FONT,
            "font-size": str(FONT_SIZE),
            "fill": TEXT_COLOUR,
        },
    )
    ElementTree.SubElement(root, "title").text = title
    for index, line in enumerate(title_lines):
        heading = _text(root, MARGIN, TITLE_LINE_HEIGHT * (index + 0.5), line)
        heading.set("font-size", str(TITLE_SIZE))
        heading.set("font-weight", "600")
    if not bars:
        _text(root, MARGIN, top + LABEL_HEIGHT / 2, EMPTY_TEXT, fill=MUTED_COLOUR)
    elif wide:
        _draw_wide_bars(root, bars, width, top)
    else:
        _draw_bars(root, bars, width, top)
    document = io.BytesIO()
    ElementTree.ElementTree(root).write(document, encoding="utf-8", xml_declaration=True)
    return document.getvalue()


def chart_width(bars: Sequence[Bar]) -> int:
    """As wide as the longest shown label needs, within NARROWEST..WIDTH (a longer title wraps instead)."""
    longest = max([len(shown_label(bar.label)) for bar in bars] or [0])
    return max(NARROWEST, min(WIDTH, round(2 * MARGIN + CHARACTER_WIDTH * longest)))


def _draw_bars(root: ElementTree.Element, bars: Sequence[Bar], width: int, first_top: float) -> None:
    """Each row: its label, then under it its bar from the left margin and its count just past the bar's end."""
    plot_width = width - 2 * MARGIN - NUMBER_ROOM
    largest = max(bar.value for bar in bars) or 1
    for index, bar in enumerate(bars):
        top = first_top + ROW_HEIGHT * index
        _text(root, MARGIN, top + LABEL_HEIGHT / 2, shown_label(bar.label))
        bar_top = top + LABEL_HEIGHT
        length = max(plot_width * bar.value / largest, 3 if bar.value else 0)  # a count of 1 still shows
        if bar.value:
            rectangle = {"x": str(MARGIN), "y": _number(bar_top), "width": _number(length), "height": str(BAR_HEIGHT)}
            ElementTree.SubElement(root, "rect", {**rectangle, "fill": BAR_COLOUR, "rx": "2"})
        count = _text(root, MARGIN + length + 6, bar_top + BAR_HEIGHT / 2, number_text(bar.value))
        count.set("font-weight", "600")


def _draw_wide_bars(root: ElementTree.Element, bars: Sequence[Bar], width: int, first_top: float) -> None:
    """Each row on one line: its label in a column as wide as the longest, its bar, its count past the bar."""
    label_room = 2 * MARGIN + LABEL_GAP + WIDE_CHARACTER_WIDTH * max(len(shown_label(bar.label)) for bar in bars)
    plot_width = width - label_room - MARGIN - NUMBER_ROOM
    largest = max(bar.value for bar in bars) or 1
    for index, bar in enumerate(bars):
        middle = first_top + WIDE_ROW_HEIGHT * index + WIDE_ROW_HEIGHT / 2
        _text(root, MARGIN, middle, shown_label(bar.label))
        length = max(plot_width * bar.value / largest, 3 if bar.value else 0)
        if bar.value:
            rectangle = {"x": _number(label_room), "y": _number(middle - BAR_HEIGHT / 2), "width": _number(length)}
            ElementTree.SubElement(
                root, "rect", {**rectangle, "height": str(BAR_HEIGHT), "fill": BAR_COLOUR, "rx": "2"}
            )
        count = _text(root, label_room + length + 6, middle, number_text(bar.value))
        count.set("font-weight", "600")


def _text(
    root: ElementTree.Element, x: float, y: float, content: str, *, fill: str | None = None
) -> ElementTree.Element:
    attributes = {"x": _number(x), "y": _number(y), "dominant-baseline": "central"}
    if fill is not None:
        attributes["fill"] = fill
    element = ElementTree.SubElement(root, "text", attributes)
    element.text = content
    return element


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
