"""finality_of_rows (a list page's rows at once, its facts read in a few set queries) answers exactly as
finality_of asks row by row, for every governed model, on a register holding a proposal at every status."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models import Decree, Household, Meeting, MeetingDecision, MeetingParticipant, Proposal, ProposalStatus, Visit
from models.finality_rows import finality_of, finality_of_rows
from tests.finality_world import place

PAGE_MODELS = (Proposal, Household, Visit, Meeting, MeetingParticipant, MeetingDecision, Decree)


@pytest.fixture
def register(db_session: Session) -> Session:
    for serial, status in enumerate(ProposalStatus):
        place(db_session, status, serial=serial)
    db_session.commit()
    return db_session


@pytest.mark.parametrize("model", PAGE_MODELS, ids=lambda model: model.__name__)
def test_a_page_at_once_answers_as_each_row_alone(register: Session, model: type[Any]) -> None:
    rows = list(register.scalars(select(model)))
    assert rows, f"the register holds no {model.__name__}"
    one_by_one = [finality_of(register, row) for row in rows]
    register.expunge_all()  # nothing read for the first answers helps the second

    page = list(register.scalars(select(model)))
    assert finality_of_rows(register, page) == one_by_one
    assert any(answer.edit or answer.delete for answer in one_by_one) or model is Household


def test_a_page_of_households_costs_two_queries_however_many_rows(register: Session) -> None:
    households = list(register.scalars(select(Household)))
    statements: list[str] = []
    engine = register.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (before_cursor_execute's statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answers = finality_of_rows(register, households)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(households) == len(ProposalStatus) and len(statements) == 2  # fixed visits; the periods' rows
    assert any(answer.delete for answer in answers) and any(answer.delete is None for answer in answers)
