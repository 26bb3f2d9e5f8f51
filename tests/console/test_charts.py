"""The dashboard's bar charts: standalone SVG with every label and count as text, hostile labels escaped."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from console.charts import LONGEST_LABEL, NARROWEST, WIDTH, Bar, bar_chart_svg, number_text, shown_label

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def _texts(root: ElementTree.Element) -> list[str]:
    """The visible text: the title's lines (joined into one), then each bar's label and count."""
    heading = [element.text or "" for element in root.iter(f"{SVG}text") if element.get("font-size") is not None]
    rows = [element.text or "" for element in root.iter(f"{SVG}text") if element.get("font-size") is None]
    return [" ".join(heading), *rows]


def _bar_widths(root: ElementTree.Element) -> list[float]:
    return [float(element.get("width", "0")) for element in root.iter(f"{SVG}rect")]


def test_every_label_and_its_count_are_written_on_the_chart() -> None:
    bars = [Bar("Draf", 12), Bar("Dikirim ke Dinsos", 3), Bar("Disahkan SK Bupati/Walikota", 1234)]
    root = _parse(bar_chart_svg("Usulan per status", bars))

    texts = _texts(root)
    assert texts[0] == "Usulan per status"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Usulan per status"
    assert texts[1:] == ["Draf", "12", "Dikirim ke Dinsos", "3", "Disahkan SK Bupati/Walikota", "1.234"]


def test_bars_are_as_long_as_their_counts() -> None:
    root = _parse(bar_chart_svg("Usulan per wilayah", [Bar("Paruga", 10), Bar("Sarae", 5), Bar("Rabangodu", 1)]))

    longest, half, tenth = _bar_widths(root)
    assert half == pytest.approx(longest / 2, abs=0.1)
    assert tenth == pytest.approx(longest / 10, abs=0.1)


def test_a_zero_count_draws_no_bar_but_still_shows_its_zero() -> None:
    root = _parse(bar_chart_svg("Keluarga terdaftar per desil", [Bar("Desil 1", 4), Bar("Desil 2", 0)]))

    assert len(_bar_widths(root)) == 1
    assert _texts(root)[-2:] == ["Desil 2", "0"]


def test_an_empty_chart_says_there_is_no_data_yet() -> None:
    root = _parse(bar_chart_svg("Usulan per status", []))

    assert _texts(root) == ["Usulan per status", "Belum ada data."]
    assert _bar_widths(root) == []


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><image href="https://example.invalid/x.png"/>',
        "Desa & <b>Kota</b>",
        "]]><!ENTITY x 'y'>",
    ],
)
def test_a_hostile_label_stays_text_and_adds_no_element(hostile: str) -> None:
    svg = bar_chart_svg(hostile, [Bar(hostile, 1)])
    root = _parse(svg)

    assert b"<script" not in svg and b"<image" not in svg and b"<b>" not in svg
    assert {element.tag for element in root.iter()} <= {
        f"{SVG}{tag}" for tag in ("svg", "title", "text", "line", "rect")
    }
    assert _texts(root)[0] == hostile
    assert _texts(root)[1] == shown_label(hostile)


def test_the_chart_carries_no_script_style_or_link_that_the_csp_would_refuse() -> None:
    svg = bar_chart_svg("Usulan per status", [Bar("Draf", 2)])
    root = _parse(svg)

    assert not [element for element in root.iter() if element.get("style") is not None]
    for refused in (b"<script", b"<style", b"href", b"@import", b"url("):
        assert refused not in svg


def test_a_long_label_is_cut_with_an_ellipsis() -> None:
    name = "Kelurahan dengan nama yang sangat panjang sekali"
    root = _parse(bar_chart_svg("Usulan per wilayah", [Bar(name, 7)]))

    label = _texts(root)[1]
    assert len(label) == LONGEST_LABEL and label.endswith("…")
    assert name.startswith(label[:-1])


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (1234567, "1.234.567")])
def test_counts_are_written_with_dots_between_thousands(value: int, text: str) -> None:
    assert number_text(value) == text


def test_a_chart_is_as_wide_as_its_longest_label_and_a_longer_title_wraps() -> None:
    short = _parse(bar_chart_svg("Keluarga terdaftar per desil", [Bar("Desil 10", 2), Bar("Belum ada", 1)]))
    long = _parse(bar_chart_svg("Usulan per status", [Bar("Disahkan SK Bupati/Walikota", 2)]))

    assert int(short.get("width", "0")) == NARROWEST
    assert NARROWEST < int(long.get("width", "0")) <= WIDTH
    title_lines = [element.text for element in short.iter(f"{SVG}text") if element.get("font-size") is not None]
    assert title_lines == ["Keluarga terdaftar", "per desil"]
    assert _texts(short)[0] == "Keluarga terdaftar per desil"
