"""Visit (kunjungan verval): an enumerator's household visit with the socio-economic instrument."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    LabelledEnum,
    RegencyScoped,
    TimestampMixin,
    enum_column,
    region_code_column,
    scope_indexes,
)
from models.ground_check import (
    GROUND_CHECK_COUNTS,
    MEMBER_COUNT_MAXIMUM,
    FamilyPresence,
    HealthCover,
    IncomeBand,
    Livelihood,
    VisitKind,
)
from models.instrument import (
    Condition,
    CookingFuel,
    DrinkingWater,
    FloorMaterial,
    Lighting,
    PowerRating,
    RoofMaterial,
    Sewage,
    Tenure,
    ToiletFacility,
    ToiletType,
    WallMaterial,
)

if TYPE_CHECKING:
    from models.household import Household
    from models.proposal import Proposal
    from models.user import User


# The household instrument's answers held in their own columns (domain-notes 2.4): the coded choices, and
# with the two numbers, every field the visit form offers. Forms and PMT scoring read these lists.
CODED_ANSWERS = (
    "tenure",
    "floor_material",
    "wall_material",
    "wall_condition",
    "roof_material",
    "roof_condition",
    "drinking_water",
    "lighting",
    "power_rating",
    "cooking_fuel",
    "toilet_facility",
    "toilet_type",
    "sewage",
)
INSTRUMENT_FIELDS = ("tenure", "floor_area_m2", "room_count", *CODED_ANSWERS[1:])


class VisitResult(LabelledEnum):
    """Hasil verval as confirmed by the TKSK."""

    PENDING = "menunggu", "Menunggu konfirmasi TKSK"
    ELIGIBLE = "layak", "Layak"
    NOT_ELIGIBLE = "tidak_layak", "Tidak layak"


class Visit(RegencyScoped, TimestampMixin, Base):
    """One verval visit to a household: instrument answers, enumerator, and the TKSK's confirmation."""

    __tablename__ = "visit"
    __table_args__ = (
        *scope_indexes(__tablename__),
        CheckConstraint("floor_area_m2 IS NULL OR floor_area_m2 BETWEEN 1 AND 10000", name="floor_area_range"),
        CheckConstraint("room_count IS NULL OR room_count BETWEEN 0 AND 100", name="room_count_range"),
        *(
            CheckConstraint(f"{count} IS NULL OR {count} BETWEEN 0 AND {MEMBER_COUNT_MAXIMUM}", name=f"{count}_range")
            for count in GROUND_CHECK_COUNTS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    region_code: Mapped[str] = region_code_column()
    enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    enumerator_name: Mapped[str] = mapped_column(String(120))
    visited_on: Mapped[date] = mapped_column(Date, index=True)

    tenure: Mapped[Tenure | None] = mapped_column(enum_column(Tenure))
    floor_area_m2: Mapped[int | None] = mapped_column(Integer)
    room_count: Mapped[int | None] = mapped_column(Integer)
    floor_material: Mapped[FloorMaterial | None] = mapped_column(enum_column(FloorMaterial))
    wall_material: Mapped[WallMaterial | None] = mapped_column(enum_column(WallMaterial))
    wall_condition: Mapped[Condition | None] = mapped_column(enum_column(Condition, name="wall_condition"))
    roof_material: Mapped[RoofMaterial | None] = mapped_column(enum_column(RoofMaterial))
    roof_condition: Mapped[Condition | None] = mapped_column(enum_column(Condition, name="roof_condition"))
    drinking_water: Mapped[DrinkingWater | None] = mapped_column(enum_column(DrinkingWater))
    lighting: Mapped[Lighting | None] = mapped_column(enum_column(Lighting))
    power_rating: Mapped[PowerRating | None] = mapped_column(enum_column(PowerRating))
    cooking_fuel: Mapped[CookingFuel | None] = mapped_column(enum_column(CookingFuel))
    toilet_facility: Mapped[ToiletFacility | None] = mapped_column(enum_column(ToiletFacility))
    toilet_type: Mapped[ToiletType | None] = mapped_column(enum_column(ToiletType))
    sewage: Mapped[Sewage | None] = mapped_column(enum_column(Sewage))
    # Lists of Asset / ProgrammeCard values and a {Livestock value: count} map (Blok V).
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    livestock: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    programme_cards: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")

    # The ground check's own variables (models/ground_check.py); empty on a plain verval visit.
    kind: Mapped[VisitKind] = mapped_column(
        enum_column(VisitKind), default=VisitKind.VERVAL, server_default=VisitKind.VERVAL.value
    )
    family_presence: Mapped[FamilyPresence | None] = mapped_column(enum_column(FamilyPresence))
    livelihood: Mapped[Livelihood | None] = mapped_column(enum_column(Livelihood))
    income_band: Mapped[IncomeBand | None] = mapped_column(enum_column(IncomeBand))
    children_out_of_school: Mapped[int | None] = mapped_column(Integer)
    members_with_disability: Mapped[int | None] = mapped_column(Integer)
    members_chronically_ill: Mapped[int | None] = mapped_column(Integer)
    health_cover: Mapped[HealthCover | None] = mapped_column(enum_column(HealthCover))

    result: Mapped[VisitResult] = mapped_column(enum_column(VisitResult), default=VisitResult.PENDING)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    household: Mapped[Household] = relationship(back_populates="visits")
    proposal: Mapped[Proposal | None] = relationship(back_populates="visits")
    enumerator: Mapped[User | None] = relationship(foreign_keys=[enumerator_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    def __str__(self) -> str:
        return f"Kunjungan {self.visited_on:%d-%m-%Y} oleh {self.enumerator_name}"
