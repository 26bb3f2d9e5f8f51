"""The instrument answers (Blok III housing, Blok V assets and cards) of a poorer or a better-off house."""

from __future__ import annotations

import random
from typing import Any

from models.instrument import (
    Asset,
    Condition,
    CookingFuel,
    DrinkingWater,
    FloorMaterial,
    Lighting,
    Livestock,
    PowerRating,
    ProgrammeCard,
    RoofMaterial,
    Sewage,
    Tenure,
    ToiletFacility,
    ToiletType,
    WallMaterial,
)

# Blok III answers (models/instrument.py codes): poorer and better-off choices; a code listed twice is likelier.
HOUSING_CHOICES: dict[str, tuple[Any, str, str]] = {
    "tenure": (Tenure, "milik_sendiri milik_sendiri bebas_sewa kontrak_sewa", "milik_sendiri kontrak_sewa"),
    "floor_material": (FloorMaterial, "tanah bambu kayu_rendah semen_bata", "keramik ubin_tegel semen_bata"),
    "wall_material": (WallMaterial, "anyaman_bambu kayu plesteran_bambu bambu", "tembok"),
    "wall_condition": (Condition, "jelek jelek bagus", "bagus"),
    "roof_material": (RoofMaterial, "seng seng jerami_ijuk asbes", "genteng_tanah_liat genteng_metal seng"),
    "roof_condition": (Condition, "jelek bagus", "bagus"),
    "drinking_water": (
        DrinkingWater,
        "sumur_tak_terlindung sumur_terlindung leding_eceran mata_air_tak_terlindung isi_ulang",
        "isi_ulang kemasan leding_meteran",
    ),
    "lighting": (Lighting, "listrik_pln listrik_pln listrik_pln listrik_non_pln bukan_listrik", "listrik_pln"),
    "power_rating": (PowerRating, "450 900 tanpa_meteran", "1300 2200"),
    "cooking_fuel": (CookingFuel, "kayu_bakar kayu_bakar gas_3kg minyak_tanah", "gas_3kg gas_besar listrik"),
    "toilet_facility": (ToiletFacility, "bersama umum tidak_ada sendiri", "sendiri"),
    "toilet_type": (ToiletType, "cemplung plengsengan leher_angsa", "leher_angsa"),
    "sewage": (Sewage, "lubang_tanah lubang_tanah tangki", "tangki"),
}
ASSET_ODDS = {  # Blok V: chance of owning each asset, (poorer, better-off)
    Asset.TELEVISION: (0.6, 0.95), Asset.BICYCLE: (0.2, 0.3), Asset.MOTORCYCLE: (0.3, 0.9),
    Asset.FRIDGE: (0.05, 0.8), Asset.GAS_CYLINDER: (0.02, 0.4), Asset.GOLD: (0.05, 0.5),
    Asset.COMPUTER: (0.01, 0.35), Asset.CAR: (0.0, 0.3), Asset.AIR_CONDITIONER: (0.0, 0.25), Asset.LAND: (0.03, 0.35),
}  # fmt: skip
CARD_ODDS = {
    ProgrammeCard.KIS: (0.7, 0.1), ProgrammeCard.PKH: (0.35, 0.0), ProgrammeCard.RASTRA: (0.5, 0.05),
    ProgrammeCard.KIP: (0.3, 0.02), ProgrammeCard.KKS: (0.3, 0.0), ProgrammeCard.BPJS_INDEPENDENT: (0.05, 0.6),
    ProgrammeCard.JAMSOSTEK: (0.02, 0.4),
}  # fmt: skip


def instrument_answers(rng: random.Random, poor: bool, occupation: str) -> dict[str, Any]:
    """Blok III and V answers of a poorer or a better-off household."""
    column = 0 if poor else 1
    answers = {name: kind(rng.choice(choices[column].split())) for name, (kind, *choices) in HOUSING_CHOICES.items()}
    if answers["lighting"] != Lighting.PLN:
        answers["power_rating"] = None
    if answers["toilet_facility"] == ToiletFacility.NONE:
        answers["toilet_type"], answers["sewage"] = ToiletType.NONE, rng.choice((Sewage.OPEN_FIELD, Sewage.WATER_BODY))
    answers["floor_area_m2"] = rng.randint(18, 45) if poor else rng.randint(45, 140)
    answers["room_count"] = rng.randint(1, 3) if poor else rng.randint(3, 6)
    assets = [asset.value for asset, odds in ASSET_ODDS.items() if rng.random() < odds[column]]
    if occupation == "Nelayan":
        assets.append(rng.choice((Asset.BOAT, Asset.OUTBOARD) if poor else (Asset.MOTORBOAT, Asset.SHIP)).value)
    livestock: dict[str, int] = {}
    if occupation in ("Petani", "Peternak") or rng.random() < 0.2:
        livestock[Livestock.GOAT.value] = rng.randint(1, 4)
        if not poor or rng.random() < 0.15:
            livestock[Livestock.CATTLE.value] = rng.randint(1, 3 if poor else 8)
    cards = [card.value for card, odds in CARD_ODDS.items() if rng.random() < odds[column]]
    return answers | {"assets": assets, "livestock": livestock, "programme_cards": cards}
