"""Programmes by desil band: the band of a period, band edits for the next period only, the suspension review list
held to a direct SQL recount, its decisions, and the counts per region, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.programmes import DECIDED, NOT_ON_LIST, decide_review, review_list
from chain.store import write_transaction
from console.database import make_session_factory
from models import (
    AuditEntry,
    DtksStatus,
    Household,
    HouseholdPeriod,
    MembershipStatus,
    Programme,
    ProgrammeBand,
    ProgrammeMembership,
    ProgrammeReview,
    ReviewDecision,
    Role,
    User,
)
from models.periods import next_period, period_of
from models.programme import band_refusal
from models.refusals import Conflict, NotAllowed
from reports.programme_counts import bands_of, eligible_counts
from tests.factories import DEFAULT_VILLAGE, make_household, make_user

PERIOD = "2026-10"
BIMA_OTHER_VILLAGE = "52.72.01.1002"  # Nae
MATARAM_VILLAGE = "52.71.02.1001"  # Pagesangan, Kota Mataram: another regency


def _programme(session: Session, code: str) -> Programme:
    return session.scalars(select(Programme).where(Programme.code == code)).one()


def _band(session: Session, code: str, period: str) -> tuple[int, int] | None:
    band = bands_of(period)
    row = session.execute(
        select(band.c.min_desil, band.c.max_desil).where(band.c.programme_id == _programme(session, code).id)
    ).first()
    return None if row is None else (row[0], row[1])


def _run(db_session: Session, user: User, work: Callable[[Session, Actor], Any]) -> Any:
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    db_session.rollback()
    result = run_as(user, lambda: write_transaction(make_session_factory(bind), lambda s: work(s, actor)))
    db_session.expire_all()
    return result


def _family(session: Session, desil: int | None, region: str = DEFAULT_VILLAGE) -> Household:
    status = DtksStatus.REGISTERED if desil is not None else DtksStatus.PROPOSED
    return make_household(session, region_code=region, members=1, dtks_status=status, desil=desil, period="2026-07")


def _member(session: Session, household: Household, code: str, period: str = PERIOD) -> ProgrammeMembership:
    membership = ProgrammeMembership(
        household_id=household.id, programme_id=_programme(session, code).id, period=period,
        region_code=household.region_code,
    )  # fmt: skip
    session.add(membership)
    session.flush()
    return membership


def test_the_seeded_bands_hold_from_2025_04_and_a_later_band_takes_over_from_its_period(db_session: Session) -> None:
    assert _band(db_session, "PKH", PERIOD) == (1, 4)
    assert _band(db_session, "SEMBAKO", PERIOD) == (1, 5)
    assert _band(db_session, "PBI-JK", PERIOD) == (1, 5)
    assert _band(db_session, "PKH", "2025-01") is None  # before the first band: no band, nobody eligible
    assert _band(db_session, "KIP", PERIOD) is None  # no band entered yet
    db_session.add(ProgrammeBand(programme=_programme(db_session, "PKH"), effective_period="2027-01", max_desil=3))
    db_session.flush()
    assert _band(db_session, "PKH", PERIOD) == (1, 4)  # the period under way keeps its band
    assert _band(db_session, "PKH", "2027-01") == (1, 3)
    assert _band(db_session, "PKH", "2027-04") == (1, 3)


def test_a_band_may_start_only_in_a_period_not_yet_begun() -> None:
    today = date(2026, 12, 3)
    assert period_of(today) == "2026-10" and next_period("2026-10") == "2027-01"
    assert period_of(date(2027, 1, 1)) == "2027-01" and period_of(date(2026, 3, 31)) == "2026-01"
    for started in ("2026-10", "2026-07", "2025-04"):
        refusal = band_refusal(started, today)
        assert refusal is not None and "periode berikutnya: 2027-01" in refusal
    assert band_refusal("2027-01", today) is None


@pytest.fixture
def review_world(db_session: Session) -> dict[str, Any]:
    """PKH (1-4) and Sembako (1-5) members of 2026-10 in Kota Bima and one in Mataram, inside and outside the band."""
    world = {
        "pkh_inside": _member(db_session, _family(db_session, 3), "PKH"),
        "pkh_desil_5": _member(db_session, _family(db_session, 5), "PKH"),  # the Kota Malang case
        "pkh_no_desil": _member(db_session, _family(db_session, None), "PKH"),
        "sembako_5": _member(db_session, _family(db_session, 5, BIMA_OTHER_VILLAGE), "SEMBAKO"),
        "sembako_8": _member(db_session, _family(db_session, 8, BIMA_OTHER_VILLAGE), "SEMBAKO"),
        "mataram_pkh_9": _member(db_session, _family(db_session, 9, MATARAM_VILLAGE), "PKH"),
        "pkh_last_period": _member(db_session, _family(db_session, 7), "PKH", period="2026-07"),
    }
    # A family whose standing of the period (the BPS ranking) moved it from desil 2 to 6: outside PKH now.
    moved = _family(db_session, 2)
    db_session.add(HouseholdPeriod(household_id=moved.id, period=PERIOD, dtks_status=DtksStatus.REGISTERED,
                                   desil=6, region_code=moved.region_code))  # fmt: skip
    world["pkh_moved_to_6"] = _member(db_session, moved, "PKH")
    db_session.commit()
    return world


RECOUNT = """
SELECT m.id FROM programme_membership m
JOIN programme p ON p.id = m.programme_id
JOIN programme_band b ON b.programme_id = p.id AND b.effective_period = (
    SELECT max(b2.effective_period) FROM programme_band b2
    WHERE b2.programme_id = p.id AND b2.effective_period <= :period)
JOIN household h ON h.id = m.household_id
LEFT JOIN household_period s ON s.household_id = h.id AND s.period = (
    SELECT max(s2.period) FROM household_period s2 WHERE s2.household_id = h.id AND s2.period <= :period)
WHERE m.period = :period AND m.status IN ('aktif', 'ditangguhkan') AND m.region_code LIKE :scope
  AND (COALESCE(s.desil, h.desil) IS NULL OR COALESCE(s.desil, h.desil) < b.min_desil
       OR COALESCE(s.desil, h.desil) > b.max_desil)
"""


def _recount(session: Session, scope: str) -> set[int]:
    return set(session.scalars(text(RECOUNT), {"period": PERIOD, "scope": f"{scope}%"}))


def test_the_review_list_equals_a_direct_sql_recount_per_scope(
    db_session: Session, review_world: dict[str, Any]
) -> None:
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    pusdatin = make_user(db_session, Role.PUSDATIN, None)
    db_session.commit()
    w = review_world

    bima = {item.membership_id for item in review_list(db_session, actor_for(db_session, dinsos), PERIOD)}
    nation = {item.membership_id for item in review_list(db_session, actor_for(db_session, pusdatin), PERIOD)}

    expected_bima = {w[name].id for name in ("pkh_desil_5", "pkh_no_desil", "sembako_8", "pkh_moved_to_6")}
    assert bima == expected_bima == _recount(db_session, "52.72")
    assert nation == expected_bima | {w["mataram_pkh_9"].id} == _recount(db_session, "")


def test_a_decision_is_recorded_once_for_a_listed_member_and_the_membership_follows_it(
    db_session: Session, review_world: dict[str, Any]
) -> None:
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    kabid = make_user(db_session, Role.KABID, "52.72")
    db_session.commit()
    listed, inside = review_world["pkh_desil_5"], review_world["pkh_inside"]

    _run(db_session, dinsos, lambda s, a: decide_review(s, a, listed.id, ReviewDecision.SUSPEND, "Cek lapangan"))

    review = db_session.scalars(select(ProgrammeReview)).one()
    assert (review.membership_id, review.desil, review.min_desil, review.max_desil) == (listed.id, 5, 1, 4)
    assert review.decision == ReviewDecision.SUSPEND and review.note == "Cek lapangan"
    assert db_session.get_one(ProgrammeMembership, listed.id).status == MembershipStatus.SUSPENDED
    audited = {row for row in db_session.scalars(select(AuditEntry.object_type).where(AuditEntry.action == "create"))}
    assert "programme_review" in audited
    items = {item.membership_id: item for item in review_list(db_session, actor_for(db_session, dinsos), PERIOD)}
    assert items[listed.id].decision == ReviewDecision.SUSPEND  # still listed, with its decision

    with pytest.raises(Conflict, match=re.escape(DECIDED)):
        _run(db_session, dinsos, lambda s, a: decide_review(s, a, listed.id, ReviewDecision.END))
    with pytest.raises(Conflict, match=re.escape(NOT_ON_LIST)):
        _run(db_session, dinsos, lambda s, a: decide_review(s, a, inside.id, ReviewDecision.END))
    with pytest.raises(NotAllowed):
        _run(db_session, kabid, lambda s, a: decide_review(s, a, review_world["sembako_8"].id, ReviewDecision.END))
    assert db_session.scalar(select(func.count()).select_from(ProgrammeReview)) == 1


def test_the_counts_per_region_equal_a_direct_count(db_session: Session, review_world: dict[str, Any]) -> None:
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    db_session.commit()
    scope = actor_for(db_session, dinsos).scope
    counts = {(c.region_code, c.programme): c for c in eligible_counts(db_session, scope, PERIOD)}

    # Every registered family of Kota Bima with its desil of the period (test data of other tests is rolled back).
    families = db_session.execute(
        select(Household.id, Household.region_code, Household.desil).where(
            Household.region_code.like("52.72%"), Household.dtks_status == DtksStatus.REGISTERED
        )
    ).all()
    standing = dict(db_session.execute(select(HouseholdPeriod.household_id, HouseholdPeriod.desil)).all())
    eligible: dict[tuple[str, str], int] = {}
    for household_id, region, desil in families:
        desil = standing.get(household_id, desil)
        for code, high in (("PKH", 4), ("SEMBAKO", 5), ("PBI-JK", 5)):
            if desil is not None and 1 <= desil <= high:
                key = (region[:8], code)
                eligible[key] = eligible.get(key, 0) + 1
    assert {key: count.eligible for key, count in counts.items() if count.eligible} == eligible
    assert counts[("52.72.01", "PKH")].members == 4 and counts[("52.72.01", "PKH")].outside == 3
    assert counts[("52.72.01", "SEMBAKO")].members == 2 and counts[("52.72.01", "SEMBAKO")].outside == 1
