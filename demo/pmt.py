"""The ministry's PMT model in the demo: illustrative weights and cut-offs, not the official coefficients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.people import DEMO_PERIOD
from models.pmt import PmtModel, PmtWeight

if TYPE_CHECKING:
    from demo.run import DemoRun

PMT_VERSION = "ilustratif-2026.1"
# Illustrative only (domain-notes section 5): the score reads as predicted log per-capita consumption, so a
# lower score is poorer, and the nine ascending cut-offs split it into desil 1 (poorest) .. 10.
PMT_INTERCEPT = 13.35
PMT_CUTOFFS = [12.85, 13.0, 13.12, 13.24, 13.36, 13.48, 13.62, 13.8, 14.05]
PMT_WEIGHTS = (
    ("floor_material", "tanah", -0.14), ("floor_material", "bambu", -0.08), ("floor_material", "keramik", 0.1),
    ("wall_material", "anyaman_bambu", -0.09), ("roof_material", "jerami_ijuk", -0.1),
    ("cooking_fuel", "kayu_bakar", -0.12), ("cooking_fuel", "gas_besar", 0.08),
    ("lighting", "bukan_listrik", -0.15), ("toilet_facility", "tidak_ada", -0.1),
    ("drinking_water", "sungai_danau", -0.07), ("assets", "sepeda_motor", 0.09), ("assets", "lemari_es", 0.08),
    ("assets", "mobil", 0.3), ("assets", "ac", 0.2), ("floor_area_m2", "", 0.002), ("household_size", "", -0.06),
)  # fmt: skip


def create_pmt_model(run: DemoRun) -> None:
    run.session.add(
        PmtModel(
            version=PMT_VERSION,
            name="Model PMT nasional ilustratif 2026 (bukan koefisien resmi)",
            region_code="",
            intercept=PMT_INTERCEPT,
            desil_cutoffs=PMT_CUTOFFS,
            effective_period=DEMO_PERIOD,
            is_illustrative=True,
            weights=[PmtWeight(variable=v, choice=c, weight=w) for v, c, w in PMT_WEIGHTS],
        )
    )
