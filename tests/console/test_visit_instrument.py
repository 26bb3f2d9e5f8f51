"""The visit form's Blok V answers over HTTP: assets and programme cards as coded checkboxes, livestock counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Visit
from models.pmt_scoring import visit_answers
from tests.console.form_posts import Seed, create, edit, refusal_text, row_counts, saved_row, seed_register

VISIT_FIELDS = {"proposal": "", "enumerator_name": "Rahmat Hidayat", "visited_on": "2026-03-05"}


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def _post(seed: Seed, *pairs: tuple[str, str]) -> dict[str, Any]:
    """The form as a browser posts it: a ticked checkbox repeats its name, so those names carry lists."""
    fields: dict[str, Any] = {"household": str(seed.household_id), **VISIT_FIELDS}
    for name, value in pairs:
        if name in ("assets", "programme_cards"):
            fields.setdefault(name, []).append(value)
        else:
            fields[name] = value
    return fields


def _saved_visit(db_session: Session, seed: Seed) -> Visit:
    visit = Visit(household_id=seed.household_id, enumerator_name="Rahmat", visited_on=date(2026, 3, 1))
    visit.assets, visit.livestock, visit.programme_cards = ["tv"], {"sapi": 2}, ["kks"]
    db_session.add(visit)
    db_session.commit()
    return visit


def test_visit_form_offers_the_coded_choices_with_indonesian_labels(seed: Seed, admin_client: TestClient) -> None:
    page = admin_client.get("/admin/visit/create").text
    assert 'type="checkbox" name="assets"' in page
    assert "Lemari es/kulkas" in page
    assert "KIS/BPJS PBI" in page
    assert 'name="livestock-kambing_domba"' in page
    assert "Kambing/domba" in page
    assert "<script>" not in page.split('name="assets"')[1].split("</form>")[0]


def test_visit_form_stores_assets_livestock_and_cards_as_codes_then_edits_them(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    response = create(
        admin_client,
        "visit",
        _post(
            seed,
            ("assets", "sepeda_motor"),
            ("assets", "lemari_es"),
            ("programme_cards", "pkh"),
            ("livestock-sapi", "3"),
            ("livestock-kambing_domba", ""),
            ("livestock-kuda", "0"),
        ),
    )
    visit = saved_row(response, db_session, Visit)
    # Stored in the enum's order, livestock without the empty and zero kinds.
    assert (visit.assets, visit.livestock, visit.programme_cards) == (
        ["lemari_es", "sepeda_motor"],
        {"sapi": 3},
        ["pkh"],
    )
    assert visit_answers(visit, household_size=4)["livestock_sapi"] == 3

    response = edit(
        admin_client,
        "visit",
        visit.id,
        _post(
            seed,
            ("assets", "tv"),
            ("livestock-kambing_domba", "12"),
            ("programme_cards", "kks"),
            ("programme_cards", "kis"),
        ),
    )
    visit = saved_row(response, db_session, Visit)
    assert (visit.assets, visit.livestock, visit.programme_cards) == (["tv"], {"kambing_domba": 12}, ["kks", "kis"])


def test_visit_edit_form_shows_the_stored_answers_ticked_and_counted(
    seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    visit = _saved_visit(db_session, seed)
    page = admin_client.get(f"/admin/visit/edit/{visit.id}").text
    assert 'name="assets" id="assets-5" value="tv" checked' in page
    assert 'name="livestock-sapi" id="livestock-sapi" value="2"' in page
    assert 'value="kks" checked' in page


def test_visit_details_show_labels_not_codes(seed: Seed, admin_client: TestClient, db_session: Session) -> None:
    visit = _saved_visit(db_session, seed)
    page = admin_client.get(f"/admin/visit/details/{visit.id}").text
    assert "Televisi" in page
    assert "Sapi: 2" in page
    assert "KKS/KPS" in page
    assert "sapi" not in page.replace("Sapi", "")


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ((("assets", "kapal_pesiar"),), "Kode tidak dikenal untuk kepemilikan aset bergerak: kapal_pesiar."),
        ((("programme_cards", "kartu_emas"),), "Kode tidak dikenal untuk kepesertaan program: kartu_emas."),
        ((("livestock-unta", "2"),), "Kode tidak dikenal untuk jumlah ternak: unta."),
        ((("livestock-sapi", "10000"),), "Jumlah sapi harus 0 sampai 9.999."),
        ((("livestock-sapi", "-1"),), "Jumlah ternak diisi bilangan bulat 0 sampai 9.999."),
        ((("livestock-sapi", "dua"),), "Jumlah ternak diisi bilangan bulat 0 sampai 9.999."),
    ],
    ids=["asset", "card", "livestock-kind", "livestock-too-many", "livestock-negative", "livestock-words"],
)
def test_visit_form_refuses_an_unknown_code_or_count_and_changes_nothing(
    pairs: tuple[tuple[str, str], ...], message: str, seed: Seed, admin_client: TestClient, db_session: Session
) -> None:
    visit = _saved_visit(db_session, seed)
    before = row_counts(db_session)

    created = create(admin_client, "visit", _post(seed, *pairs))
    edited = edit(admin_client, "visit", visit.id, _post(seed, ("assets", "mobil"), *pairs))

    for response in (created, edited):
        assert response.status_code == 400
        assert message in refusal_text(response)
    assert row_counts(db_session) == before
    db_session.refresh(visit)
    assert (visit.assets, visit.livestock, visit.programme_cards) == (["tv"], {"sapi": 2}, ["kks"])
