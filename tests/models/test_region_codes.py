"""models/region_codes.py is the one place that knows a region code's level and the regions above it."""

from __future__ import annotations

import pytest

from models.region_codes import (
    CODE_LENGTH,
    RegionLevel,
    ancestor_at,
    is_code_of_level,
    level_of,
    regency_of,
    village_code_from_digits,
)

PROVINCE, REGENCY, KECAMATAN, VILLAGE = "52", "52.72", "52.72.01", "52.72.01.1001"

LEVELS = [
    (PROVINCE, RegionLevel.PROVINCE),
    (REGENCY, RegionLevel.REGENCY),
    (KECAMATAN, RegionLevel.KECAMATAN),
    (VILLAGE, RegionLevel.VILLAGE),
]


@pytest.mark.parametrize(("code", "level"), LEVELS, ids=[level.name for _, level in LEVELS])
def test_a_code_is_of_exactly_its_own_level(code: str, level: RegionLevel) -> None:
    assert level_of(code) == level and len(code) == CODE_LENGTH[level]
    assert [other for other in RegionLevel if is_code_of_level(code, other)] == [level]


@pytest.mark.parametrize(
    "text",
    ["", "5272", "52.7", "52.72.1", "52.72.01.101", "52.72.01.10011", "52.72.01.1001.", "ab.cd", "52-72"],
    ids=["empty", "no-dots", "short-regency", "short-kecamatan", "short-village", "long-village", "trailing-dot",
         "letters", "dash"],
)  # fmt: skip
def test_a_malformed_code_is_of_no_level(text: str) -> None:
    assert not any(is_code_of_level(text, level) for level in RegionLevel)


ANCESTORS = [
    (VILLAGE, RegionLevel.PROVINCE, PROVINCE),
    (VILLAGE, RegionLevel.REGENCY, REGENCY),
    (VILLAGE, RegionLevel.KECAMATAN, KECAMATAN),
    (VILLAGE, RegionLevel.VILLAGE, VILLAGE),
    (KECAMATAN, RegionLevel.REGENCY, REGENCY),
    (REGENCY, RegionLevel.REGENCY, REGENCY),
    (PROVINCE, RegionLevel.REGENCY, PROVINCE),  # above the level asked: its own answer
    (PROVINCE, RegionLevel.VILLAGE, PROVINCE),
]


@pytest.mark.parametrize(("code", "level", "ancestor"), ANCESTORS, ids=[f"{c}@{lv.name}" for c, lv, _ in ANCESTORS])
def test_the_ancestor_at_a_level_is_the_region_holding_the_code(code: str, level: RegionLevel, ancestor: str) -> None:
    assert ancestor_at(code, level) == ancestor


@pytest.mark.parametrize(
    ("code", "regency"),
    [(VILLAGE, REGENCY), (KECAMATAN, REGENCY), (REGENCY, REGENCY), (PROVINCE, None), ("73.02.01.1001", "73.02")],
    ids=["village", "kecamatan", "regency", "province", "another-province"],
)
def test_the_regency_of_a_code_is_its_second_tier_and_a_province_has_none(code: str, regency: str | None) -> None:
    assert regency_of(code) == regency


@pytest.mark.parametrize(
    ("text", "dotted"),
    [("5272011001", VILLAGE), (VILLAGE, None), ("527201100", None), ("52720110011", None), ("52720110a1", None)],
    ids=["ten-digits", "already-dotted", "nine-digits", "eleven-digits", "a-letter"],
)
def test_a_village_code_written_without_dots_is_dotted_and_nothing_else_is(text: str, dotted: str | None) -> None:
    assert village_code_from_digits(text) == dotted
