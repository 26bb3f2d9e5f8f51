"""Member (Anggota Rumah Tangga, ART): a person on a household's Kartu Keluarga."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    LabelledEnum,
    RegencyScoped,
    TimestampMixin,
    digits_check,
    enum_column,
    region_code_column,
    scope_indexes,
)
from models.identity import IdentityCheck, check_nik

if TYPE_CHECKING:
    from models.household import Household


class Sex(LabelledEnum):
    """Jenis kelamin."""

    MALE = "L", "Laki-laki"
    FEMALE = "P", "Perempuan"


class FamilyRelation(LabelledEnum):
    """Hubungan dengan kepala keluarga (codes as on the Kartu Keluarga)."""

    HEAD = "kepala_keluarga", "Kepala keluarga"
    SPOUSE = "istri_suami", "Istri/Suami"
    CHILD = "anak", "Anak"
    CHILD_IN_LAW = "menantu", "Menantu"
    GRANDCHILD = "cucu", "Cucu"
    PARENT = "orang_tua", "Orang tua"
    PARENT_IN_LAW = "mertua", "Mertua"
    OTHER_FAMILY = "famili_lain", "Famili lain"
    HOUSEHOLD_HELP = "pembantu", "Pembantu"
    OTHER = "lainnya", "Lainnya"


class MaritalStatus(LabelledEnum):
    """Status perkawinan."""

    SINGLE = "belum_kawin", "Belum kawin"
    MARRIED = "kawin", "Kawin"
    DIVORCED = "cerai_hidup", "Cerai hidup"
    WIDOWED = "cerai_mati", "Cerai mati"


class Education(LabelledEnum):
    """Pendidikan tertinggi (Dukcapil groups)."""

    NONE = "tidak_sekolah", "Tidak/belum sekolah"
    PRIMARY_INCOMPLETE = "belum_tamat_sd", "Belum tamat SD/sederajat"
    PRIMARY = "sd", "Tamat SD/sederajat"
    JUNIOR = "smp", "SLTP/sederajat"
    SENIOR = "sma", "SLTA/sederajat"
    DIPLOMA = "diploma", "Diploma I-III"
    BACHELOR = "s1", "Diploma IV/Strata I"
    POSTGRADUATE = "s2_s3", "Strata II/III"


class Disability(LabelledEnum):
    """Jenis disabilitas."""

    NONE = "tidak_ada", "Tidak ada"
    PHYSICAL = "fisik", "Disabilitas fisik"
    SENSORY = "sensorik", "Disabilitas sensorik (netra/rungu/wicara)"
    INTELLECTUAL = "intelektual", "Disabilitas intelektual"
    MENTAL = "mental", "Disabilitas mental"
    MULTIPLE = "ganda", "Disabilitas ganda"


class Member(RegencyScoped, TimestampMixin, Base):
    """One person of a household; NIK unique nationwide, exactly one head per household."""

    __tablename__ = "member"
    __table_args__ = (
        *scope_indexes(__tablename__),
        digits_check("nik", 16),
        # At most one head per household, in the database itself (a partial unique index on both engines).
        Index(
            "uq_member_one_head_per_household",
            "household_id",
            unique=True,
            sqlite_where=text("family_relation = 'kepala_keluarga'"),
            postgresql_where=text("family_relation = 'kepala_keluarga'"),
        ),
        Index("ix_member_region_code_id", "region_code", "id"),
        # NIK is unique nationally through member_nik (models/national_numbers.py); SQLite keeps the unique
        # constraint its first schema made (dropping it would rebuild the table), PostgreSQL an index for lookups.
        UniqueConstraint("nik", name="uq_member_nik", info={"only_dialect": "sqlite"}).ddl_if(dialect="sqlite"),
        Index("ix_member_nik", "nik", info={"only_dialect": "postgresql"}).ddl_if(dialect="postgresql"),
        # Name search is ILIKE '%term%': on PostgreSQL a trigram index serves it (pg_trgm, see the migration).
        Index(
            "ix_member_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
            info={"only_dialect": "postgresql"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    # Copied from the household so the scope filter needs no join.
    region_code: Mapped[str] = region_code_column()
    nik: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120), index=True)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    birth_place: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    family_relation: Mapped[FamilyRelation] = mapped_column(enum_column(FamilyRelation))
    mother_name: Mapped[str] = mapped_column(String(120), default="")
    marital_status: Mapped[MaritalStatus] = mapped_column(enum_column(MaritalStatus), default=MaritalStatus.SINGLE)
    occupation: Mapped[str] = mapped_column(String(80), default="")
    education: Mapped[Education] = mapped_column(enum_column(Education), default=Education.NONE)
    disability: Mapped[Disability] = mapped_column(enum_column(Disability), default=Disability.NONE)

    household: Mapped[Household] = relationship(back_populates="members")

    def identity_check(self) -> IdentityCheck:
        """The NIK's structure and its agreement with this member's sex and birth date."""
        return check_nik(self.nik, is_female=self.sex == Sex.FEMALE, birth_date=self.birth_date)

    def __str__(self) -> str:
        return f"{self.name} ({self.family_relation.label if self.family_relation else '-'})"


class HouseholdRuleViolation(ValueError):
    """A change that would break a household rule (exactly one head); the message is in Bahasa Indonesia."""


def ensure_head_remains(member: Member, new_relation: FamilyRelation | str | None) -> None:
    """Refuse moving the head to another relationship: a household must keep exactly one head."""
    if member.family_relation == FamilyRelation.HEAD and new_relation != FamilyRelation.HEAD:
        raise HouseholdRuleViolation(
            "Kepala keluarga tidak dapat diubah hubungannya. Ubah dulu anggota lain menjadi kepala keluarga "
            "melalui perbaikan data KK."
        )


def ensure_member_deletable(member: Member) -> None:
    """Refuse deleting the head alone: delete the whole household, or record a removal proposal."""
    if member.family_relation == FamilyRelation.HEAD:
        raise HouseholdRuleViolation(
            "Kepala keluarga tidak dapat dihapus sendiri. Satu KK harus memiliki tepat satu kepala keluarga."
        )
