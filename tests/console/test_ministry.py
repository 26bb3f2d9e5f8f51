"""Ministry desk over HTTP: NIK matching (received / rejected with reason) and the PMT run for a period."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AuditEntry,
    Decree,
    DecreeKind,
    DtksStatus,
    HouseholdPeriod,
    PmtResult,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    Role,
)
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import (
    make_pmt_model,
    make_proposal,
)
from tests.ministry_cases import make_scored_proposal, nik_matching_cases, pmt_run_cases


def _status(session: Session, proposal: Proposal) -> ProposalStatus:
    session.expire_all()
    return session.get(Proposal, proposal.id).status


def test_nik_matching_receives_or_rejects_with_the_reason(client: ConsoleClient, db_session: Session) -> None:
    good, invalid, duplicate = nik_matching_cases(db_session)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)

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
    chosen, other = (
        make_proposal(db_session, ProposalStatus.FORWARDED, members=2),
        make_proposal(db_session, ProposalStatus.FORWARDED, members=2),
    )
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)
    response = client.post("/admin/pmt-model/desk/match", data={"proposal": [str(chosen.id)]}, follow_redirects=False)
    assert response.status_code == 303
    assert _status(db_session, chosen) == ProposalStatus.RECEIVED
    assert _status(db_session, other) == ProposalStatus.FORWARDED


def test_pmt_run_stores_results_and_the_household_page_explains_them(
    client: ConsoleClient, db_session: Session
) -> None:
    poor, rich, unvisited = pmt_run_cases(db_session)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)

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
    assert "<td>Jenis lantai: Tanah</td>" in page.text  # the variable in words, not its key


def test_invalid_period_is_refused(client: ConsoleClient, db_session: Session) -> None:
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)
    response = client.post("/admin/pmt-model/desk/run", data={"period": "2026-03"}, follow_redirects=False)
    assert response.status_code == 409
    assert "Periode" in response.text


def test_other_roles_are_refused(client: ConsoleClient, db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.FORWARDED, members=2)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_PROVINSI, "52")
    assert client.get("/admin/pmt-model/desk").status_code == 403
    assert client.post("/admin/pmt-model/desk/match", data={"all": "1"}).status_code == 403
    assert client.post("/admin/pmt-model/desk/run", data={"period": "2026-10"}).status_code == 403
    assert _status(db_session, proposal) == ProposalStatus.FORWARDED


def test_sk_penetapan_applies_the_outcome_and_the_history(client: ConsoleClient, db_session: Session) -> None:
    model = make_pmt_model(db_session)
    poor = make_scored_proposal(db_session, model, ProposalKind.NEW, 3)
    better_off = make_scored_proposal(db_session, model, ProposalKind.NEW, 7)
    removal = make_scored_proposal(db_session, model, ProposalKind.REMOVE, None)
    removal.household.dtks_status = DtksStatus.REGISTERED
    unscored = make_scored_proposal(db_session, model, ProposalKind.KEEP, None)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)

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
    model = make_pmt_model(db_session)
    proposal = make_scored_proposal(db_session, model, ProposalKind.NEW, 2)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)
    data = {"period": "2026-11", "number": "1/2026", "decree_date": "2026-11-01", "signer_name": "Menteri"}
    response = client.post("/admin/pmt-model/desk/determine", data=data, follow_redirects=False)
    assert response.status_code == 409
    assert _status(db_session, proposal) == ProposalStatus.RECEIVED
    assert db_session.scalar(select(Decree)) is None
