"""The forms' live NIK / No. KK check (POST /admin/identity-check) and the warnings flashed on save."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEntry, Household, Member, Role
from tests.conftest import log_in
from tests.console.form_posts import create, household_form
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, make_household, make_user, next_nik, next_no_kk

URL = "/admin/identity-check"
UNKNOWN_KECAMATAN = "52.72.09"  # Kota Bima has five kecamatan: accepted with a warning
BORN = date(1984, 8, 17)
WARNING_NIK = "Kode kecamatan 52.72.09 di NIK tidak ada dalam daftar wilayah saat ini"
WARNING_NO_KK = "Kode kecamatan 52.72.09 di No. KK tidak ada dalam daftar wilayah saat ini"


def _as(client: ConsoleClient, db_session: Session, role: Role, scope: str | None = DEFAULT_VILLAGE) -> ConsoleClient:
    user = make_user(db_session, role, scope)
    db_session.commit()
    log_in(client, user.username)
    return client


@pytest.fixture
def operator(client: ConsoleClient, db_session: Session, regions: frozenset[str]) -> ConsoleClient:
    return _as(client, db_session, Role.OPERATOR_DESA)


def _audit_rows(db_session: Session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize(
    ("kind", "number", "errors", "warnings"),
    [
        pytest.param("nik", next_nik(UNKNOWN_KECAMATAN, BORN, is_female=True), [], [WARNING_NIK], id="nik-warned"),
        pytest.param("nik", next_nik("52.72.01", BORN, is_female=True), [], [], id="nik-fine"),
        pytest.param("nik", "9972011708750001", ["bukan kode provinsi"], [], id="nik-no-province"),
        pytest.param("nik", "5272001708750001", ["kode kecamatan"], [], id="nik-kecamatan-00"),
        pytest.param("nik", "52720117087500011", ["harus tepat 16 digit (terisi 17 digit)"], [], id="nik-17-digits"),
        pytest.param("no_kk", next_no_kk(UNKNOWN_KECAMATAN), [], [WARNING_NO_KK], id="no-kk-warned"),
        pytest.param("no_kk", "5200011403190001", ["kode kabupaten/kota"], [], id="no-kk-regency-00"),
    ],
)
def test_the_check_answers_the_validators_errors_and_warnings_as_json(
    operator: ConsoleClient, kind: str, number: str, errors: list[str], warnings: list[str]
) -> None:
    response = operator.post(URL, data={"kind": kind, "number": number})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    answer = response.json()
    assert len(answer["errors"]) == len(errors)
    assert all(expected in got for expected, got in zip(errors, answer["errors"], strict=True))
    assert len(answer["warnings"]) == len(warnings)
    assert all(expected in got for expected, got in zip(warnings, answer["warnings"], strict=True))


def test_a_registered_nik_and_an_unregistered_one_get_the_same_answer_and_nothing_is_audited(
    operator: ConsoleClient, db_session: Session
) -> None:
    registered = make_household(db_session, region_code="73.02.01.1001").members[0].nik  # another district
    db_session.commit()
    unregistered = registered[:12] + f"{(int(registered[12:]) % 9998) + 1:04d}"
    assert db_session.scalar(select(Member).where(Member.nik == unregistered)) is None
    audited = _audit_rows(db_session)

    answers = [operator.post(URL, data={"kind": "nik", "number": nik}).json() for nik in (registered, unregistered)]

    assert answers[0] == answers[1] == {"errors": [], "warnings": []}
    assert _audit_rows(db_session) == audited


def test_an_unknown_kind_is_refused_in_indonesian(operator: ConsoleClient) -> None:
    response = operator.post(URL, data={"kind": "npwp", "number": "5272011708750001"})

    assert response.status_code == 400
    assert response.json() == {"errors": ["Jenis nomor tidak dikenal (nik atau no_kk)."], "warnings": []}


def test_the_check_without_the_csrf_token_is_refused_before_it_runs(operator: ConsoleClient) -> None:
    with operator.without_csrf():
        response = operator.post(
            URL, data={"kind": "nik", "number": "5272091708750001"}, headers={"Origin": "http://testserver"}
        )

    assert response.status_code == 403
    assert "Permintaan ditolak" in response.text
    assert "Kode kecamatan" not in response.text


def test_a_logged_out_browser_is_sent_to_the_login_page(client: ConsoleClient, regions: frozenset[str]) -> None:
    response = client.post(URL, data={"kind": "nik", "number": "5272091708750001"}, follow_redirects=False)

    assert response.status_code == 302
    assert response.headers["location"].endswith("/admin/login")


@pytest.mark.parametrize("role", [Role.KEPALA_DESA, Role.TKSK, Role.OPERATOR_PROVINSI])
def test_roles_that_may_not_create_or_edit_members_or_households_are_refused(
    client: ConsoleClient, db_session: Session, regions: frozenset[str], role: Role
) -> None:
    scope = {Role.KEPALA_DESA: DEFAULT_VILLAGE, Role.TKSK: "52.72.01", Role.OPERATOR_PROVINSI: "52"}[role]
    user_client = _as(client, db_session, role, scope)

    response = user_client.post(URL, data={"kind": "nik", "number": "5272091708750001"})

    assert response.status_code == 403
    assert "Kode kecamatan" not in response.text


def test_the_check_takes_no_number_in_a_url(operator: ConsoleClient) -> None:
    response = operator.get(URL, params={"kind": "nik", "number": "5272091708750001"})

    assert response.status_code == 405


def test_the_enumerator_who_may_edit_members_may_check(
    client: ConsoleClient, db_session: Session, regions: frozenset[str]
) -> None:
    pendata = _as(client, db_session, Role.PENDATA)

    response = pendata.post(URL, data={"kind": "nik", "number": next_nik(UNKNOWN_KECAMATAN, BORN, is_female=False)})

    assert response.status_code == 200 and WARNING_NIK in response.json()["warnings"][0]


# --- the fields that call it, and the warning again on save ---------------------------------------------


def test_the_member_and_household_forms_mark_their_identity_fields_for_the_live_check(operator: ConsoleClient) -> None:
    member_form = operator.get("/admin/member/create").text
    household_form = operator.get("/admin/household/create").text

    assert 'data-identity-check="nik"' in member_form
    assert 'id="head_nik"' in household_form and household_form.count('data-identity-check="nik"') == 1
    assert household_form.count('data-identity-check="no_kk"') == 1
    assert f'<meta name="identity-check-url" content="http://testserver{URL}">' in member_form


def test_a_member_with_an_unknown_kecamatan_is_saved_and_the_warning_is_flashed(
    operator: ConsoleClient, db_session: Session
) -> None:
    household = make_household(db_session)
    db_session.commit()
    nik = next_nik(UNKNOWN_KECAMATAN, BORN, is_female=True)
    fields = {
        "household": str(household.id),
        "nik": nik,
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": BORN.isoformat(),
        "family_relation": "anak",
        "marital_status": "belum_kawin",
        "education": "sma",
        "disability": "tidak_ada",
    }

    saved = create(operator, "member", fields)

    assert saved.status_code == 302
    assert db_session.scalar(select(Member).where(Member.nik == nik)) is not None
    assert WARNING_NIK in operator.get(saved.headers["location"]).text


def test_a_household_with_an_unknown_kecamatan_in_no_kk_and_head_nik_flashes_both_warnings(
    operator: ConsoleClient, db_session: Session
) -> None:
    no_kk = next_no_kk(UNKNOWN_KECAMATAN)
    fields = household_form(no_kk=no_kk, head_kecamatan=UNKNOWN_KECAMATAN)

    saved = create(operator, "household", fields)

    assert saved.status_code == 302
    assert db_session.scalar(select(Household).where(Household.no_kk == no_kk)) is not None
    page = operator.get(saved.headers["location"]).text
    assert WARNING_NO_KK in page and WARNING_NIK in page
