"""Security headers on every response, and console pages that need nothing the CSP forbids.

Catalogue C3 (headers on 100% of responses incl. 4xx/5xx/static); ASVS 4.0.3 14.4.x / 5.0 3.4.1-3.4.6,
14.3.2. The browser side of C4 (zero violations in chromium) is tests/browser/test_console_security_in_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import pytest
from httpx2 import Response
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request

from console.app import create_app
from console.security_headers import inline_script_hashes
from console.settings import Settings
from tests.console.form_posts import Seed, create, household_form, seed_register
from tests.console_client import ConsoleClient
from tests.factories import next_no_kk

POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.S)


@pytest.fixture
def seed(admin_client: ConsoleClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def assert_headers(response: Response, *, no_store: bool) -> None:
    for name, value in ALWAYS.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert response.headers["content-security-policy"] == POLICY.format(hashes=" ".join(inline_script_hashes()))
    assert (response.headers.get("cache-control") == "no-store") is no_store, response.url
    assert "strict-transport-security" not in response.headers


def test_the_policy_allows_our_origin_only_plus_sqladmins_one_inline_script() -> None:
    hashes = inline_script_hashes()
    assert len(hashes) == 1 and re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", hashes[0])


def test_a_page_a_redirect_and_a_404_carry_every_header(admin_client: ConsoleClient, seed: Seed) -> None:
    assert_headers(admin_client.get("/admin/household/list"), no_store=True)
    assert_headers(admin_client.get("/admin/", follow_redirects=False), no_store=True)
    missing = admin_client.get("/admin/household/details/999999")
    assert missing.status_code == 404
    assert_headers(missing, no_store=True)
    outside = admin_client.get("/tidak-ada")
    assert outside.status_code == 404
    assert_headers(outside, no_store=False)


def test_a_redirect_to_login_and_a_403_carry_every_header(client: ConsoleClient) -> None:
    redirect = client.get("/admin/household/list", follow_redirects=False)
    assert redirect.status_code == 302
    assert_headers(redirect, no_store=True)
    with client.without_csrf():
        refused = client.post("/admin/login", data={"username": "x", "password": "y"})
    assert refused.status_code == 403
    assert_headers(refused, no_store=True)


def test_static_files_carry_the_headers_but_may_be_cached(client: ConsoleClient) -> None:
    for path in ("/admin/statics/css/main.css", "/admin/statics/js/main.js", "/static/dtks.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_headers(response, no_store=False)
    assert (
        client.get("/static/dtks.js").headers["content-type"].startswith(("text/javascript", "application/javascript"))
    )


def test_a_server_error_carries_the_headers(app: Starlette) -> None:
    async def broken(_request: Request) -> Response:
        raise RuntimeError("uji galat server")

    app.state.admin.admin.add_route("/rusak", broken)
    with ConsoleClient(app, raise_server_exceptions=False) as client:
        response = client.get("/admin/rusak")
    assert response.status_code == 500
    assert_headers(response, no_store=True)
    assert "uji galat server" not in response.text


def test_production_adds_hsts_for_a_year_with_subdomains(
    settings: Settings, engine: object, regions: frozenset[str]
) -> None:
    production = settings.model_copy(update={"environment": "production"})
    with ConsoleClient(create_app(production), base_url="https://testserver") as client:
        for path in ("/admin/login", "/admin/statics/css/main.css", "/tidak-ada"):
            assert client.get(path).headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


# --- pages that need nothing the policy forbids ---------------------------------------------------------


def _pages(admin_client: ConsoleClient, seed: Seed) -> Iterator[tuple[str, str]]:
    paths = ["/admin/", "/admin/logout", "/admin/user-session/list"]
    for identity, pk in (("household", seed.household_id), ("member", seed.head_id), ("user", seed.admin_id)):
        paths += [f"/admin/{identity}/list", f"/admin/{identity}/create", f"/admin/{identity}/details/{pk}"]
        paths.append(f"/admin/{identity}/edit/{pk}")
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        yield path, response.text
    with ConsoleClient(admin_client.app) as anonymous:  # type: ignore[arg-type]
        yield "/admin/login", anonymous.get("/admin/login").text
    # A No. KK of an unknown kecamatan: accepted with a warning (a flash toast).
    saved = create(admin_client, "household", household_form(no_kk=next_no_kk("52.72.09")))
    assert saved.status_code == 302
    with_toast = admin_client.get(saved.headers["location"]).text
    assert "toast" in with_toast
    yield "list with a flash message", with_toast


def test_every_inline_script_on_the_console_pages_is_allowed_by_its_hash(
    admin_client: ConsoleClient, seed: Seed
) -> None:
    allowed = set(inline_script_hashes())
    seen = 0
    for page, html in _pages(admin_client, seed):
        for body in _INLINE_SCRIPT.findall(html):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, page
            seen += 1
        for attributes in _SCRIPT_TAG.findall(html):  # every other script is a file of our own origin
            source = re.search(r'\ssrc="([^"]*)"', attributes)
            assert not attributes.strip() or (source and source.group(1).startswith("http://testserver/")), (
                page,
                attributes,
            )
    assert seen == 1  # the flash page's toast script


def test_no_console_page_uses_inline_styles_event_handlers_or_javascript_urls(
    admin_client: ConsoleClient, seed: Seed
) -> None:
    for page, html in _pages(admin_client, seed):
        assert not re.search(r"\sstyle\s*=", html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page
        assert "javascript:" not in html.lower(), page
        assert "<style" not in html, page


def test_every_form_of_the_console_pages_carries_the_csrf_token(admin_client: ConsoleClient, seed: Seed) -> None:
    forms = 0
    for page, html in _pages(admin_client, seed):
        for form in re.findall(r"<form\b[^>]*>(.*?)</form>", html, re.S):
            opening = html[: html.index(form)].rsplit("<form", 1)[1]
            if 'method="get"' in opening.lower():
                continue
            assert re.search(r'<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{43}">', form), page
            forms += 1
        assert re.search(r'<meta name="csrf-token" content="[A-Za-z0-9_-]{43}">', html), page
    assert forms >= 20
