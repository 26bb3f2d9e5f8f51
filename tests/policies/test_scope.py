"""The region scope: whole dotted segments, the same answer in SQL and in Python, for every real code."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lokal import wilayah
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.database import make_session_factory
from models import Region
from policies.scope import Scope


def _all_codes() -> list[str]:
    codes: list[str] = []
    frontier = [w.code for w in wilayah.list_wilayah()]
    while frontier:
        code = frontier.pop()
        codes.append(code)
        frontier.extend(child.code for child in wilayah.list_wilayah(code))
    return codes


ALL_CODES = _all_codes()


@pytest.mark.parametrize(
    ("scope", "code", "inside"),
    [
        ("35.1", "35.15", False),
        ("35.1", "35.15.01.2001", False),
        ("35.15", "35.15", True),
        ("35.15", "35.15.01.2001", True),
        ("35.15", "35.150", False),
        ("35.15.01", "35.15.010.2001", False),
        ("52.72.01.1001", "52.72.01.1001", True),
        ("52.72.01.1001", "52.72.01.1002", False),
        ("52", "5", False),
    ],
)
def test_scope_compares_whole_segments(scope: str, code: str, inside: bool) -> None:
    assert Scope(scope).holds(code) is inside


def test_a_national_scope_holds_everything_and_an_invalid_one_nothing() -> None:
    assert Scope(None).holds("11.01.01.2001")
    assert not Scope("52.72", valid=False).holds("52.72.01.1001")
    assert not Scope("52.72").holds(None)


def test_no_regency_scope_holds_a_village_of_another_regency_over_all_83762_villages() -> None:
    villages = [code for code in ALL_CODES if code.count(".") == 3]
    regencies = [code for code in ALL_CODES if code.count(".") == 1]
    assert len(villages) == 83762
    # "32.1" vs "32.10": a regency prefix that is a string prefix of another regency's villages.
    by_regency: dict[str, int] = {}
    for village in villages:
        by_regency[village[:5]] = by_regency.get(village[:5], 0) + 1
    false_allows = 0
    for regency in regencies:
        scope = Scope(regency)
        held = sum(1 for village in villages if scope.holds(village))
        false_allows += held - by_regency.get(regency, 0)
    assert false_allows == 0


@settings(max_examples=60, deadline=None)
@given(scope=st.sampled_from(["52", "52.72", "52.72.01", "52.72.01.1001", "73.02", "73.02.01", "52.7", "7"]))
def test_the_sql_condition_and_the_python_check_agree_on_real_regions(
    scope: str, db_session_for_property: Session
) -> None:
    rule = Scope(scope)
    in_sql = set(db_session_for_property.scalars(select(Region.code).where(rule.condition(Region.code))))
    in_python = {code for code in db_session_for_property.scalars(select(Region.code)) if rule.holds(code)}
    assert in_sql == in_python


@pytest.fixture(scope="module")
def db_session_for_property(engine: object, regions: frozenset[str]) -> Session:
    with make_session_factory(engine)() as session:  # type: ignore[arg-type]
        yield session  # type: ignore[misc]
