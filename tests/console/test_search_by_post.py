"""A NIK never travels in a URL: the search box POSTs, the URL carries a key, the session keeps the term.

Catalogue P1; ASVS 4.0.3 8.3.1 / 5.0 14.2.1. "Any URL" means the redirect's Location, the address of the
results page and every href, src and action on it (what a Referer or the history would carry).
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from httpx2 import Response
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.access_log import DropQueryStrings, drop_query_strings_from_access_log
from tests.conftest import log_in
from tests.console.form_posts import Seed, seed_register
from tests.console.session_helpers import fresh_client
from tests.console_client import ConsoleClient

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
_URL_ATTRIBUTE = re.compile(r'\s(?:href|src|action|data-url)="([^"]*)"')


@pytest.fixture
def seed(admin_client: ConsoleClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def search(client: ConsoleClient, identity: str, term: str, query: str = "") -> Response:
    return client.post(
        f"/admin/{identity}/search" + (f"?{query}" if query else ""), data={"term": term}, follow_redirects=False
    )


def urls_on(page: str) -> list[str]:
    return [html.unescape(url) for url in _URL_ATTRIBUTE.findall(page)]


def test_a_nik_search_leaves_no_16_digit_number_in_any_url(admin_client: ConsoleClient, seed: Seed) -> None:
    response = search(admin_client, "member", seed.head_nik)
    assert response.status_code == 303
    location = response.headers["location"]
    key = parse_qs(urlsplit(location).query)["search"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", key)
    results = admin_client.get(location)
    addresses = [location, str(results.url), *urls_on(results.text)]
    assert [url for url in addresses if SIXTEEN_DIGITS.search(url)] == []
    assert all(seed.head_nik not in url for url in addresses)
    rows = re.findall(r"<tr>\s*<td>\s*<input type=\"hidden\" value=\"(\d+)\"", results.text)
    assert rows == [str(seed.head_id)]


def test_the_search_box_shows_the_term_from_the_session(admin_client: ConsoleClient, seed: Seed) -> None:
    results = admin_client.get(search(admin_client, "member", seed.head_nik).headers["location"])
    assert f'value="{seed.head_nik}"' in results.text
    assert 'id="dtks-search-reset"' in results.text


def test_the_search_form_posts_with_the_token_and_main_js_cannot_turn_it_into_a_get(
    admin_client: ConsoleClient, seed: Seed
) -> None:
    page = admin_client.get("/admin/member/list").text
    form = re.search(
        r'<form class="input-group" method="POST" id="search-form"\s+action="([^"]*)">(.*?)</form>', page, re.S
    )
    assert form is not None
    assert form.group(1).endswith("/admin/member/search")
    assert 'name="csrf_token"' in form.group(2) and 'name="term"' in form.group(2)
    assert 'id="search-button"' not in page  # sqladmin's main.js would navigate to ?search=<term> on its click
    assert 'data-search-auto-submit="false"' in form.group(2)


def test_filters_and_sorting_survive_a_search_but_the_page_number_does_not(
    admin_client: ConsoleClient, seed: Seed
) -> None:
    location = search(admin_client, "household", "Jl", "sortBy=address&sort=asc&page=3&search=lama").headers["location"]
    params = parse_qs(urlsplit(location).query)
    assert params["sortBy"] == ["address"] and params["sort"] == ["asc"]
    assert "page" not in params and params["search"] != ["lama"]


def test_sorting_and_paging_links_on_the_results_keep_the_key_not_the_term(
    admin_client: ConsoleClient, seed: Seed
) -> None:
    location = search(admin_client, "member", seed.head_nik[:10]).headers["location"]
    key = parse_qs(urlsplit(location).query)["search"][0]
    page = admin_client.get(location).text
    list_links = [url for url in urls_on(page) if "/admin/member/list?" in url]
    assert list_links and all(f"search={key}" in url for url in list_links)
    assert all(seed.head_nik[:10] not in url for url in urls_on(page))


def test_a_key_from_another_session_or_view_searches_nothing_and_shows_nothing(
    app: Starlette, admin_client: ConsoleClient, seed: Seed
) -> None:
    location = search(admin_client, "member", seed.head_nik).headers["location"]
    with fresh_client(app) as other:
        log_in(other, "admin_uji")
        foreign = other.get(location)
        assert seed.head_nik not in foreign.text  # neither in the box nor as a filter
        assert len(re.findall(r'class="form-check-input m-0 align-middle select-box"', foreign.text)) == 3
    key = parse_qs(urlsplit(location).query)["search"][0]
    other_view = admin_client.get(f"/admin/household/list?search={key}")
    assert seed.head_nik not in other_view.text


def test_a_term_typed_into_the_url_is_not_searched(admin_client: ConsoleClient, seed: Seed) -> None:
    page = admin_client.get(f"/admin/member/list?search={seed.head_nik}").text
    assert len(re.findall(r"select-box", page)) == 3  # all three members: the raw term is not a key


def test_an_empty_search_returns_to_the_whole_list(admin_client: ConsoleClient, seed: Seed) -> None:
    location = search(admin_client, "member", "   ").headers["location"]
    assert urlsplit(location).query == ""


def test_the_session_keeps_only_the_last_20_searches(admin_client: ConsoleClient, seed: Seed) -> None:
    first = search(admin_client, "household", "cari-0").headers["location"]
    for number in range(1, 21):
        search(admin_client, "household", f"cari-{number}")
    assert 'value="cari-0"' not in admin_client.get(first).text
    again = search(admin_client, "household", "cari-20").headers["location"]
    assert 'value="cari-20"' in admin_client.get(again).text


def test_a_view_without_search_has_no_search_route(admin_client: ConsoleClient, seed: Seed) -> None:
    assert search(admin_client, "user-session", "x").status_code == 404


# --- the access log --------------------------------------------------------------------------------------


def _access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.1:5", "GET", path, "1.1", 200),
        None,
    )


def test_the_access_log_keeps_the_path_and_drops_the_query_string() -> None:
    record = _access_record("/admin/member/list?search=5272015708840001&page=2")
    assert DropQueryStrings().filter(record)
    assert record.getMessage() == '10.0.0.1:5 - "GET /admin/member/list HTTP/1.1" 200'
    untouched = _access_record("/admin/member/list")
    DropQueryStrings().filter(untouched)
    assert untouched.getMessage() == '10.0.0.1:5 - "GET /admin/member/list HTTP/1.1" 200'


def test_the_run_command_serves_with_the_filter_installed(
    monkeypatch: pytest.MonkeyPatch, settings: object, regions: frozenset[str]
) -> None:
    import uvicorn

    from console import cli

    served: list[list[logging.Filter]] = []
    monkeypatch.setattr(cli, "migrate", lambda _settings: None)
    monkeypatch.setattr(cli, "seed_demo_command", lambda _settings: None)
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda _server: served.append(logging.getLogger("uvicorn.access").filters)
    )
    access_logger = logging.getLogger("uvicorn.access")
    monkeypatch.setattr(access_logger, "filters", [])
    cli.run_command(settings)  # type: ignore[arg-type]
    assert len(served) == 1 and any(isinstance(found, DropQueryStrings) for found in served[0])
    drop_query_strings_from_access_log()  # idempotent
    assert sum(isinstance(found, DropQueryStrings) for found in access_logger.filters) == 1
