"""The annex of a signed decree as it stood at signing: one row per member of each proposal's household.

A decree's annex used to be read from the live households and members whenever it was exported, so a member
edited after signing changed a signed SK's annex. `snapshot_annex` copies the rows in the signing transaction
(one INSERT ... SELECT); the export of a signed decree reads them back (reports/bnba_export.py). The rows are
final with their decree (models/finality.py): written once, never updated or deleted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import (
    Base,
    RegencyScoped,
    cursor_of,
    enum_column,
    insert_with_regency,
    regency_join,
    region_code_column,
    table_of,
)
from models.decree import Decree, decree_proposal
from models.household import Household
from models.member import FamilyRelation, MaritalStatus, Member, Sex
from models.proposal import Proposal, ProposalKind, RemovalReason


class DecreeAnnexRow(RegencyScoped, Base):
    """One member row of a signed decree's annex, as the household stood when the decree was signed."""

    __tablename__ = "decree_annex_row"
    __table_args__ = (UniqueConstraint("decree_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decree_id: Mapped[int] = mapped_column(ForeignKey("decree.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="RESTRICT"))
    region_code: Mapped[str] = region_code_column()
    address: Mapped[str] = mapped_column(String(200))
    rt: Mapped[str] = mapped_column(String(3))
    rw: Mapped[str] = mapped_column(String(3))
    no_kk: Mapped[str] = mapped_column(String(16))
    nik: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    family_relation: Mapped[FamilyRelation] = mapped_column(enum_column(FamilyRelation))
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    birth_place: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    mother_name: Mapped[str] = mapped_column(String(120))
    marital_status: Mapped[MaritalStatus] = mapped_column(enum_column(MaritalStatus))
    occupation: Mapped[str] = mapped_column(String(80))
    proposal_kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind))
    reason: Mapped[str] = mapped_column(Text)
    removal_reason: Mapped[RemovalReason | None] = mapped_column(enum_column(RemovalReason))

    def __str__(self) -> str:
        return f"Lampiran SK #{self.decree_id}, baris {self.position}"


# The member columns in the order the BNBA annex reads them (reports/bnba_export.py `_member_select`).
MEMBER_COLUMNS = (
    "region_code", "address", "rt", "rw", "no_kk", "nik", "name", "family_relation", "sex", "birth_place",
    "birth_date", "mother_name", "marital_status", "occupation",
)  # fmt: skip
_SOURCES = (
    Household.region_code, Household.address, Household.rt, Household.rw, Household.no_kk, Member.nik, Member.name,
    Member.family_relation, Member.sex, Member.birth_place, Member.birth_date, Member.mother_name,
    Member.marital_status, Member.occupation,
)  # fmt: skip


def snapshot_annex(session: Session, decree: Decree) -> int:
    """Copy the decree's annex as it stands now, in the caller's transaction (call it as the decree is signed).

    Rows in the annex's order: by proposal, the head first, then the members as registered. Returns how many.
    """
    session.flush()  # the annex links and the signature first: the rows are read from the database
    return copy_annex(session, decree.id)


def copy_annex(session: Session, decree_id: int) -> int:
    """`snapshot_annex` for a decree whose links are already stored (the SK Penetapan writes them set-based)."""
    head_first = case((Member.family_relation == FamilyRelation.HEAD, 0), else_=1)
    position = func.row_number().over(order_by=(Proposal.id, head_first, Member.id))
    source = (
        select(
            literal(decree_id),
            position,
            Proposal.id,
            *_SOURCES,
            Proposal.kind,
            Proposal.reason,
            Proposal.removal_reason,
        )
        .select_from(decree_proposal)
        .join(Proposal, regency_join(Proposal, decree_proposal.c.proposal_id))
        .join(Household, regency_join(Household, Proposal.household_id))
        .join(Member, regency_join(Household, Member.household_id))
        .where(decree_proposal.c.decree_id == decree_id)
    )
    names = ["decree_id", "position", "proposal_id", *MEMBER_COLUMNS, "proposal_kind", "reason", "removal_reason"]
    result = session.execute(insert_with_regency(table_of(DecreeAnnexRow), names, source))
    return cursor_of(result).rowcount or 0


def annex_snapshot(decree_id: int) -> Select[*tuple[Any, ...]]:
    """The stored annex rows of a decree as the BNBA export's query reads them (member columns, then the
    proposal's kind, reason, removal reason and an empty remark), in their order."""
    table = table_of(DecreeAnnexRow)
    kept = [table.c[name] for name in MEMBER_COLUMNS]
    return (
        select(*kept, table.c.proposal_kind, table.c.reason, table.c.removal_reason, literal(""))
        .where(table.c.decree_id == decree_id)
        .order_by(table.c.position)
    )
