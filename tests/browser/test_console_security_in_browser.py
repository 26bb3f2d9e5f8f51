"""The console in chromium under its own Content-Security-Policy: every page works and none logs a violation.

One administrator's round: log in, record a household with the select2 region picker (its No. KK names an
unknown kecamatan, so a warning toast exercises sqladmin's one inline script), edit it, open it, see the
signed-in sessions, open and cancel the logout page, search it by NIK (POST: the number never reaches a
URL), switch the language and back, delete it through the modal (a JavaScript DELETE that must carry the
CSRF header), log out with the menu's POST form.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Household, Member, Role
from tests.browser.page_helpers import log_in_as_new_user, record_household
from tests.factories import next_nik, next_no_kk

pytestmark = pytest.mark.browser

VILLAGE = "52.72.01.1001"
UNKNOWN_KECAMATAN = "52.72.09"  # Kota Bima has five kecamatan: a No. KK from here is accepted with a warning
SIXTEEN_DIGITS = re.compile(r"\d{16}")
# Every securitypolicyviolation event, logged where the test collects console messages. Playwright's init
# scripts are not subject to the page's CSP, so this listener always runs.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', function (event) {
  console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI);
});
"""


def test_an_administrator_round_works_under_the_csp_with_no_violation_and_no_nik_in_a_url(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
) -> None:
    page = browser_page
    messages: list[str] = []
    urls: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text} at {message.location['url']}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.on("request", lambda request: urls.append(request.url))
    page.on("response", lambda response: urls.append(response.headers.get("location", "")))
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    birth_date = date(1979, 3, 21)
    nik = next_nik(VILLAGE[:8], birth_date, is_female=False)
    no_kk = next_no_kk(UNKNOWN_KECAMATAN)

    log_in_as_new_user(page, live_server, db_session, Role.ADMIN, None, "admin_peramban")

    head = {"head_nik": nik, "head_name": "Abdul Rahman", "head_sex": "L", "head_birth_place": "Bima"}
    household = {"no_kk": no_kk, "address": "Jl. Sultan Hasanuddin No. 3", **head, "head_mother_name": "Siti Aminah"}
    record_household(page, live_server, VILLAGE, household, birth_date)
    toast = page.locator(".toast.show")  # shown by flash.html's inline script, allowed by its hash
    toast.first.wait_for()
    assert UNKNOWN_KECAMATAN in toast.first.inner_text()
    household_id = db_session.scalar(select(Household.id).where(Household.no_kk == no_kk))
    assert household_id is not None

    page.goto(f"{live_server}/admin/household/edit/{household_id}")
    page.fill("#address", "Jl. Sultan Hasanuddin No. 5")
    page.click("input[type=submit][value=Simpan]")
    page.wait_for_url(f"{live_server}/admin/household/list*")
    assert (
        db_session.scalar(select(Household.address).where(Household.id == household_id))
        == "Jl. Sultan Hasanuddin No. 5"
    )

    page.goto(f"{live_server}/admin/household/details/{household_id}")
    assert "Abdul Rahman" in page.content()
    page.goto(f"{live_server}/admin/user-session/list")
    assert "admin_peramban" in page.locator("table tbody").inner_text()
    page.goto(f"{live_server}/admin/logout")  # GET only asks; "Batal" keeps the session
    page.click("text=Batal")
    page.wait_for_url(f"{live_server}/admin/worklist")

    page.goto(f"{live_server}/admin/household/list")
    page.fill("#search-input", nik)
    page.click("#dtks-search-button")
    page.wait_for_url("**search=*")
    assert page.locator("#search-input").input_value() == nik  # shown from the session, not the URL
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Abdul Rahman" in rows.first.inner_text()

    page.click("#topbar-end .dropdown-toggle")
    page.click("#topbar-end .dropdown-item:has-text('English')")
    page.wait_for_url("**lang=en*")
    assert page.locator("#dtks-search-button").inner_text() == "Search"
    page.click("#topbar-end .dropdown-toggle")
    page.click("#topbar-end .dropdown-item:has-text('Indonesia')")
    page.wait_for_url("**lang=id*")
    assert page.locator("#dtks-search-button").inner_text() == "Cari"

    page.click("table tbody tr [data-bs-target='#modal-delete']")
    page.locator("#modal-delete-button").wait_for(state="visible")
    page.click("#modal-delete-button")
    page.wait_for_function("() => !document.body.innerText.includes('Abdul Rahman')")
    assert db_session.scalar(select(Household.id).where(Household.id == household_id)) is None
    assert db_session.scalar(select(Member).where(Member.nik == nik)) is None

    page.click("#logout-form button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/login")
    page.goto(f"{live_server}/admin/household/list")
    page.wait_for_url(f"{live_server}/admin/login")

    assert [message for message in messages if "Content Security Policy" in message or "CSP" in message] == []
    assert failed == []
    # The one 404 allowed: chromium's own probe for /favicon.ico (the console declares no icon).
    errors = [message for message in messages if message.startswith(("error", "pageerror"))]
    assert [message for message in errors if not message.endswith("/favicon.ico")] == []
    assert [url for url in urls if SIXTEEN_DIGITS.search(url)] == []
