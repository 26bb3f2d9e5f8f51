"""Control characters under /admin (console/input_guard.py): a 400 page in Bahasa Indonesia, nothing written."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from console.input_guard import TITLE
from models import Household, LoginAttempt, Role
from tests.conftest import log_in
from tests.console.form_posts import Seed, create, refusal_text, row_counts, seed_register
from tests.console.test_form_refusals import FORM_SPECS, FormSpec
from tests.console_client import ConsoleClient, own_origin
from tests.factories import make_user

NIK_LIKE = "5272011708750001"
REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]
REFUSED_IDS = ["NUL", "BEL", "ESC", "DEL", "NEL", "CSI"]


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session) -> Seed:
    return seed_register(db_session)


@pytest.fixture
def desk(app: Starlette, db_session: Session) -> Iterator[ConsoleClient]:
    make_user(db_session, Role.PETUGAS_LAYANAN, "52.72", username="layanan_kontrol")
    db_session.commit()
    with ConsoleClient(app, base_url="http://testserver") as client:
        log_in(client, "layanan_kontrol")
        yield client


def assert_refused_page(response: Response) -> None:
    assert response.status_code == 400
    assert TITLE in response.text
    assert "Tidak ada data yang diubah" in response.text
    assert 'lang="id"' in response.text


@pytest.mark.parametrize("character", REFUSED, ids=REFUSED_IDS)
def test_a_control_character_in_the_login_form_is_refused_and_no_attempt_is_recorded(
    character: str, client: ConsoleClient, db_session: Session
) -> None:
    make_user(db_session, Role.ADMIN, None, username="admin_kontrol")
    db_session.commit()
    client.csrf_token()  # the login page opens an anonymous session, as a browser's visit does
    counts = row_counts(db_session)

    response = client.post(
        "/admin/login", data={"username": f"admin_kontrol{character}", "password": "x"}, follow_redirects=False
    )

    assert_refused_page(response)
    assert db_session.scalars(select(LoginAttempt)).all() == []
    assert row_counts(db_session) == counts  # no audit row, no signed-in session


@pytest.mark.parametrize("character", REFUSED, ids=REFUSED_IDS)
def test_a_control_character_in_a_search_is_refused_whether_posted_or_in_the_query_string(
    character: str, seed: Seed, admin_client: TestClient
) -> None:
    assert_refused_page(admin_client.post("/admin/member/search", data={"term": f"Siti{character}"}))
    for url in (
        "/admin/member/list",
        "/admin/member/ajax/lookup",
        "/admin/household/list",
    ):
        assert_refused_page(admin_client.get(url, params={"search": character, "name": "household", "term": character}))
    assert_refused_page(admin_client.get("/admin/household/list", params={"wilayah": f"52{character}"}))


def test_a_nul_byte_at_the_certificate_desk_is_refused_and_no_request_is_recorded(
    desk: ConsoleClient, db_session: Session
) -> None:
    counts = row_counts(db_session)

    response = desk.post(
        "/admin/certificate/desk", data={"nik": f"{NIK_LIKE}\x00", "applicant_name": "Pemohon", "purpose": ""}
    )

    assert_refused_page(response)
    assert row_counts(db_session) == counts


CREATE_CASES = [
    pytest.param(spec, character, id=f"{spec.identity}-{name}")
    for spec in FORM_SPECS
    for character, name in zip(REFUSED[:2] + REFUSED[4:5], REFUSED_IDS[:2] + REFUSED_IDS[4:5], strict=True)
]


@pytest.mark.parametrize(("spec", "character"), CREATE_CASES)
def test_a_control_character_in_any_create_form_is_refused_and_nothing_is_stored(
    spec: FormSpec, character: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    fields = spec.valid(seed)
    target = spec.text[0]
    counts = row_counts(db_session)

    response = create(admin_client, spec.identity, {**fields, target: f"{fields[target]}{character}x"})

    assert_refused_page(response)
    assert row_counts(db_session) == counts


def _multipart_with_file_name(token: str, file_name: bytes) -> tuple[bytes, str]:
    """A multipart body written by hand: httpx percent-encodes a NUL in a file name, a raw request need not."""
    boundary = "dtks-batas-uji"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
        + file_name
        + f'"\r\nContent-Type: application/octet-stream\r\n\r\nPK\x03\x04\r\n--{boundary}--\r\n'.encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "file_name", [b"BNBA\x00.xlsx", b"BNBA\x1b[31m.xlsx", "BNBA\u0085.xlsx".encode()], ids=["NUL", "ESC", "NEL"]
)
def test_an_upload_whose_file_name_holds_a_control_character_is_refused(
    file_name: bytes, admin_client: ConsoleClient, db_session: Session
) -> None:
    body, content_type = _multipart_with_file_name(admin_client.csrf_token(), file_name)
    counts = row_counts(db_session)

    with admin_client.without_csrf():
        response = admin_client.post(
            "/admin/bnba-import/preview",
            content=body,
            headers={"content-type": content_type, "origin": own_origin(admin_client)},
        )

    assert_refused_page(response)
    assert row_counts(db_session) == counts


def test_a_notes_textarea_keeps_its_line_breaks_and_tabs(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    household = db_session.get(Household, seed.household_id)
    fields = {"region": household.region_code, "no_kk": household.no_kk, "address": household.address}
    notes = "Baris satu\r\n\tBaris dua menjorok"

    response = admin_client.post(
        f"/admin/household/edit/{household.id}", data={**fields, "rt": "", "rw": "", "notes": notes, "save": "Simpan"}
    )

    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(Household, household.id).notes == notes


@pytest.mark.parametrize("character", ["\n", "\r", "\t"], ids=["line-feed", "carriage-return", "tab"])
def test_a_line_break_in_a_one_line_field_is_refused_on_the_form_with_a_message(
    character: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    spec = next(spec for spec in FORM_SPECS if spec.identity == "member")
    counts = row_counts(db_session)

    response = create(admin_client, "member", {**spec.valid(seed), "name": f"Siti{character}Aminah"})

    assert response.status_code == 400
    assert "Harus satu baris: tanpa baris baru atau tab." in refusal_text(response)
    assert row_counts(db_session) == counts


def test_the_refusal_is_logged_without_the_value_or_the_query_string(
    seed: Seed, admin_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "Wa Ode Rahasia"  # what a search could hold (a name, a NIK): never in the server's log
    with caplog.at_level(logging.INFO):
        assert_refused_page(admin_client.get("/admin/member/list", params={"search": f"{marker}\x00"}))
        assert_refused_page(admin_client.post("/admin/member/search", data={"term": f"{NIK_LIKE}\x00"}))

    server = [record for record in caplog.records if not record.name.startswith("httpx")]  # the test client's own
    assert [record.getMessage() for record in server if record.name == "console.input_guard"] == [
        "Control character refused in the query string of GET /admin/member/list",
        "Control character refused in the form field of POST /admin/member/search",
    ]
    assert [r.getMessage() for r in server if marker in r.getMessage() or NIK_LIKE in r.getMessage()] == []
