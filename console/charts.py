"""Horizontal bar charts as standalone SVG documents, drawn in plain Python with the numbers on the bars.

The dashboard serves them as <img> sources from its own route, so the strict CSP holds: no script, no
<style> element, no inline style attribute, only SVG presentation attributes. The document is built with
ElementTree, which escapes every label and title (a region or status name is data, never markup).
One bar per row with its label on the left and its count at its end, at a size a district head reads on
a laptop: the chart is drawn 600 units wide, about the width a half-width dashboard column gives it, with 15-unit text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
WIDTH = 600
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
FONT_SIZE = 15
TITLE_SIZE = 18
CHARACTER_WIDTH = 8.6  # a generous average advance of FONT at FONT_SIZE, so a label never runs into its bar
MARGIN = 16
TITLE_HEIGHT = 44
ROW_HEIGHT = 30
BAR_HEIGHT = 20
LONGEST_LABEL = 30  # characters; a longer label is cut with an ellipsis (the table under the chart has it whole)
NUMBER_ROOM = 72  # room right of the longest bar for its count ("12.345")
BAR_COLOUR = "#206bc4"  # Tabler's primary blue, the console's own
TEXT_COLOUR = "#1d273b"
GRID_COLOUR = "#dce1e7"
EMPTY_TEXT = "Belum ada data."


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def number_text(value: int) -> str:
    """A count as Indonesians write it: dots between thousands (12.345)."""
    return f"{value:,}".replace(",", ".")


def shown_label(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1].rstrip() + "…"


def bar_chart_svg(title: str, bars: Sequence[Bar]) -> bytes:
    """The SVG document of a horizontal bar chart: `title` above, one labelled bar per entry of `bars`."""
    label_width = MARGIN + CHARACTER_WIDTH * max([len(shown_label(bar.label)) for bar in bars] or [0])
    height = TITLE_HEIGHT + ROW_HEIGHT * max(len(bars), 1) + MARGIN
    root = ElementTree.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "font-family": FONT,
            "font-size": str(FONT_SIZE),
            "fill": TEXT_COLOUR,
        },
    )
    ElementTree.SubElement(root, "title").text = title
    heading = ElementTree.SubElement(root, "text", {"x": str(MARGIN), "y": "28", "font-size": str(TITLE_SIZE)})
    heading.set("font-weight", "600")
    heading.text = title
    if not bars:
        _text(root, MARGIN, TITLE_HEIGHT + ROW_HEIGHT / 2, EMPTY_TEXT, fill="#667382")
    else:
        _draw_bars(root, bars, label_width)
    document = io.BytesIO()
    ElementTree.ElementTree(root).write(document, encoding="utf-8", xml_declaration=True)
    return document.getvalue()


def _draw_bars(root: ElementTree.Element, bars: Sequence[Bar], label_width: float) -> None:
    """Each row: its label right-aligned before the axis, its bar, its count just past the bar's end."""
    plot_width = WIDTH - label_width - NUMBER_ROOM - MARGIN
    largest = max(bar.value for bar in bars) or 1
    axis = label_width + 8
    bottom = TITLE_HEIGHT + ROW_HEIGHT * len(bars)
    _line(root, axis, TITLE_HEIGHT - 4, axis, bottom)
    for index, bar in enumerate(bars):
        top = TITLE_HEIGHT + ROW_HEIGHT * index + (ROW_HEIGHT - BAR_HEIGHT) / 2
        middle = top + BAR_HEIGHT / 2
        length = max(plot_width * bar.value / largest, 3 if bar.value else 0)  # a count of 1 still shows
        _text(root, label_width, middle, shown_label(bar.label), anchor="end")
        if bar.value:
            rectangle = {"x": _number(axis), "y": _number(top), "width": _number(length), "height": str(BAR_HEIGHT)}
            ElementTree.SubElement(root, "rect", {**rectangle, "fill": BAR_COLOUR, "rx": "2"})
        count = _text(root, axis + length + 6, middle, number_text(bar.value))
        count.set("font-weight", "600")


def _text(
    root: ElementTree.Element, x: float, y: float, content: str, *, anchor: str = "start", fill: str | None = None
) -> ElementTree.Element:
    attributes = {"x": _number(x), "y": _number(y), "dominant-baseline": "central", "text-anchor": anchor}
    if fill is not None:
        attributes["fill"] = fill
    element = ElementTree.SubElement(root, "text", attributes)
    element.text = content
    return element


def _line(root: ElementTree.Element, x1: float, y1: float, x2: float, y2: float) -> None:
    ends = {"x1": _number(x1), "y1": _number(y1), "x2": _number(x2), "y2": _number(y2)}
    ElementTree.SubElement(root, "line", {**ends, "stroke": GRID_COLOUR, "stroke-width": "1"})


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
