"""The whole chain through the domain core alone: new families to the ministry's SK Penetapan and a certificate.

Issue 10's acceptance: household, Musdes, verval, district check, SK Pengesahan, province forwarding, NIK matching,
PMT run, determination, then a Surat Keterangan up its paraf chain, each step a chain/ function of
(session, actor) in the official's own transaction (tests/chain/chain_run.py), no request anywhere. Runs on
SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from chain import certificates
from chain.determination import determine
from chain.letters import Letter
from chain.nik_matching import match_nik
from chain.pmt import run_pmt
from console.database import make_session_factory
from models import (
    AuditAction,
    AuditEntry,
    CertificateResult,
    CertificateStep,
    DtksStatus,
    PmtResult,
    Proposal,
    ProposalStatus,
    Role,
)
from models.certificate_flow import PARAF_CHAIN
from models.refusals import Conflict
from tests.chain.chain_run import REGENCY, ChainRun, forwarded_decree, open_chain
from tests.factories import make_pmt_model

PERIOD = "2026-10"
SK_PENETAPAN = Letter("146/HUK/2026", date(2026, 10, 15), "Menteri Sosial", "Menteri Sosial RI")


@pytest.fixture
def run(engine: Engine, regions: frozenset[str], tmp_path: Path) -> ChainRun:
    return open_chain(make_session_factory(engine), tmp_path / "uploads", actor_name="utuh")


def _statuses(run: ChainRun, proposal_ids: list[int]) -> set[ProposalStatus]:
    return run.read(lambda s: {s.get_one(Proposal, pk).status for pk in proposal_ids})


def test_new_families_are_determined_by_the_ministry_and_get_a_certificate_through_the_core(run: ChainRun) -> None:
    _letter_id, proposal_ids = forwarded_decree(run, count=3)
    assert _statuses(run, proposal_ids) == {ProposalStatus.FORWARDED}
    run.act(Role.PUSDATIN, lambda session, _actor: make_pmt_model(session))

    matched = run.act(Role.PUSDATIN, match_nik)
    assert sorted(matched.received) == sorted(proposal_ids) and not matched.rejected
    scored = run.act(Role.PUSDATIN, lambda session, actor: run_pmt(session, actor, PERIOD))
    assert scored.scored == len(proposal_ids) and not scored.without_visit
    determined = run.act(Role.PUSDATIN, lambda s, actor: determine(s, actor, PERIOD, SK_PENETAPAN, max_desil=10))
    assert sorted(determined.determined) == sorted(proposal_ids)
    assert _statuses(run, proposal_ids) == {ProposalStatus.DETERMINED}

    households = run.read(lambda s: [s.get_one(Proposal, pk).household for pk in proposal_ids])
    desils = run.read(lambda s: {pk: desil for pk, desil in s.execute(select(PmtResult.household_id, PmtResult.desil))})
    for household in households:
        assert (household.dtks_status, household.period) == (DtksStatus.REGISTERED, PERIOD)
        assert household.desil == desils[household.id]

    # The determined period is decided: a second PMT run of it is refused and changes nothing.
    with pytest.raises(Conflict):
        run.act(Role.PUSDATIN, lambda session, actor: run_pmt(session, actor, PERIOD))

    # A resident of one of those families asks the district's desk for a Surat Keterangan.
    desk = run.official(Role.PETUGAS_LAYANAN, REGENCY, "utuh_meja")
    signers = {role: run.official(role, REGENCY, f"ttd_{role.value}") for step in PARAF_CHAIN for role in step.roles}
    nik = run.read(lambda s: s.get_one(Proposal, proposal_ids[0]).household.members[0].nik)
    asked = run.act(
        desk, lambda s, a: certificates.request_certificate(s, a, nik=nik, applicant_name="Warga", purpose="KIP")
    )
    assert asked.result == CertificateResult.REGISTERED
    for step in PARAF_CHAIN:
        signer = next(signers[role] for role in step.roles)
        run.act(signer, lambda s, a, step=step: certificates.paraf(s, a, asked.id, step.action))
    signed = run.read(lambda s: certificates.signed_letter(s, desk, asked.id))
    assert signed is not None and signed[0].step == CertificateStep.SIGNED

    # Every step is in the trail under the official who took it, none under the system.
    actors = run.read(
        lambda s: set(s.scalars(select(AuditEntry.actor_name).where(AuditEntry.action == AuditAction.TRANSITION)))
    )
    chain_officials = {f"utuh_{role.value}" for role in (Role.OPERATOR_DESA, Role.PENDATA, Role.TKSK)}
    chain_officials |= {f"utuh_{role.value}" for role in (Role.OPERATOR_DINSOS, Role.OPERATOR_PROVINSI, Role.PUSDATIN)}
    assert chain_officials | {f"ttd_{role.value}" for role in signers} <= actors
    assert "sistem" not in actors
