"""Monthly proposal windows (DTSEN): the dates as data, and deadlines that follow them in Python and SQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.dashboard import overdue_proposals
from chain.deadlines import Deadlines, load_deadlines
from chain.store import write_transaction
from chain.windows import fill_year, regency_of, result_date
from console.database import make_session_factory
from models import AuditEntry, Proposal, ProposalStatus, ProposalWindow, Role, User
from models.refusals import NotAllowed, NotFound
from models.windows import default_window, last_close_before, window_due, window_refusal
from models.workflow import TransitionRefused
from policies.scope import Scope
from tests.factories import make_proposal, make_user

KOTA_BIMA, KAB_BIMA = "52.72", "52.71"
VILLAGE, OTHER_REGENCY_VILLAGE = "52.72.01.1001", "52.71.01.1004"


def _run(db_session: Session, user: User, work: Callable[[Session, Actor], Any]) -> Any:
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    db_session.rollback()
    result = run_as(user, lambda: write_transaction(make_session_factory(bind), lambda s: work(s, actor)))
    db_session.expire_all()
    return result


# --- the rule, without a database -------------------------------------------------------------------------


def test_a_default_window_takes_the_reported_days_and_fits_a_short_month() -> None:
    march = default_window(KOTA_BIMA, "2027-03")
    assert (march.musdes_opens, march.musdes_closes) == (date(2027, 3, 1), date(2027, 3, 14))
    assert (march.input_opens, march.input_closes, march.result_date) == (
        date(2027, 3, 1),
        date(2027, 3, 11),
        date(2027, 3, 20),
    )
    assert window_refusal(march) is None
    assert window_refusal(default_window(KOTA_BIMA, "2028-02")) is None  # leap year, and the 20th exists anyway


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"month": "2027-13"}, "Bulan TTTT-BB"),
        ({"month": "2027-3"}, "Bulan TTTT-BB"),
        ({"musdes_closes": date(2027, 4, 2)}, "harus di dalam bulan 2027-03"),
        ({"input_opens": date(2027, 2, 28)}, "harus di dalam bulan 2027-03"),
        ({"musdes_opens": date(2027, 3, 15)}, "Musdesus tidak dapat ditutup sebelum dibuka"),
        ({"input_opens": date(2027, 3, 12)}, "Input tidak dapat ditutup sebelum dibuka"),
        ({"result_date": date(2027, 3, 10)}, "tidak boleh sebelum input ditutup"),
        ({"result_date": date(2027, 6, 1)}, "paling lambat bulan berikutnya"),
        ({"result_date": None}, "wajib diisi"),
        ({"month": "1999-03"}, "Tahun jadwal"),
    ],
)
def test_a_window_out_of_its_month_or_out_of_order_is_refused_with_its_reason(
    change: dict[str, Any], message: str
) -> None:
    window = default_window(KOTA_BIMA, "2027-03")
    for key, value in change.items():
        setattr(window, key, value)
    refusal = window_refusal(window)
    assert refusal is not None and message in refusal


def test_the_window_that_applies_is_the_first_to_close_on_or_after_the_day_the_status_began() -> None:
    closes = {ProposalStatus.DRAFT: [date(2027, 1, 11), date(2027, 2, 11), date(2027, 3, 11)]}
    assert window_due(ProposalStatus.DRAFT, date(2027, 1, 11), closes) == date(2027, 1, 11)
    assert window_due(ProposalStatus.DRAFT, date(2027, 1, 12), closes) == date(2027, 2, 11)
    assert window_due(ProposalStatus.DRAFT, date(2027, 3, 12), closes) is None  # after every window
    assert window_due(ProposalStatus.IN_MUSDES, date(2027, 1, 1), closes) is None  # no window for that status
    assert last_close_before(closes[ProposalStatus.DRAFT], date(2027, 2, 11)) == date(2027, 1, 11)
    assert last_close_before(closes[ProposalStatus.DRAFT], date(2027, 1, 11)) is None


# --- deadlines over the register: the cell's answer and the SQL filter's agree ----------------------------


def _windows(session: Session, regency: str, months: list[str]) -> None:
    session.add_all(default_window(regency, month) for month in months)
    session.flush()


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)


def test_drafts_and_musdes_agendas_are_due_at_their_windows_and_elsewhere_by_working_days(db_session: Session) -> None:
    today = date(2027, 3, 16)  # a Tuesday: the March input window (1-11) and Musdesus (1-14) have closed
    _windows(db_session, KOTA_BIMA, ["2027-01", "2027-02", "2027-03", "2027-04"])
    cases: list[tuple[str, ProposalStatus, date, bool]] = [
        (VILLAGE, ProposalStatus.DRAFT, date(2027, 3, 11), True),  # entered on the close day: late from the 12th
        (VILLAGE, ProposalStatus.DRAFT, date(2027, 3, 12), False),  # after March's input: April's window
        (VILLAGE, ProposalStatus.DRAFT, date(2027, 1, 2), True),
        (VILLAGE, ProposalStatus.IN_MUSDES, date(2027, 3, 14), True),
        (VILLAGE, ProposalStatus.IN_MUSDES, date(2027, 3, 15), False),
        (VILLAGE, ProposalStatus.SUBMITTED, date(2027, 3, 15), False),  # not window-governed: the SOP target
        (VILLAGE, ProposalStatus.SUBMITTED, date(2026, 12, 1), True),
        (OTHER_REGENCY_VILLAGE, ProposalStatus.DRAFT, date(2027, 3, 15), False),  # no windows: the SOP's 1 day
        (OTHER_REGENCY_VILLAGE, ProposalStatus.DRAFT, date(2027, 3, 11), True),
        (OTHER_REGENCY_VILLAGE, ProposalStatus.DRAFT, date(2026, 12, 1), True),
    ]
    made: dict[int, bool] = {}
    for region, status, entered, late in cases:
        proposal = make_proposal(db_session, status, region_code=region, status_changed_at=_at(entered))
        made[proposal.id] = late
    db_session.commit()

    deadlines = load_deadlines(db_session, Scope(None), today)
    proposals = db_session.scalars(select(Proposal).where(Proposal.id.in_(made))).all()
    by_cell = {p.id: deadlines.overdue(p.status, p.status_changed_at, p.regency_code, today) for p in proposals}
    assert by_cell == made
    by_sql = set(db_session.scalars(select(Proposal.id).where(Proposal.id.in_(made), deadlines.condition(today))))
    assert by_sql == {pk for pk, late in made.items() if late}
    draft = next(p for p in proposals if p.status_changed_at.date() == date(2027, 3, 12))
    assert deadlines.due(draft.status, draft.status_changed_at, draft.regency_code) == date(2027, 4, 11)


def test_a_proposal_entered_after_the_last_window_falls_back_to_the_working_day_target(db_session: Session) -> None:
    _windows(db_session, KOTA_BIMA, ["2026-01"])
    old = make_proposal(db_session, ProposalStatus.DRAFT, region_code=VILLAGE, status_changed_at=_at(date(2026, 3, 2)))
    db_session.commit()
    today = date(2026, 6, 1)
    deadlines = load_deadlines(db_session, Scope(None), today)
    assert deadlines.due(old.status, old.status_changed_at, old.regency_code) not in (None, date(2026, 1, 11))
    assert deadlines.overdue(old.status, old.status_changed_at, old.regency_code, today)
    assert db_session.scalar(select(func.count()).where(Proposal.id == old.id, deadlines.condition(today))) == 1


def test_the_dashboards_overdue_list_follows_the_windows(db_session: Session) -> None:
    today = date(2027, 3, 16)
    _windows(db_session, KOTA_BIMA, ["2027-03", "2027-04"])
    # Entered on the 3rd: within a 30-day target, past the Musdesus close of the 14th.
    late = make_proposal(
        db_session, ProposalStatus.IN_MUSDES, region_code=VILLAGE, status_changed_at=_at(date(2027, 3, 3))
    )
    waiting = make_proposal(
        db_session, ProposalStatus.IN_MUSDES, region_code=VILLAGE, status_changed_at=_at(date(2027, 3, 15))
    )
    db_session.commit()
    assert not Deadlines({"in_musdes": 30}).overdue(late.status, late.status_changed_at, late.regency_code, today)
    listed = [proposal.id for proposal in overdue_proposals(db_session, Scope(KOTA_BIMA), today)]
    assert late.id in listed and waiting.id not in listed


# --- filling a year, the result date ----------------------------------------------------------------------


def test_the_district_fills_its_year_once_and_keeps_what_it_edited(db_session: Session) -> None:
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, KOTA_BIMA)
    edited = default_window(KOTA_BIMA, "2027-05")
    edited.input_closes = date(2027, 5, 8)
    db_session.add(edited)
    db_session.commit()

    assert _run(db_session, dinsos, lambda s, actor: fill_year(s, actor, KOTA_BIMA, 2027)) == 11
    assert _run(db_session, dinsos, lambda s, actor: fill_year(s, actor, KOTA_BIMA, 2027)) == 0
    months = db_session.scalars(select(ProposalWindow.month).where(ProposalWindow.regency_code == KOTA_BIMA)).all()
    assert sorted(months) == [f"2027-{month:02d}" for month in range(1, 13)]
    assert db_session.get_one(ProposalWindow, (KOTA_BIMA, "2027-05")).input_closes == date(2027, 5, 8)
    audited = select(func.count()).where(AuditEntry.object_type == "proposal_window", AuditEntry.action == "create")
    assert db_session.scalar(audited) == 12  # the edited May, then the eleven months filled
    assert result_date(db_session, KOTA_BIMA, "2027-04") == date(2027, 4, 20)
    assert result_date(db_session, None, "2027-04") == date(2027, 4, 20)
    assert result_date(db_session, KAB_BIMA, "2027-04") is None
    assert regency_of(actor_for(db_session, dinsos)) == KOTA_BIMA


def test_filling_a_year_is_refused_outside_the_scope_for_a_bad_code_or_year_and_for_readers(
    db_session: Session,
) -> None:
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, KOTA_BIMA)
    kabid = make_user(db_session, Role.KABID, KOTA_BIMA)
    db_session.commit()
    with pytest.raises(NotFound):
        _run(db_session, dinsos, lambda s, actor: fill_year(s, actor, KAB_BIMA, 2027))
    for code, year, message in (
        ("52.72.01", 2027, "tidak sah"),
        ("5272", 2027, "tidak sah"),
        (KOTA_BIMA, 1999, "Tahun"),
    ):
        with pytest.raises(TransitionRefused, match=message):
            _run(db_session, dinsos, lambda s, actor, code=code, year=year: fill_year(s, actor, code, year))
    with pytest.raises(NotAllowed):
        _run(db_session, kabid, lambda s, actor: fill_year(s, actor, KOTA_BIMA, 2027))
    assert db_session.scalar(select(func.count()).select_from(ProposalWindow)) == 0
