"""`dtks pmt-run` and `dtks determine`: the ministry's batch steps from the command line, through chain/, as a
named user; a refusal of the core is exit 2 with its Indonesian message (or one JSON object), nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.cli import main
from models import AuditAction, AuditEntry, Decree, DecreeKind, PmtResult, Proposal, ProposalStatus, Role
from models.instrument import FloorMaterial
from models.periods import PERIOD_MESSAGE
from tests.factories import make_pmt_model, make_proposal, make_user, make_visit

DECREE_OPTIONS = ["--number", "7/HUK/2026", "--date", "2026-10-15", "--signer-name", "Menteri Sosial"]


@pytest.fixture
def received(db_session: Session) -> Proposal:
    """One received proposal whose household was visited (earth floor: a poor household), a model in force."""
    make_pmt_model(db_session, version="uji-cli", weights=(("floor_material", "tanah", -0.14),))
    proposal = make_proposal(db_session, ProposalStatus.RECEIVED, members=2, has_kk=False)
    make_visit(db_session, proposal.household, proposal, floor_material=FloorMaterial.EARTH)
    make_user(db_session, Role.PUSDATIN, None, username="pusdatin_cli")
    make_user(db_session, Role.OPERATOR_PROVINSI, "52", username="provinsi_cli")
    db_session.commit()
    return proposal


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main([*args, "--json"])
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one JSON object, on one line
    return code, json.loads(out)


def test_pmt_run_scores_the_received_households_as_the_user(
    cli_env: None, received: Proposal, capsys: pytest.CaptureFixture[str], db_session: Session
) -> None:
    code, result = _json(capsys, "pmt-run", "2026-10", "--user", "pusdatin_cli")

    assert code == 0
    assert result == {"period": "2026-10", "scored": 1, "without_visit": [], "without_model": []}
    db_session.expire_all()
    stored = db_session.scalar(select(PmtResult).where(PmtResult.household_id == received.household_id))
    assert stored is not None and stored.period == "2026-10"


def test_determine_writes_the_sk_penetapan_and_the_trail_names_the_user(
    cli_env: None, received: Proposal, capsys: pytest.CaptureFixture[str], db_session: Session
) -> None:
    assert main(["pmt-run", "2026-10", "--user", "pusdatin_cli"]) == 0
    capsys.readouterr()

    code = main(["determine", "2026-10", "--user", "pusdatin_cli", *DECREE_OPTIONS])

    assert code == 0
    assert "SK Penetapan 7/HUK/2026" in capsys.readouterr().out
    db_session.expire_all()
    assert db_session.get(Proposal, received.id).status == ProposalStatus.DETERMINED
    decree = db_session.scalar(select(Decree).where(Decree.kind == DecreeKind.MINISTRY_DETERMINATION))
    assert decree is not None and (decree.number, decree.period) == ("7/HUK/2026", "2026-10")
    actors = db_session.scalars(
        select(AuditEntry.actor_name).where(
            AuditEntry.action == AuditAction.TRANSITION, AuditEntry.object_id == str(received.id)
        )
    )
    assert set(actors) == {"pusdatin_cli"}


REFUSALS = [
    (["pmt-run", "2026-11", "--user", "pusdatin_cli"], PERIOD_MESSAGE),
    (["determine", "2026-02", "--user", "pusdatin_cli", *DECREE_OPTIONS], PERIOD_MESSAGE),
    (["pmt-run", "2026-10", "--user", "provinsi_cli"], "Peran Anda tidak berwenang melakukan tindakan ini."),
    (["determine", "2026-10", "--user", "provinsi_cli", *DECREE_OPTIONS], "Peran Anda tidak berwenang"),
    (["pmt-run", "2026-10", "--user", "tidak_ada"], "Pengguna 'tidak_ada' tidak ditemukan."),
    (["determine", "2026-10", "--user", "pusdatin_cli", *DECREE_OPTIONS], "Tidak ada usulan diterima"),  # unscored
]


@pytest.mark.parametrize(("args", "message"), REFUSALS)
def test_a_refusal_is_exit_2_with_the_indonesian_message_and_writes_nothing(
    cli_env: None,
    received: Proposal,
    capsys: pytest.CaptureFixture[str],
    db_session: Session,
    args: list[str],
    message: str,
) -> None:
    code = main(args)

    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err and "Traceback" not in captured.err
    db_session.expire_all()
    assert db_session.scalar(select(PmtResult)) is None and db_session.scalar(select(Decree)) is None
    assert db_session.get(Proposal, received.id).status == ProposalStatus.RECEIVED


def test_a_refusal_with_json_is_one_object_naming_the_error(
    cli_env: None, received: Proposal, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = _json(capsys, "pmt-run", "2026-13", "--user", "pusdatin_cli")

    assert (code, result) == (2, {"error": PERIOD_MESSAGE})


def test_a_decree_date_that_is_no_date_is_refused_by_the_argument_parser(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["determine", "2026-10", "--user", "u", "--number", "1", "--date", "15-10-2026", "--signer-name", "M"])

    assert stopped.value.code == 2
    assert "tanggal '15-10-2026' tidak valid" in capsys.readouterr().err
