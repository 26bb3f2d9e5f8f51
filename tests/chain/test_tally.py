"""The tallies (models/tally.py) stay equal to a full recount through real changes to the register, and the
dashboard and the recap, which read them, give the numbers a GROUP BY over the register gives, at every tier.

The changes: new families through the whole chain to the SK Penetapan (registered with a desil and a period),
a removal through the chain in the next period, drafts in another province, a family moved to a neighbouring
village, a draft and its household deleted, bulk Core inserts, updates and deletes. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from chain import dashboard
from chain.determination import determine
from chain.letters import Letter
from chain.nik_matching import match_nik
from chain.pmt import run_pmt
from console.database import make_session_factory
from models import DtksStatus, Household, Proposal, ProposalKind, ProposalStatus, RemovalReason, Role
from models.region_codes import CODE_LENGTH, RegionLevel, level_of
from policies.scope import Scope
from reports.programme_counts import recap_level
from reports.recap import count_by_region
from tests.chain.chain_run import (
    KECAMATAN,
    PROVINCE,
    REGENCY,
    VILLAGE,
    ChainRun,
    forward,
    forwarded_decree,
    new_proposals,
    open_chain,
    ratified_decree,
    through_musdes,
    through_verval,
)
from tests.factories import make_household, make_pmt_model, next_no_kk
from tests.tally_recount import assert_tallies_match

NEIGHBOUR = "52.72.01.1002"  # same kecamatan as VILLAGE
OTHER_PROVINCE_VILLAGE = "73.02.01.1001"
OTHER_KECAMATAN_VILLAGE = "52.72.02.1004"
SCOPES = [None, PROVINCE, REGENCY, KECAMATAN, VILLAGE, NEIGHBOUR, "73", "73.02", "52.71"]


@pytest.fixture
def run(engine: Engine, regions: frozenset[str], tmp_path: Path) -> ChainRun:
    return open_chain(make_session_factory(engine), tmp_path / "uploads", actor_name="hitung")


def _check(run: ChainRun) -> None:
    run.read(assert_tallies_match)


def _letter(number: str, day: date) -> Letter:
    return Letter(number, day, "Menteri Sosial", "Menteri Sosial RI")


def _registered_through_the_chain(run: ChainRun) -> list[int]:
    """Four new families from draft to the SK Penetapan of 2026-10; their proposal ids."""
    _letter_id, proposal_ids = forwarded_decree(run, count=4)
    _check(run)
    run.act(Role.PUSDATIN, lambda session, _actor: make_pmt_model(session))
    run.act(Role.PUSDATIN, match_nik)
    run.act(Role.PUSDATIN, lambda session, actor: run_pmt(session, actor, "2026-10"))
    _check(run)
    letter = _letter("146/HUK/2026", date(2026, 10, 15))
    run.act(Role.PUSDATIN, lambda s, actor: determine(s, actor, "2026-10", letter, max_desil=10))
    return proposal_ids


def _removed_through_the_chain(run: ChainRun, household_id: int) -> None:
    """A removal of a registered family (died), through the chain to the SK Penetapan of 2027-01."""
    with run.sessions() as session:
        removal = Proposal(
            kind=ProposalKind.REMOVE,
            household_id=household_id,
            removal_reason=RemovalReason.DIED,
            has_ktp=True,
            has_kk=True,
            has_sktm=True,
        )
        session.add(removal)
        session.commit()
        removal_ids = [removal.id]
    _check(run)
    through_musdes(run, removal_ids)
    through_verval(run, removal_ids)
    decree_id = ratified_decree(run, removal_ids, number="188.45/41/2026")
    forward(run, decree_id, number="400/13/2026")
    run.act(Role.PUSDATIN, match_nik)
    letter = _letter("7/HUK/2027", date(2027, 1, 15))
    run.act(Role.PUSDATIN, lambda s, actor: determine(s, actor, "2027-01", letter, max_desil=10))


def _bulk_changes(run: ChainRun) -> None:
    """What a set-based writer does: one INSERT of many rows, one UPDATE of many, one DELETE of many."""
    rows = [
        {
            "no_kk": next_no_kk(village[:8]),
            "region_code": village,
            "address": "Jl. Massal",
            "rt": "",
            "rw": "",
            "dtks_status": status,
            "desil": desil,
            "period": period,
            "notes": "",
            "created_at": datetime.now(UTC),
            "updated_at": datetime.now(UTC),
        }
        for village, status, desil, period in [
            (VILLAGE, DtksStatus.REGISTERED, 2, "2026-10"),
            (VILLAGE, DtksStatus.REGISTERED, 2, "2026-10"),
            (NEIGHBOUR, DtksStatus.REGISTERED, None, "2026-07"),
            (OTHER_KECAMATAN_VILLAGE, DtksStatus.REMOVED, None, "2026-07"),
            (OTHER_PROVINCE_VILLAGE, DtksStatus.REGISTERED, 9, "2026-04"),
            (OTHER_PROVINCE_VILLAGE, DtksStatus.NOT_REGISTERED, None, None),
        ]
    ]
    with run.sessions() as session:
        session.execute(insert(Household), rows)
        session.commit()
    _check(run)
    with run.sessions() as session:
        session.execute(update(Household).where(Household.address == "Jl. Massal").values(desil=5))
        session.execute(update(Household).where(Household.address == "Jl. Massal").values(address="Jl. Baru"))
        session.commit()
    _check(run)
    with run.sessions() as session:
        session.execute(delete(Household).where(Household.address == "Jl. Baru", Household.region_code == VILLAGE))
        session.commit()


def _varied_register(run: ChainRun) -> None:
    """Every kind of change the tallies must follow, the tallies checked against a recount after each."""
    proposal_ids = _registered_through_the_chain(run)
    _check(run)
    drafts = new_proposals(run, 3, village=OTHER_PROVINCE_VILLAGE) + new_proposals(run, 1, village=NEIGHBOUR)
    _check(run)
    first = run.read(lambda session: session.get_one(Proposal, proposal_ids[0]).household_id)
    _removed_through_the_chain(run, first)
    _check(run)
    with run.sessions() as session:  # the family of a draft moves to the neighbouring village
        moved = session.get_one(Proposal, drafts[0]).household
        moved.region_code = "73.02.01.1002"
        session.commit()
    _check(run)
    with run.sessions() as session:  # a draft withdrawn, then its household (never registered) deleted
        withdrawn = session.get_one(Proposal, drafts[1])
        household = withdrawn.household
        session.delete(withdrawn)
        session.flush()
        session.delete(household)
        session.commit()
    _check(run)
    with run.sessions() as session:  # a household registered outside the chain (demo, older data) changes desil
        make_household(session, region_code=NEIGHBOUR, dtks_status=DtksStatus.REGISTERED, desil=4, period="2026-07")
        session.commit()
        later = session.scalars(select(Household).where(Household.desil == 4)).one()
        later.desil, later.period = 6, "2026-10"
        session.commit()
    _check(run)
    _bulk_changes(run)
    _check(run)


def test_every_tally_equals_a_recount_after_each_change_to_the_register(run: ChainRun) -> None:
    _varied_register(run)

    statuses = run.read(lambda s: set(s.scalars(select(Household.dtks_status))))
    assert {DtksStatus.NOT_REGISTERED, DtksStatus.REGISTERED, DtksStatus.REMOVED} <= statuses
    removed = run.read(lambda s: s.execute(select(Household.dtks_status).where(Household.period == "2027-01")).all())
    assert removed == [(DtksStatus.REMOVED,)]  # the removal went the whole chain
    assert run.read(lambda s: s.scalar(select(func.count()).where(Proposal.status == ProposalStatus.DETERMINED))) == 5


# --- the dashboard and the recap against the register itself -------------------------------------------------


Counts = dict[Any, int]


def _expected_dashboard(
    run: ChainRun, scope: Scope
) -> tuple[list[tuple[ProposalStatus, int]], Counts, list[tuple[int | None, int]]]:
    """Statuses, proposals per child region and the desil distribution, grouped over the register."""

    def count(session: Session) -> tuple[Counts, Counts, Counts]:
        area = scope.condition(Proposal.region_code)
        by_status = select(Proposal.status, func.count()).where(area).group_by(Proposal.status)
        statuses: Counts = {status: n for status, n in session.execute(by_status)}
        level = RegionLevel.PROVINCE if scope.code is None else min(level_of(scope.code) + 1, RegionLevel.VILLAGE)
        prefix = func.substr(Proposal.region_code, 1, CODE_LENGTH[RegionLevel(level)])
        regions: Counts = {
            code: n for code, n in session.execute(select(prefix, func.count()).where(area).group_by(prefix))
        }
        registered = scope.condition(Household.region_code) & (Household.dtks_status == DtksStatus.REGISTERED)
        by_desil = select(Household.desil, func.count()).where(registered).group_by(Household.desil)
        desils: Counts = {desil: n for desil, n in session.execute(by_desil)}
        return statuses, regions, desils

    statuses, regions, desils = run.read(count)
    ordered = [(status, statuses[status]) for status in ProposalStatus if statuses.get(status)]
    distribution: list[tuple[int | None, int]] = [(desil, desils.get(desil, 0)) for desil in range(1, 11)]
    if desils.get(None):
        distribution.append((None, desils[None]))
    return ordered, regions, distribution


def _expected_recap(run: ChainRun, scope: Scope) -> dict[str, dict[tuple[str, int | None], int]]:
    region = func.substr(Household.region_code, 1, CODE_LENGTH[recap_level(scope.code)])
    columns = (region, Household.dtks_status, Household.desil)
    stmt = select(*columns, func.count()).where(scope.condition(Household.region_code)).group_by(*columns)
    counts: dict[str, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for code, status, desil, households in run.read(lambda s: s.execute(stmt).all()):
        counts[code][(DtksStatus(status).value, desil)] = households
    return counts


def _assert_tier_equals_recount(run: ChainRun, scope: Scope) -> None:
    statuses, regions, desils = _expected_dashboard(run, scope)
    board = run.read(lambda s: dashboard.build(s, scope, date(2027, 2, 1)))
    assert board.status_counts == statuses, scope
    assert board.total == sum(count for _status, count in statuses), scope
    assert {region: count for region, _name, count in board.region_counts if count} == regions, scope
    assert board.desil_counts == desils, scope
    assert run.read(lambda s: count_by_region(s, scope)) == _expected_recap(run, scope), scope


def test_the_dashboard_and_recap_read_from_the_tallies_equal_a_recount_at_every_tier(run: ChainRun) -> None:
    _varied_register(run)

    for code in SCOPES:
        _assert_tier_equals_recount(run, Scope(code))
    # A regency's recap narrowed to one kecamatan: villages of that kecamatan only.
    narrowed = run.read(lambda s: count_by_region(s, Scope(REGENCY), KECAMATAN))
    assert set(narrowed) == {VILLAGE, NEIGHBOUR}
    assert run.read(lambda s: count_by_region(s, Scope(KECAMATAN))) == _expected_recap(run, Scope(KECAMATAN))
    # Every region of the national board is a province, each of the province's a regency.
    national = run.read(lambda s: dashboard.build(s, Scope(None), date(2027, 2, 1)))
    assert {"52", "73"} <= {region for region, _name, count in national.region_counts if count}
    assert not run.read(lambda s: dashboard.build(s, Scope("52", valid=False), date(2027, 2, 1))).status_counts
