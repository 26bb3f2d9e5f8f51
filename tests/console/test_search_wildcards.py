"""`%`, `_` and the escape character `/` in a search match themselves (console/search.py `contains`).

Unescaped, `%` alone or `_` alone matched every row in the user's scope.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import AuditEntry, FamilyRelation, Role
from tests.factories import make_household, make_member, make_user

_TOTAL = re.compile(r"dari (\d+) data")
NAMES = ["Siti_Aminah", "Rahmat 50% Lunas", "Budi/Santoso", "Wa Ode Nurhayati", "Siti Aminah", "Rahmat 50 Lunas"]


@pytest.fixture
def register(admin_client: TestClient, db_session: Session) -> None:
    """One household per name, the name given to its head."""
    for name in NAMES:
        household = make_household(db_session, members=0)
        make_member(db_session, household, family_relation=FamilyRelation.HEAD, name=name)
    db_session.commit()


def _found(client: TestClient, identity: str, term: str) -> tuple[int, str]:
    """(rows found, the list page) for a search made as the search box makes it."""
    page = client.post(f"/admin/{identity}/search", data={"term": term})
    assert page.status_code == 200
    total = _TOTAL.search(page.text)
    return (int(total.group(1)) if total else 0), page.text


@pytest.mark.parametrize(
    ("term", "only"),
    [("%", "Rahmat 50% Lunas"), ("_", "Siti_Aminah"), ("/", "Budi/Santoso"), ("50%", "Rahmat 50% Lunas")],
    ids=["percent", "underscore", "escape-character", "digits-and-percent"],
)
@pytest.mark.parametrize("identity", ["member", "household"])
def test_a_wildcard_character_finds_only_the_names_that_contain_it(
    identity: str, term: str, only: str, register: None, admin_client: TestClient
) -> None:
    found, page = _found(admin_client, identity, term)

    assert found == 1
    if identity == "member":
        assert only in page
    assert [name for name in NAMES if name != only and f">{name}<" in page] == []


def test_an_ordinary_substring_still_finds_every_row_containing_it(register: None, admin_client: TestClient) -> None:
    assert _found(admin_client, "member", "Siti")[0] == 2
    assert _found(admin_client, "member", "rahmat 50")[0] == 2


def test_users_and_the_audit_trail_match_wildcards_literally(admin_client: TestClient, db_session: Session) -> None:
    for role, scope in ((Role.OPERATOR_DESA, "52.72.01.1001"), (Role.TKSK, "52.72.01"), (Role.PUSDATIN, None)):
        make_user(db_session, role, scope)
    odd = make_user(db_session, Role.PUSDATIN, None, username="pusat%data")
    db_session.commit()
    about_odd = db_session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.object_type == "user_account", AuditEntry.object_id == str(odd.id))
    )

    assert _found(admin_client, "user", "%")[0] == 1
    assert _found(admin_client, "user", "pu%data")[0] == 0  # as a wildcard it would match "pusat%data"
    assert about_odd >= 1
    assert _found(admin_client, "audit-entry", "%")[0] == about_odd


def test_a_picker_lookup_matches_the_typed_wildcard_literally(register: None, admin_client: TestClient) -> None:
    every = admin_client.get("/admin/member/ajax/lookup", params={"name": "household", "term": "52"}).json()
    percent = admin_client.get("/admin/member/ajax/lookup", params={"name": "household", "term": "%"}).json()
    underscore = admin_client.get("/admin/member/ajax/lookup", params={"name": "household", "term": "_"}).json()

    assert len(every["results"]) == len(NAMES)
    assert percent["results"] == underscore["results"] == []


def test_region_search_by_a_lone_wildcard_finds_no_region(admin_client: TestClient) -> None:
    assert _found(admin_client, "region", "%")[0] == 0
    assert _found(admin_client, "region", "_")[0] == 0
    assert _found(admin_client, "region", "Bima")[0] >= 2
