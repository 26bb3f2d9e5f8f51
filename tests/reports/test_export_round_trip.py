"""Round trip: a roster exported by the console imports back unchanged into an emptied regency."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Household, Member, Role
from policies.scope import Scope
from reports.bnba_export import build_roster
from reports.bnba_import import apply_import, plan_import
from reports.xlsx_upload import UploadLimits
from tests.factories import make_user
from tests.reports.export_checks import registered

MEMBER_FIELDS = ("nik", "name", "sex", "birth_place", "birth_date", "family_relation", "mother_name")
MEMBER_FIELDS += ("marital_status", "occupation")


def snapshot(session: Session) -> dict[str, tuple]:
    session.expire_all()
    found = {}
    for household in session.scalars(select(Household)):
        members = tuple(tuple(getattr(m, f) for f in MEMBER_FIELDS) for m in household.members)
        found[household.no_kk] = (household.region_code, household.address, household.rt, household.rw, members)
    return found


def test_exported_roster_imports_back_identically(db_session: Session) -> None:
    registered(db_session)
    registered(db_session, region_code="52.72.02.1004")
    actor = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    db_session.commit()
    before = snapshot(db_session)
    export = build_roster(db_session, Scope("52.72"))
    data = b"".join(export.chunks())
    for household in db_session.scalars(select(Household)):
        db_session.delete(household)
    db_session.commit()
    assert db_session.scalar(select(Member.id)) is None

    plan = plan_import(db_session, data, Scope("52.72"), UploadLimits())
    assert plan.ok, plan.errors_by_row()
    apply_import(db_session, data, Scope("52.72"), actor, UploadLimits())
    db_session.commit()
    assert snapshot(db_session) == before
