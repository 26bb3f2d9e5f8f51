"""The sqladmin forms never cut what was typed: too long, hidden direction marks and implausible dates are refused
with a message in Bahasa Indonesia, and nothing is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.views import ALL_VIEWS
from models.dates import today_in_indonesia
from tests.console.form_posts import Seed, create, refusal_text, row_counts, seed_register
from tests.console.test_form_refusals import FORM_SPECS, KECAMATAN, MAN_BORN, assert_refused
from tests.factories import next_nik

SPECS = {spec.identity: spec for spec in FORM_SPECS}
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Ahmad \u202eidamhA" shows as "Ahmad Ahmadi"
TOMORROW = today_in_indonesia() + timedelta(days=1)
_INPUT_TAG = re.compile(r"<(?:input|textarea)\b[^>]*>", re.S)


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def _valid(identity: str, seed: Seed) -> dict[str, str]:
    return SPECS[identity].valid(seed)


@pytest.mark.parametrize(
    ("identity", "field"), [("member", "nik"), ("household", "head_nik")], ids=["member-form", "household-head"]
)
def test_a_nik_of_17_digits_reaches_the_validator_and_is_refused_not_cut(
    identity: str, field: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    nik = next_nik(KECAMATAN, MAN_BORN, is_female=False) + "7"
    page = admin_client.get(f"/admin/{identity}/create").text
    counts = row_counts(db_session)

    response = create(admin_client, identity, {**_valid(identity, seed), field: nik})

    messages = assert_refused(response, "16 digit")
    assert "Paling banyak 16 karakter; terisi 17." in messages
    assert row_counts(db_session) == counts
    assert "maxlength" not in _input_named(page, field)  # a browser would have cut the paste to 16 digits


def _input_named(page: str, name: str) -> str:
    return next(match.group(0) for match in _INPUT_TAG.finditer(page) if f'name="{name}"' in match.group(0))


FORM_VIEWS = [view.identity for view in ALL_VIEWS if getattr(view, "can_create", False) and hasattr(view, "model")]


@pytest.mark.parametrize("identity", FORM_VIEWS)
def test_no_create_form_puts_a_maxlength_on_its_inputs(identity: str, admin_client: TestClient) -> None:
    page = admin_client.get(f"/admin/{identity}/create")

    assert page.status_code == 200
    assert [tag for tag in _INPUT_TAG.findall(page.text) if "maxlength" in tag] == []
    assert "maxlength" not in page.text


TOO_LONG = [
    pytest.param("member", "name", 120, id="member-name"),
    pytest.param("member", "birth_place", 80, id="member-birth-place"),
    pytest.param("household", "address", 200, id="household-address"),
    pytest.param("household", "head_mother_name", 120, id="household-head-mother-name"),
    pytest.param("meeting", "ba_number", 80, id="meeting-ba-number"),
    pytest.param("decree", "signer_title", 120, id="decree-signer-title"),
    pytest.param("complaint", "description", 5000, id="complaint-description"),
    pytest.param("visit", "notes", 5000, id="visit-notes"),
]


@pytest.mark.parametrize(("identity", "field", "bound"), TOO_LONG)
def test_text_one_character_past_its_column_is_refused_naming_the_bound_and_the_length(
    identity: str, field: str, bound: int, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    counts = row_counts(db_session)

    response = create(admin_client, identity, {**_valid(identity, seed), field: "a" * (bound + 1)})

    assert_refused(response, f"Paling banyak {bound} karakter; terisi {bound + 1}.")
    assert row_counts(db_session) == counts


@pytest.mark.parametrize(("identity", "field", "bound"), TOO_LONG[:3])
def test_text_exactly_as_long_as_its_column_is_stored_whole(
    identity: str, field: str, bound: int, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    response = create(admin_client, identity, {**_valid(identity, seed), field: "a" * bound})

    assert response.status_code == 302, refusal_text(response)


HIDDEN_MARKS = [
    pytest.param("member", "name", RLO, id="member-name-rlo"),
    pytest.param("member", "mother_name", "\u2067", id="member-mother-name-rli"),
    pytest.param("member", "birth_place", "\u200f", id="member-birth-place-rlm"),
    pytest.param("household", "address", RLO, id="household-address-rlo"),
    pytest.param("household", "head_name", "\u200b", id="household-head-name-zero-width-space"),
    pytest.param("meeting-participant", "name", "\u202d", id="participant-name-lro"),
    pytest.param("complaint", "complainant_name", RLO, id="complainant-name-rlo"),
    pytest.param("decree", "signer_name", "\u061c", id="decree-signer-arabic-letter-mark"),
    pytest.param("user", "full_name", RLO, id="user-full-name-rlo"),
    pytest.param("visit", "enumerator_name", "\u2066", id="enumerator-name-lri"),
]


@pytest.mark.parametrize(("identity", "field", "mark"), HIDDEN_MARKS)
def test_a_hidden_direction_or_format_mark_in_a_name_or_address_is_refused(
    identity: str, field: str, mark: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    counts = row_counts(db_session)

    response = create(admin_client, identity, {**_valid(identity, seed), field: f"Ahmad {mark}idamhA"})

    assert_refused(response, f"U+{ord(mark):04X}", "tidak terlihat")
    assert row_counts(db_session) == counts


def test_a_right_to_left_override_is_refused_in_free_text_too_but_an_emoji_joiner_is_kept(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    valid = _valid("complaint", seed)
    assert_refused(create(admin_client, "complaint", {**valid, "description": f"Antrean {RLO}amal"}), "U+202E")

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of three people joined by U+200D
    response = create(admin_client, "complaint", {**valid, "description": f"Terima kasih {family}"})
    assert response.status_code == 302, refusal_text(response)


def _dated(field: str, value: date) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda fields: {**fields, field: value.isoformat()}


IMPLAUSIBLE_DATES = [
    pytest.param("meeting", "held_on", date(1800, 1, 1), "01-01-2010", id="meeting-in-1800"),
    pytest.param("meeting", "held_on", date(9999, 12, 31), "01-01-2010", id="meeting-in-9999"),
    pytest.param("member", "birth_date", date(1899, 12, 31), "01-01-1900", id="member-born-1899"),
    pytest.param("member", "birth_date", TOMORROW, "01-01-1900", id="member-born-tomorrow"),
    pytest.param("household", "head_birth_date", date(1850, 6, 1), "01-01-1900", id="head-born-1850"),
    pytest.param("visit", "visited_on", TOMORROW, "01-01-2010", id="visit-tomorrow"),
    pytest.param("visit", "visited_on", date(2009, 12, 31), "01-01-2010", id="visit-in-2009"),
    pytest.param("decree", "decree_date", date(1, 1, 1), "01-01-2010", id="decree-in-year-1"),
]


@pytest.mark.parametrize(("identity", "field", "value", "earliest"), IMPLAUSIBLE_DATES)
def test_a_date_outside_its_fields_bounds_is_refused_naming_the_bounds(
    identity: str, field: str, value: date, earliest: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    counts = row_counts(db_session)

    response = create(admin_client, identity, _dated(field, value)(_valid(identity, seed)))

    assert_refused(response, f"Tanggal harus antara {earliest} dan ", f"terisi {value:%d-%m-%Y}")
    assert row_counts(db_session) == counts


def test_a_meeting_planned_within_a_year_is_accepted(seed: Seed, admin_client: TestClient) -> None:
    planned = today_in_indonesia() + timedelta(days=300)

    response = create(admin_client, "meeting", _dated("held_on", planned)(_valid("meeting", seed)))

    assert response.status_code == 302, refusal_text(response)
