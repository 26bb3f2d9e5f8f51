"""A varied register for the ministry's batch steps: several PMT models, visits and kinds, and the edge cases.

Built in one transaction (received proposals and their visits are written together, as a seeder would, since
a received proposal takes no new visit afterwards: models/finality.py). Periods: in 2025-10 only Kota Bima's
own model is in force (Bulukumba's households have none); in 2026-10 Kota Bima keeps its override and
Bulukumba is scored by the newest active national model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import DtksStatus, HouseholdPeriod, PmtModel, Proposal, ProposalKind, ProposalStatus
from models.instrument import Condition, FloorMaterial, Lighting, WallMaterial
from tests.factories import make_household, make_pmt_model, make_pmt_result, make_proposal, make_visit

BIMA, BIMA_OTHER, BULUKUMBA = "52.72.01.1001", "52.72.01.1002", "73.02.01.1001"
EARLY, PERIOD = "2025-10", "2026-10"
WEIGHTS = (
    ("floor_material", "tanah", -0.14),
    ("floor_material", "keramik", 0.09),
    ("wall_material", "bambu", -0.05),
    ("household_size", "", -0.06),
    ("floor_area_m2", "", 0.004),
    ("room_count", "", 0.02),
    ("livestock_sapi", "", 0.05),
    ("assets", "mobil", 0.3),
    ("assets", "sepeda_motor", 0.08),
    ("programme_cards", "kks", -0.1),
    ("lighting", "listrik_pln", 0.03),
    ("assets", "5272010101010001", 0.01),  # a choice that looks like a NIK: the audit trail masks it
)
CUTOFFS = [12.9, 13.0, 13.1, 13.2, 13.3, 13.4, 13.5, 13.6, 13.7]


@dataclass
class World:
    """The register built: the proposals by name, and the models."""

    proposals: dict[str, Proposal] = field(default_factory=dict)
    models: dict[str, PmtModel] = field(default_factory=dict)

    def id(self, name: str) -> int:
        return self.proposals[name].id

    def household_id(self, name: str) -> int:
        return self.proposals[name].household_id


def _models(session: Session) -> dict[str, PmtModel]:
    return {
        "national_old": make_pmt_model(session, version="nas-1", effective_period="2026-01"),
        "national": make_pmt_model(
            session, version="nas-2", weights=WEIGHTS, intercept=13.5, desil_cutoffs=CUTOFFS, effective_period="2026-07"
        ),
        "inactive": make_pmt_model(session, version="nas-3", effective_period="2026-04", is_active=False),
        "future": make_pmt_model(session, version="nas-4", effective_period="2027-01", intercept=20.0),
        "bima": make_pmt_model(
            session, version="bima-1", region_code="52.72", weights=WEIGHTS, intercept=13.3, effective_period="2025-10"
        ),
        "bulukumba_future": make_pmt_model(
            session, version="blk-1", region_code="73.02", effective_period="2027-01", intercept=1.0
        ),
    }


def _received(session: Session, world: World, name: str, kind: ProposalKind, **fields: Any) -> Proposal:
    proposal = make_proposal(session, ProposalStatus.RECEIVED, kind=kind, **fields)
    world.proposals[name] = proposal
    return proposal


def build_world(session: Session) -> World:
    """The varied register, committed."""
    world = World(models=_models(session))
    new, update, keep, remove = ProposalKind.NEW, ProposalKind.UPDATE, ProposalKind.KEEP, ProposalKind.REMOVE

    poor = _received(session, world, "poor", new, members=5)
    make_visit(session, poor.household, poor, floor_material=FloorMaterial.EARTH, wall_material=WallMaterial.BAMBOO)

    rich = _received(
        session, world, "rich", update, region_code=BULUKUMBA, members=1,
        requested_changes={"address": "Jl. Baru No. 7", "rt": "004"},
    )  # fmt: skip
    older = make_visit(session, rich.household, rich, floor_material=FloorMaterial.EARTH)
    older.visited_on = date(2026, 3, 1)
    make_visit(session, rich.household, rich, floor_material=FloorMaterial.CERAMIC, assets=["mobil", "sepeda_motor"])

    unvisited = _received(session, world, "unvisited", keep, members=2)
    del unvisited

    # Two visits on the same day: the later one (higher id) counts.
    farmer = _received(session, world, "farmer", keep, region_code=BIMA_OTHER, members=3)
    make_visit(session, farmer.household, farmer, floor_material=FloorMaterial.EARTH)
    make_visit(
        session, farmer.household, farmer, floor_area_m2=36, room_count=3, livestock={"sapi": 2, "kambing_domba": 4},
        programme_cards=["kks"], lighting=Lighting.PLN, wall_condition=Condition.POOR, assets=["5272010101010001"],
    )  # fmt: skip

    removal = _received(session, world, "removal", remove, members=2)
    make_visit(session, removal.household, removal, floor_material=FloorMaterial.EARTH)

    # One household with two received proposals (a new one and a keep): scored once.
    twice = _received(session, world, "twice", new, members=4)
    make_visit(session, twice.household, twice, floor_material=FloorMaterial.EARTH, assets=["sepeda_motor"])
    second = Proposal(kind=keep, household=twice.household, status=ProposalStatus.RECEIVED, has_ktp=True, has_kk=True)
    session.add(second)
    session.flush()
    world.proposals["twice_keep"] = second

    # Equal answers and sizes: equal scores, ranked by household id.
    for name in ("tie_a", "tie_b"):
        tie = _received(session, world, name, new, region_code=BULUKUMBA, members=2)
        make_visit(session, tie.household, tie, floor_material=FloorMaterial.EARTH)

    forwarded = make_proposal(session, ProposalStatus.FORWARDED, members=2)
    make_visit(session, forwarded.household, forwarded, floor_material=FloorMaterial.EARTH)
    world.proposals["forwarded"] = forwarded

    # An update whose household already has a standing row for the period (it is rewritten, not duplicated),
    # and a result of an earlier run of the period (replaced by a new run).
    moved = _received(session, world, "moved", update, members=2, requested_changes={"rw": "009"})
    make_visit(session, moved.household, moved, floor_material=FloorMaterial.CERAMIC, room_count=2)
    session.add(
        HouseholdPeriod(
            household_id=moved.household_id, period=PERIOD, dtks_status=DtksStatus.PROPOSED, region_code=BIMA
        )
    )
    make_pmt_result(session, world.models["national_old"], moved.household, 9, period=PERIOD)
    make_pmt_result(session, world.models["national_old"], moved.household, 5, period="2026-07")

    # A household of the register already registered, proposed for keeping, scored above the cut-off.
    registered = make_household(session, members=1, dtks_status=DtksStatus.REGISTERED, desil=3, period="2026-04")
    kept = Proposal(kind=keep, household=registered, status=ProposalStatus.RECEIVED, has_ktp=True, has_kk=True)
    session.add(kept)
    session.flush()
    make_visit(session, registered, kept, floor_material=FloorMaterial.CERAMIC, assets=["mobil"])
    world.proposals["kept_rich"] = kept
    session.commit()
    return world
