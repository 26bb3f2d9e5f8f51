"""The text rule of every column (models/text.py) and the flush guard that applies it on every write path."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Base, Certificate, Household, Member, Proposal, ProposalKind, UserSession
from models.text import (
    PERSON_TEXT_COLUMNS,
    TEXT_MAX_LENGTH,
    TextRefused,
    TextRule,
    checked_text,
    column_key,
    rule_for,
)
from tests.factories import make_household

MEMBER = Member.__table__.c
NAME = rule_for(MEMBER.name)
NOTES = rule_for(Household.__table__.c.notes)
NIK = rule_for(MEMBER.nik)


def test_each_string_column_takes_its_own_length_and_each_text_column_the_shared_bound() -> None:
    assert NAME == TextRule(120, multiline=False, person_text=True)
    assert NIK == TextRule(16)
    assert NOTES == TextRule(TEXT_MAX_LENGTH, multiline=True)


def test_enum_number_date_and_json_columns_have_no_text_rule() -> None:
    assert [rule_for(column) for column in (MEMBER.sex, MEMBER.birth_date, MEMBER.id)] == [None, None, None]
    assert rule_for(Proposal.__table__.c.requested_changes) is None


def test_every_person_text_column_names_a_real_text_column() -> None:
    columns = {column_key(column): column for table in Base.metadata.sorted_tables for column in table.columns}
    assert sorted(PERSON_TEXT_COLUMNS - columns.keys()) == []
    assert all(rule_for(columns[key]).person_text for key in PERSON_TEXT_COLUMNS)


def test_too_long_is_refused_naming_the_bound_and_the_length_never_cut() -> None:
    assert NIK.problems("5272011708750001") == []
    assert NIK.problems("52720117087500011") == ["Paling banyak 16 karakter; terisi 17."]
    assert NAME.problems("a" * 121) == ["Paling banyak 120 karakter; terisi 121."]
    assert NOTES.problems("a" * TEXT_MAX_LENGTH) == []


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"],
    ids=lambda character: f"U+{ord(character):04X}",
)
def test_control_characters_are_refused_in_one_line_and_multi_line_fields(character: str) -> None:
    problem = f"Berisi karakter kontrol (U+{ord(character):04X}) yang tidak diizinkan."
    assert NAME.problems(f"Siti{character}Aminah") == [problem]
    assert NOTES.problems(f"Catatan{character}") == [problem]


@pytest.mark.parametrize("character", ["\t", "\n", "\r"], ids=["tab", "line-feed", "carriage-return"])
def test_tab_and_line_breaks_are_kept_in_multi_line_text_and_refused_in_one_line_fields(character: str) -> None:
    assert NOTES.problems(f"Baris satu{character}baris dua") == []
    assert NAME.problems(f"Siti{character}Aminah") == ["Harus satu baris: tanpa baris baru atau tab."]


@pytest.mark.parametrize("code_point", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)], ids=lambda c: f"U+{c:04X}")
def test_bidirectional_overrides_and_isolates_are_refused_in_every_text_field(code_point: int) -> None:
    text = f"Ahmad {chr(code_point)}idamhA"
    for rule in (NAME, NOTES, NIK):
        assert any(f"pengatur arah teks yang tidak terlihat (U+{code_point:04X})" in p for p in rule.problems(text))


@pytest.mark.parametrize(
    "character",
    ["\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"],
    ids=lambda character: f"U+{ord(character):04X}",
)
def test_invisible_format_characters_are_refused_in_names_and_kept_in_free_text(character: str) -> None:
    [problem] = NAME.problems(f"Siti{character} Aminah")
    assert f"tidak terlihat (U+{ord(character):04X})" in problem
    assert "nama atau alamat" in problem
    assert NOTES.problems(f"Warga menulis {character}terima kasih") == []


def test_names_in_latin_script_with_their_usual_marks_are_accepted() -> None:
    for name in ("Wa Ode Nurhayati", "I Gusti Ngurah Rai", "Hj. Siti Nur'aini, S.Pd.", "Zulkarnaen-Ma'ruf"):
        assert NAME.problems(name) == []


def test_checked_text_raises_the_callers_own_refusal_naming_the_field() -> None:
    class DeskRefused(ValueError):
        pass

    with pytest.raises(DeskRefused, match=r"^Nama pemohon: Paling banyak 120 karakter; terisi 130\.$"):
        checked_text(Certificate.__table__.c.applicant_name, "a" * 130, "Nama pemohon", DeskRefused)
    assert checked_text(MEMBER.name, "Siti Aminah", "Nama") == "Siti Aminah"


# --- the flush guard: what no write path may store, on either engine ----------------------------------

SPOILED_MEMBERS: list[tuple[str, Callable[[Member], None], str]] = [
    ("nik-of-17-digits", lambda member: setattr(member, "nik", member.nik + "1"), "member.nik: Paling banyak 16"),
    ("nul-in-name", lambda member: setattr(member, "name", "Siti\x00Aminah"), "member.name: Berisi karakter kontrol"),
    (
        "right-to-left-override-in-mother-name",
        lambda member: setattr(member, "mother_name", "Aminah \u202eharuhaS"),
        "member.mother_name: Berisi karakter pengatur arah",
    ),
    ("121-character-name", lambda member: setattr(member, "name", "a" * 121), "terisi 121"),
]


@pytest.mark.parametrize(
    ("spoil", "message"), [(s, m) for _, s, m in SPOILED_MEMBERS], ids=[i for i, *_ in SPOILED_MEMBERS]
)
def test_an_edit_that_no_column_rule_takes_is_refused_at_flush_and_nothing_is_stored(
    spoil: Callable[[Member], None], message: str, db_session: Session
) -> None:
    household = make_household(db_session, members=2)
    db_session.commit()
    spouse = household.members[1]
    stored = (spouse.nik, spouse.name, spouse.mother_name)

    spoil(spouse)
    with pytest.raises(TextRefused, match=message):
        db_session.commit()

    db_session.rollback()
    db_session.expire_all()
    assert (
        db_session.execute(select(Member.nik, Member.name, Member.mother_name).where(Member.id == spouse.id)).one()
        == stored
    )


def test_a_new_row_with_a_nul_byte_is_refused_at_flush(db_session: Session) -> None:
    household = make_household(db_session)
    db_session.commit()

    with pytest.raises(TextRefused, match="proposal.reason: Berisi karakter kontrol \\(U\\+0000\\)"):
        db_session.add(Proposal(kind=ProposalKind.NEW, household=household, reason="Tidak\x00mampu"))
        db_session.commit()

    db_session.rollback()
    assert db_session.scalar(select(Proposal.id)) is None


def test_bookkeeping_rows_keep_what_the_server_was_sent(db_session: Session) -> None:
    # A browser may send obs-text in its User-Agent (Starlette reads it as Latin-1: U+0080-U+00FF); a login
    # must not fail on it. Sessions, login attempts and the audit trail are not records an official types.
    db_session.add(UserSession(token_hash="a" * 64, ip="10.0.0.1", user_agent="Mozilla/5.0 \x85 Versi"))
    db_session.commit()

    assert db_session.scalar(select(UserSession.user_agent)) == "Mozilla/5.0 \x85 Versi"
