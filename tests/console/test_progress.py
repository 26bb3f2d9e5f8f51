"""Progress bars of the long CLI commands (console/progress.py): on stderr, counting the real work (regions
inserted, households made, households scored, rows exported), shown when DTKS_PROGRESS=1 forces them; off, and
by default when stderr is no terminal (as under pytest), not a character of them appears."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import cli_export
from console.cli import main
from console.database import make_engine, make_session_factory
from console.progress import FORCE_VARIABLE, Report, progress
from console.settings import Settings
from models import Household, Proposal, ProposalStatus, Role
from models.instrument import FloorMaterial
from reports import bnba_export
from tests.factories import make_pmt_model, make_proposal, make_user, make_visit
from tests.reports.export_checks import registered

BAR = re.compile(r"\d+%\|")  # tqdm's "100%|██████████|"


@pytest.fixture
def received(db_session: Session) -> Proposal:
    """One received proposal whose household was visited, a PMT model in force, and the ministry's user."""
    make_pmt_model(db_session, version="uji-progress", weights=(("floor_material", "tanah", -0.14),))
    proposal = make_proposal(db_session, ProposalStatus.RECEIVED, members=2, has_kk=False)
    make_visit(db_session, proposal.household, proposal, floor_material=FloorMaterial.EARTH)
    make_user(db_session, Role.PUSDATIN, None, username="pusdatin_cli")
    db_session.commit()
    return proposal


def _finished(err: str, description: str, count: int) -> bool:
    """The bar's last state on stderr (what follows the last carriage return): its description, 100%, count/count."""
    last = err.rstrip("\n").split("\r")[-1]
    return last.startswith(description) and "100%" in last and f"{count}/{count}" in last


def test_the_pmt_run_counts_the_households_it_scores(
    cli_env: None,
    received: Proposal,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(FORCE_VARIABLE, "1")
    assert main(["pmt-run", "2026-10", "--user", "pusdatin_cli"]) == 0
    captured = capsys.readouterr()
    assert _finished(captured.err, "Menghitung PMT", 1), captured.err
    assert "Menghitung PMT" not in captured.out and "1 rumah tangga dinilai" in captured.out  # stdout stays clean


@pytest.mark.parametrize("setting", ["0", None], ids=["forced-off", "stderr-not-a-terminal"])
def test_without_the_bar_nothing_of_it_reaches_stderr(
    cli_env: None,
    received: Proposal,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    setting: str | None,
) -> None:
    if setting is None:
        monkeypatch.delenv(FORCE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(FORCE_VARIABLE, setting)
    assert main(["pmt-run", "2026-10", "--user", "pusdatin_cli"]) == 0
    err = capsys.readouterr().err
    assert "Menghitung PMT" not in err and not BAR.search(err) and "\r" not in err


def test_the_export_counts_the_rows_it_wrote(
    cli_env: None,
    db_session: Session,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered(db_session)  # a household of three members: three roster rows
    db_session.commit()
    monkeypatch.setenv(FORCE_VARIABLE, "1")
    # A batch of one row (FAN_OUT_ROWS is 1,000): three rows are an export of three batches, without making
    # thousands of members.
    monkeypatch.setattr(bnba_export, "FAN_OUT_ROWS", 1)
    reports: list[tuple[int, int]] = []

    @contextmanager
    def recorded(description: str, *, unit: str) -> Iterator[Report]:
        with progress(description, unit=unit) as report:

            def both(done: int, total: int) -> None:
                reports.append((done, total))
                report(done, total)

            yield both

    monkeypatch.setattr(cli_export, "progress", recorded)
    assert main(["export", "roster", "--region", "52.72", "--period", "2026-01", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert _finished(captured.err, "Menulis ekspor", 3), captured.err
    assert "Ditulis:" in captured.out
    # The bar moved while the rows were written, one report per batch against the rows counted first.
    assert reports == [(0, 0), (1, 3), (2, 3), (3, 3), (3, 3)]


def test_a_refused_command_draws_no_bar(
    cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FORCE_VARIABLE, "1")
    assert main(["pmt-run", "2026-10", "--user", "tidak_ada"]) == 2
    err = capsys.readouterr().err
    assert "tidak ditemukan" in err and "Menghitung PMT" not in err


def test_loading_regions_and_seeding_the_demo_count_regions_and_households(
    empty_database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "DATABASE_URL": empty_database_url,
        "ENVIRONMENT": "development",
        "SECRET_KEY": "x" * 48,
        "DEMO_REGENCY_CODE": "52.72",
        "DEMO_HOUSEHOLDS": "40",
        FORCE_VARIABLE: "1",
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["load-regions"]) == 0
    regions = capsys.readouterr()
    total = int(re.findall(r"(\d+)/\1", regions.err)[-1])
    assert total > 90_000 and _finished(regions.err, "Memuat wilayah", total), regions.err[-300:]

    assert main(["seed-demo"]) == 0
    seeded = capsys.readouterr()
    assert _finished(seeded.err, "Mengisi data demo", 40), seeded.err[-300:]
    engine = make_engine(Settings(_env_file=None, database_url=empty_database_url))
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 40  # the bar counted real rows
    engine.dispose()

    assert main(["seed-demo"]) == 0  # idempotent: nothing to make, so no bar
    assert "Mengisi data demo" not in capsys.readouterr().err


@pytest.mark.parametrize(("setting", "shown"), [("1", True), ("0", False), ("", False)])
def test_the_setting_decides_for_a_stream_that_is_no_terminal(
    monkeypatch: pytest.MonkeyPatch, setting: str, shown: bool
) -> None:
    monkeypatch.setenv(FORCE_VARIABLE, setting)
    stream = io.StringIO()  # isatty() is False: tqdm's own choice is off
    with progress("Menulis ekspor", unit="baris", stream=stream) as report:
        for done in range(1, 6):
            report(done, 5)
    assert ("Menulis ekspor" in stream.getvalue() and "5/5" in stream.getvalue()) is shown
    assert bool(stream.getvalue()) is shown
