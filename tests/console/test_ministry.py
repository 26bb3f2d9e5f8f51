"""Ministry desk over HTTP: NIK matching (received / rejected with reason) and the PMT run for a period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AuditEntry,
    Decree,
    DecreeKind,
    DtksStatus,
    HouseholdPeriod,
    PmtModel,
    PmtResult,
    PmtWeight,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    RemovalReason,
    Role,
    Visit,
)
from models.instrument import FloorMaterial
from tests.conftest import log_in
from tests.console_client import ConsoleClient
from tests.factories import make_household, make_member, make_user

VILLAGE = "52.72.01.1001"
CUTOFFS = [12.85, 13.0, 13.12, 13.24, 13.36, 13.48, 13.62, 13.8, 14.05]


def _proposal(
    session: Session,
    status: ProposalStatus,
    members: int = 2,
    kind: ProposalKind = ProposalKind.NEW,
    requested_changes: dict[str, str] | None = None,
) -> Proposal:
    household = make_household(session, region_code=VILLAGE, members=members)
    removal = RemovalReason.DIED if kind == ProposalKind.REMOVE else None
    proposal = Proposal(
        kind=kind,
        household=household,
        status=status,
        has_ktp=True,
        has_kk=True,
        removal_reason=removal,
        requested_changes=requested_changes or {},
    )
    session.add(proposal)
    session.flush()
    return proposal


def _as(client: ConsoleClient, session: Session, role: Role, scope: str | None = None) -> ConsoleClient:
    make_user(session, role, scope, username=f"uji_{role.value}")
    session.commit()
    log_in(client, f"uji_{role.value}")
    return client


def _status(session: Session, proposal: Proposal) -> ProposalStatus:
    session.expire_all()
    return session.get(Proposal, proposal.id).status


def test_nik_matching_receives_or_rejects_with_the_reason(client: ConsoleClient, db_session: Session) -> None:
    good = _proposal(db_session, ProposalStatus.FORWARDED)
    invalid = _proposal(db_session, ProposalStatus.FORWARDED, members=1)
    make_member(db_session, invalid.household, nik="5272013501800001")
    registered = make_household(db_session, region_code=VILLAGE, members=1, dtks_status=DtksStatus.REGISTERED)
    duplicate = _proposal(db_session, ProposalStatus.FORWARDED, members=1)
    twin = registered.members[0]
    make_member(db_session, duplicate.household, name=twin.name, birth_date=twin.birth_date, nik=None)
    db_session.commit()
    _as(client, db_session, Role.PUSDATIN)

    page = client.get("/admin/pmt-model/desk")
    assert page.status_code == 200
    assert f"#{good.id}" in page.text
    response = client.post("/admin/pmt-model/desk/match", data={"all": "1"}, follow_redirects=False)
    assert response.status_code == 303

    assert _status(db_session, good) == ProposalStatus.RECEIVED
    assert _status(db_session, invalid) == ProposalStatus.REJECTED_MINISTRY
    assert _status(db_session, duplicate) == ProposalStatus.REJECTED_MINISTRY
    notes = {
        row.proposal_id: row.note
        for row in db_session.scalars(
            select(ProposalHistory).where(ProposalHistory.to_status != ProposalStatus.FORWARDED)
        )
    }
    assert notes[invalid.id] == "NIK tidak valid"
    assert notes[duplicate.id] == "Anggota sudah terdaftar di rumah tangga lain"
    audited = set(db_session.scalars(select(AuditEntry.object_id).where(AuditEntry.object_type == "proposal")))
    assert {str(good.id), str(invalid.id), str(duplicate.id)} <= {str(value) for value in audited}


def test_matching_a_selection_leaves_the_others(client: ConsoleClient, db_session: Session) -> None:
    chosen, other = _proposal(db_session, ProposalStatus.FORWARDED), _proposal(db_session, ProposalStatus.FORWARDED)
    db_session.commit()
    _as(client, db_session, Role.PUSDATIN)
    response = client.post("/admin/pmt-model/desk/match", data={"proposal": [str(chosen.id)]}, follow_redirects=False)
    assert response.status_code == 303
    assert _status(db_session, chosen) == ProposalStatus.RECEIVED
    assert _status(db_session, other) == ProposalStatus.FORWARDED


def _model(session: Session) -> PmtModel:
    model = PmtModel(
        version="uji-1",
        name="Model uji (ilustratif)",
        region_code="",
        intercept=13.35,
        desil_cutoffs=CUTOFFS,
        effective_period="2026-01",
        weights=[
            PmtWeight(variable="floor_material", choice="tanah", weight=-0.14),
            PmtWeight(variable="household_size", choice="", weight=-0.06),
            PmtWeight(variable="assets", choice="mobil", weight=0.3),
        ],
    )
    session.add(model)
    return model


def test_pmt_run_stores_results_and_the_household_page_explains_them(
    client: ConsoleClient, db_session: Session
) -> None:
    _model(db_session)
    poor = _proposal(db_session, ProposalStatus.RECEIVED, members=5)
    rich = _proposal(db_session, ProposalStatus.RECEIVED, members=1)
    unvisited = _proposal(db_session, ProposalStatus.RECEIVED)
    for proposal, floor, assets in ((poor, FloorMaterial.EARTH, []), (rich, None, ["mobil"])):
        db_session.add(
            Visit(
                household=proposal.household,
                proposal=proposal,
                region_code=VILLAGE,
                enumerator_name="Pendata Uji",
                visited_on=date(2026, 9, 1),
                floor_material=floor,
                assets=assets,
            )
        )
    db_session.commit()
    _as(client, db_session, Role.PUSDATIN)

    for _ in range(2):  # a second run replaces the period's results
        response = client.post("/admin/pmt-model/desk/run", data={"period": "2026-10"}, follow_redirects=False)
        assert response.status_code == 303
    db_session.expire_all()
    results = {r.household_id: r for r in db_session.scalars(select(PmtResult).where(PmtResult.period == "2026-10"))}
    assert set(results) == {poor.household_id, rich.household_id}
    assert unvisited.household_id not in results
    assert abs(results[poor.household_id].score - (13.35 - 0.14 - 0.3)) < 1e-9
    assert results[poor.household_id].desil == 2  # 12.91
    assert results[rich.household_id].desil == 7  # 13.59
    for result in results.values():
        assert sum(result.contributions.values()) == result.score

    page = client.get(f"/admin/household/details/{poor.household_id}")
    assert page.status_code == 200
    assert "Mengapa desil ini" in page.text
    assert "Bobot ilustratif, bukan koefisien resmi" in page.text
    assert "floor_material=tanah" in page.text


def test_invalid_period_is_refused(client: ConsoleClient, db_session: Session) -> None:
    _as(client, db_session, Role.PUSDATIN)
    response = client.post("/admin/pmt-model/desk/run", data={"period": "2026-03"}, follow_redirects=False)
    assert response.status_code == 409
    assert "Periode" in response.text


def test_other_roles_are_refused(client: ConsoleClient, db_session: Session) -> None:
    proposal = _proposal(db_session, ProposalStatus.FORWARDED)
    db_session.commit()
    _as(client, db_session, Role.OPERATOR_PROVINSI, "52")
    assert client.get("/admin/pmt-model/desk").status_code == 403
    assert client.post("/admin/pmt-model/desk/match", data={"all": "1"}).status_code == 403
    assert client.post("/admin/pmt-model/desk/run", data={"period": "2026-10"}).status_code == 403
    assert _status(db_session, proposal) == ProposalStatus.FORWARDED


def _scored(
    session: Session,
    model: PmtModel,
    kind: ProposalKind,
    desil: int | None,
    requested_changes: dict[str, str] | None = None,
) -> Proposal:
    # Stored in its final shape at once: a received proposal no longer changes (models/finality.py).
    proposal = _proposal(session, ProposalStatus.RECEIVED, kind=kind, requested_changes=requested_changes)
    if desil is not None:
        session.add(
            PmtResult(
                household_id=proposal.household_id,
                period="2026-10",
                model_id=model.id,
                score=12.0 + desil / 10,
                desil=desil,
                contributions={"intercept": 12.0 + desil / 10},
                region_code=VILLAGE,
            )
        )
    return proposal


def test_sk_penetapan_applies_the_outcome_and_the_history(client: ConsoleClient, db_session: Session) -> None:
    model = _model(db_session)
    db_session.flush()
    poor = _scored(db_session, model, ProposalKind.NEW, 3)
    better_off = _scored(db_session, model, ProposalKind.NEW, 7)
    removal = _scored(db_session, model, ProposalKind.REMOVE, None)
    removal.household.dtks_status = DtksStatus.REGISTERED
    unscored = _scored(db_session, model, ProposalKind.KEEP, None)
    db_session.commit()
    _as(client, db_session, Role.PUSDATIN)

    data = {
        "period": "2026-10",
        "number": "146/HUK/2026",
        "decree_date": "2026-10-15",
        "signer_name": "Menteri Sosial",
        "signer_title": "Menteri Sosial RI",
    }
    response = client.post("/admin/pmt-model/desk/determine", data=data, follow_redirects=False)
    assert response.status_code == 303

    assert _status(db_session, poor) == ProposalStatus.DETERMINED
    assert _status(db_session, better_off) == ProposalStatus.NOT_DETERMINED
    assert _status(db_session, removal) == ProposalStatus.DETERMINED
    assert _status(db_session, unscored) == ProposalStatus.RECEIVED
    household = db_session.get(Proposal, poor.id).household
    assert (household.dtks_status, household.desil, household.period) == (DtksStatus.REGISTERED, 3, "2026-10")
    assert db_session.get(Proposal, removal.id).household.dtks_status == DtksStatus.REMOVED
    assert db_session.get(Proposal, better_off.id).household.dtks_status == DtksStatus.NOT_REGISTERED
    note = db_session.scalar(
        select(ProposalHistory.note).where(
            ProposalHistory.proposal_id == better_off.id, ProposalHistory.to_status == ProposalStatus.NOT_DETERMINED
        )
    )
    assert note == "Desil di atas batas penetapan"
    decree = db_session.scalar(select(Decree).where(Decree.kind == DecreeKind.MINISTRY_DETERMINATION))
    assert decree is not None and decree.period == "2026-10" and decree.number == "146/HUK/2026"
    assert {p.id for p in decree.proposals} == {poor.id, better_off.id, removal.id}
    history = {
        row.household_id: row
        for row in db_session.scalars(select(HouseholdPeriod).where(HouseholdPeriod.period == "2026-10"))
    }
    assert set(history) == {poor.household_id, removal.household_id}
    assert history[poor.household_id].desil == 3 and history[poor.household_id].decree_id == decree.id
    assert history[removal.household_id].dtks_status == DtksStatus.REMOVED


def test_sk_penetapan_refuses_a_month_outside_the_quarters(client: ConsoleClient, db_session: Session) -> None:
    model = _model(db_session)
    db_session.flush()
    proposal = _scored(db_session, model, ProposalKind.NEW, 2)
    db_session.commit()
    _as(client, db_session, Role.PUSDATIN)
    data = {"period": "2026-11", "number": "1/2026", "decree_date": "2026-11-01", "signer_name": "Menteri"}
    response = client.post("/admin/pmt-model/desk/determine", data=data, follow_redirects=False)
    assert response.status_code == 409
    assert _status(db_session, proposal) == ProposalStatus.RECEIVED
    assert db_session.scalar(select(Decree)) is None
