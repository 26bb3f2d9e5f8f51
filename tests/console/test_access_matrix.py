"""Every role x every view x {list, count, details, create, edit, delete, export} x five targets.

Targets are rows placed in the user's own village, a sibling village, another kecamatan, another regency
and another province. What each role may do comes from the casbin seed (policies/policy.csv); where they
may do it, from their scope. The test tallies every combination it tries and every out-of-scope success
(a leak); the figures go to docs/SECURITY.md.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.app import create_app
from console.settings import Settings
from models import (
    AuditAction,
    AuditEntry,
    Certificate,
    CertificateResult,
    Complaint,
    Decree,
    DecreeKind,
    Household,
    Meeting,
    MeetingParticipant,
    Member,
    ParticipantPosition,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    Role,
    Visit,
)
from policies.rules import Decisions, read_seed
from policies.scope import Scope
from tests.conftest import log_in
from tests.console_client import ConsoleClient
from tests.factories import make_household, make_user, new_complaint, next_nik

TARGETS = {
    "own village": "52.72.01.1001",
    "sibling village": "52.72.01.1002",
    "other kecamatan": "52.72.02.1004",
    "other regency": "52.71.01.1004",
    "other province": "73.02.01.1001",
}
SCOPE_OF_ROLE = {
    **{role: "52.72.01.1001" for role in (Role.OPERATOR_DESA, Role.KEPALA_DESA, Role.PENDATA)},
    Role.TKSK: "52.72.01",
    Role.PENDAMPING_PKH: "52.72.01",
    **{
        role: "52.72"
        for role in (
            Role.OPERATOR_DINSOS,
            Role.KABID,
            Role.KEPALA_DINAS,
            Role.PETUGAS_LAYANAN,
            Role.PENYULUH,
            Role.SEKRETARIS,
        )
    },
    Role.OPERATOR_PROVINSI: "52",
    Role.PUSDATIN: None,
    Role.ADMIN: None,
}
DECISIONS = Decisions(read_seed())
_TOTAL = re.compile(r"dari (\d+) data")


@dataclass
class Tally:
    """What the matrix tried and what went wrong."""

    tried: Counter[str] = field(default_factory=Counter)
    out_of_scope_tries: int = 0
    leaks: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    identity: str
    pk: int
    region_code: str
    label: str


def _seed_targets(session: Session) -> list[Target]:
    """One row of every scoped kind in each target region."""
    targets: list[Target] = []
    for index, (label, village) in enumerate(TARGETS.items()):
        household = make_household(session, region_code=village, members=2)
        member = household.members[1]
        proposal = Proposal(kind=ProposalKind.NEW, household=household, status=ProposalStatus.DRAFT)
        proposal.history.append(ProposalHistory(to_status=ProposalStatus.DRAFT, actor_name="uji"))
        visit = Visit(household=household, enumerator_name="Petugas Uji", visited_on=date(2026, 9, 1))
        meeting = Meeting(region_code=village, held_on=date(2026, 9, 2), place="Aula kantor desa")
        meeting.participants.append(MeetingParticipant(name="Kepala Desa", position=ParticipantPosition.HEAD))
        complaint = new_complaint(village, complainant_name="Warga", description="Belum terdaftar.")
        certificate = Certificate(
            region_code=village[:5],
            requested_nik=next_nik(village[:8], date(1980, 1, 1 + index), is_female=False),
            applicant_name="Pemohon",
            result=CertificateResult.NOT_REGISTERED,
        )
        decree = Decree(
            kind=DecreeKind.DISTRICT_RATIFICATION,
            region_code=village[:5],
            number=f"188.45/{index}/UJI/2026",
            decree_date=date(2026, 9, 3),
            signer_name="Bupati",
            signer_title="Bupati",
        )
        audit = AuditEntry(action=AuditAction.UPDATE, object_type="household", region_code=village, actor_name="x")
        session.add_all([proposal, visit, meeting, complaint, certificate, decree, audit])
        session.flush()
        rows: dict[str, Any] = {
            "household": household,
            "member": member,
            "proposal": proposal,
            "proposal-history": proposal.history[0],
            "visit": visit,
            "meeting": meeting,
            "meeting-participant": meeting.participants[0],
            "complaint": complaint,
            "certificate": certificate,
            "decree": decree,
            "audit-entry": audit,
        }
        targets += [Target(identity, row.id, row.region_code, label) for identity, row in rows.items()]
    session.commit()
    return targets


SCOPED_MODELS = {
    "household": Household,
    "member": Member,
    "proposal": Proposal,
    "proposal-history": ProposalHistory,
    "visit": Visit,
    "meeting": Meeting,
    "meeting-participant": MeetingParticipant,
    "complaint": Complaint,
    "certificate": Certificate,
    "decree": Decree,
    "audit-entry": AuditEntry,
}


def _expected_count(session: Session, identity: str, scope: Scope) -> int:
    model = SCOPED_MODELS[identity]
    return sum(1 for code in session.scalars(select(model.region_code)) if scope.holds(code))


def _listed_total(text: str) -> int:
    match = _TOTAL.search(text)
    return int(match.group(1)) if match else 0


def _check_list(client: TestClient, session: Session, role: Role, scope: Scope, identity: str, tally: Tally) -> None:
    response = client.get(f"/admin/{identity}/list", params={"pageSize": 100})
    tally.tried["list"] += 1
    tally.tried["count"] += 1
    accessible = any(DECISIONS.allows(role.value, identity, action) for action in ("list", "details", "create"))
    if not accessible:
        if response.status_code != 403:
            tally.mismatches.append(f"{role} {identity} list: {response.status_code}, expected 403")
        return
    can_list = DECISIONS.allows(role.value, identity, "list")
    expected = _expected_count(session, identity, scope) if can_list else 0
    shown = _listed_total(response.text)
    if response.status_code != 200 or shown != expected:
        tally.mismatches.append(f"{role} {identity} list: {response.status_code}, {shown} rows, expected {expected}")
    if shown > expected:
        tally.leaks.append(f"{role} {identity} list shows {shown} rows, only {expected} in scope")


# Views nobody edits or deletes through the console (history, certificate register, audit): sqladmin refuses
# those actions before any row is looked up, so the answer is 403 whatever the row.
READ_ONLY = {"proposal-history", "certificate", "audit-entry"}


def _expected_status(role: Role, identity: str, action: str, in_scope: bool) -> set[int]:
    accessible = any(DECISIONS.allows(role.value, identity, a) for a in ("list", "details", "create"))
    if not accessible or (action != "details" and identity in READ_ONLY):
        return {403}
    if not in_scope:
        return {404}
    return {200} if DECISIONS.allows(role.value, identity, action) else {403}


def _check_row(client: TestClient, role: Role, scope: Scope, target: Target, tally: Tally) -> None:
    in_scope = scope.holds(target.region_code)
    tally.out_of_scope_tries += 0 if in_scope else 3
    for action, url in (
        ("details", f"/admin/{target.identity}/details/{target.pk}"),
        ("edit", f"/admin/{target.identity}/edit/{target.pk}"),
    ):
        tally.tried[action] += 1
        status = client.get(url).status_code
        if status not in _expected_status(role, target.identity, action, in_scope):
            tally.mismatches.append(f"{role} {action} {target.identity} in {target.label}: {status}")
        if status == 200 and not in_scope:
            tally.leaks.append(f"{role} {action} {target.identity} in {target.label}")
    if not in_scope:
        tally.tried["edit"] += 1
        status = client.post(f"/admin/{target.identity}/edit/{target.pk}", data={"save": "Simpan"}).status_code
        if status not in {403, 404}:
            tally.leaks.append(f"{role} edit-post {target.identity} in {target.label}: {status}")


def _check_out_of_scope_delete(
    client: TestClient, session: Session, role: Role, scope: Scope, targets: list[Target], tally: Tally
) -> None:
    for target in targets:
        if scope.holds(target.region_code):
            continue
        tally.tried["delete"] += 1
        tally.out_of_scope_tries += 1
        response = client.delete(f"/admin/{target.identity}/delete", params={"pks": str(target.pk)})
        session.expire_all()
        still_there = session.get(SCOPED_MODELS[target.identity], target.pk) is not None
        if response.status_code not in {403, 404} or not still_there:
            tally.leaks.append(f"{role} delete {target.identity} in {target.label}: {response.status_code}")


def _check_create_and_export(client: TestClient, role: Role, identity: str, tally: Tally) -> None:
    tally.tried["create"] += 1
    status = client.get(f"/admin/{identity}/create").status_code
    can_create = identity not in READ_ONLY and DECISIONS.allows(role.value, identity, "create")
    if (status == 200) != can_create:
        tally.mismatches.append(f"{role} create {identity}: {status}")
    tally.tried["export"] += 1
    status = client.get(f"/admin/{identity}/export/csv").status_code
    if status == 200:
        tally.leaks.append(f"{role} export {identity}: sqladmin's unscoped export answered")


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_each_role_reaches_exactly_what_its_policy_and_scope_allow(
    role: Role, settings: Settings, engine: object, regions: frozenset[str], db_session: Session
) -> None:
    targets = _seed_targets(db_session)
    user = make_user(db_session, role, SCOPE_OF_ROLE[role], username=f"matriks_{role.value}")
    db_session.commit()
    scope = Scope.of(user)
    tally = Tally()
    with ConsoleClient(create_app(settings)) as client:
        log_in(client, user.username)
        for identity in SCOPED_MODELS:
            _check_list(client, db_session, role, scope, identity, tally)
            _check_create_and_export(client, role, identity, tally)
        for target in targets:
            _check_row(client, role, scope, target, tally)
        _check_out_of_scope_delete(client, db_session, role, scope, targets, tally)

    print(f"\nmatrix {role.value}: {dict(tally.tried)} out-of-scope={tally.out_of_scope_tries}")
    assert tally.leaks == []
    assert tally.mismatches == []
    assert sum(tally.tried.values()) > 100


def test_bulk_delete_with_one_foreign_id_deletes_nothing(
    settings: Settings, engine: object, regions: frozenset[str], db_session: Session
) -> None:
    own = [make_household(db_session, region_code=TARGETS["own village"]) for _ in range(2)]
    foreign = make_household(db_session, region_code=TARGETS["other regency"])
    user = make_user(db_session, Role.OPERATOR_DINSOS, "52.72", username="hapus_massal")
    db_session.commit()
    pks = ",".join(str(household.id) for household in [*own, foreign])

    with ConsoleClient(create_app(settings)) as client:
        log_in(client, user.username)
        response = client.delete("/admin/household/delete", params={"pks": pks})

    assert response.status_code == 404
    db_session.expire_all()
    assert all(db_session.get(Household, household.id) is not None for household in [*own, foreign])


@pytest.mark.parametrize(
    ("role", "scope", "village"),
    [
        (Role.OPERATOR_DESA, "52.72.01.1001", "52.72.01.1002"),
        (Role.OPERATOR_DINSOS, "52.72", "73.02.01.1001"),
    ],
    ids=["village-operator-into-the-neighbouring-village", "district-operator-into-another-province"],
)
def test_creating_a_household_outside_ones_scope_is_refused_with_a_message(
    role: Role,
    scope: str,
    village: str,
    settings: Settings,
    engine: object,
    regions: frozenset[str],
    db_session: Session,
) -> None:
    user = make_user(db_session, role, scope, username="di_luar_wilayah")
    db_session.commit()
    birth = date(1980, 5, 5)
    fields = {
        "region": village,
        "no_kk": "5272011501200009",
        "address": "Jl. Uji",
        "head_nik": next_nik(village[:8], birth, is_female=True),
        "head_name": "Kepala Uji",
        "head_sex": "P",
        "head_birth_date": birth.isoformat(),
        "head_marital_status": "kawin",
        "head_education": "sd",
        "save": "Simpan",
    }
    with ConsoleClient(create_app(settings)) as client:
        log_in(client, user.username)
        response = client.post("/admin/household/create", data=fields)

    assert response.status_code == 400
    assert "di luar wilayah tugas Anda" in response.text
    assert db_session.scalar(select(Household).where(Household.no_kk == "5272011501200009")) is None
