"""The household list found by No. KK, by any member's NIK and by the head's name, and sorted by the head's name:
the lookups behind the search box (a UNION of the two unique indexes; the head's name is a column)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from models import Household
from tests.console_client import ConsoleClient
from tests.factories import make_household, make_member


@pytest.fixture
def families(admin_client: ConsoleClient, db_session: Session) -> list[Household]:
    found = [make_household(db_session, members=1) for _ in range(3)]
    found[0].members[0].name = "Zainab Nurhaliza"
    found[1].members[0].name = "Ahmad Fauzi"
    found[2].members[0].name = "Maryam Siti"
    make_member(db_session, found[2], name="Fauzi Kecil")  # not a head: a name search finds heads only
    db_session.commit()
    return found


def _listed(client: ConsoleClient, term: str) -> list[str]:
    """The heads' names on the results page of a search for `term`."""
    answer = client.post("/admin/household/search", data={"term": term}, follow_redirects=True)
    assert answer.status_code == 200
    return [name for name in ("Zainab Nurhaliza", "Ahmad Fauzi", "Maryam Siti") if name in answer.text]


def test_a_no_kk_finds_its_household(admin_client: ConsoleClient, families: list[Household]) -> None:
    assert _listed(admin_client, families[1].no_kk) == ["Ahmad Fauzi"]


def test_any_members_nik_finds_the_household(admin_client: ConsoleClient, families: list[Household]) -> None:
    child = next(member for member in families[2].members if member.name == "Fauzi Kecil")
    assert _listed(admin_client, child.nik) == ["Maryam Siti"]


def test_an_unknown_sixteen_digits_find_nothing(admin_client: ConsoleClient, families: list[Household]) -> None:
    assert _listed(admin_client, "5272010101800099") == []


def test_a_name_finds_heads_only(admin_client: ConsoleClient, families: list[Household]) -> None:
    assert _listed(admin_client, "fauzi") == ["Ahmad Fauzi"]


def test_the_list_sorts_by_the_heads_name(admin_client: ConsoleClient, families: list[Household]) -> None:
    page = admin_client.get("/admin/household/list?sortBy=head_name&sort=asc").text
    positions = [page.index(name) for name in ("Ahmad Fauzi", "Maryam Siti", "Zainab Nurhaliza")]
    assert positions == sorted(positions)
    page = admin_client.get("/admin/household/list?sortBy=head_name&sort=desc").text
    positions = [page.index(name) for name in ("Zainab Nurhaliza", "Maryam Siti", "Ahmad Fauzi")]
    assert positions == sorted(positions)
