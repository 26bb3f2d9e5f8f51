"""What a person does in the console's pages: log in, pick in a select2 ajax picker, set a flatpickr date, record
a household with its head; and what a phone needs of a page: no sideways scroll, touch-sized controls."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models import Role
from tests.factories import DEFAULT_PASSWORD, make_user


def log_in(page: Any, base: str, username: str, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the login form, as an official does, and land on their worklist (the console's home)."""
    page.goto(f"{base}/admin/")
    assert "Masuk" in page.content()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/worklist")


def log_in_as_new_user(page: Any, base: str, session: Session, role: Role, scope: str | None, username: str) -> None:
    """A new user `username` of `role` in `scope`, committed, then logged in through the form."""
    make_user(session, role, scope, username=username)
    session.commit()
    log_in(page, base, username)


def choose_in_select2(page: Any, field_id: str, term: str, option_text: str) -> None:
    page.click(f"#{field_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    page.click(f".select2-results__option:has-text('{option_text}')")


def set_date(page: Any, field_id: str, value: date) -> None:
    # sqladmin attaches flatpickr to date inputs; setting through it keeps its hidden state consistent.
    page.eval_on_selector(
        f"#{field_id}",
        "(el, v) => el._flatpickr ? el._flatpickr.setDate(v, true) : (el.value = v)",
        value.isoformat(),
    )


def record_household(page: Any, base: str, village: str, fields: dict[str, str], head_birth_date: date) -> None:
    """The new-household form filled as an operator does (the village picked in select2, the head's sex chosen,
    the birth date set) and saved: back on the household list."""
    page.goto(f"{base}/admin/household/create")
    choose_in_select2(page, "region", village, village)
    for field, value in fields.items():
        if field == "head_sex":
            page.select_option("#head_sex", value)
        else:
            page.fill(f"#{field}", value)
    set_date(page, "head_birth_date", head_birth_date)
    page.click("input[type=submit][value=Simpan]")
    page.wait_for_url(f"{base}/admin/household/list*")


def screenshot_folder(name: str) -> Path:
    """$DTKS_SCREENSHOT_DIR/<name> when that is set (CI keeps it), else build/screenshots/<name> in the checkout."""
    base = os.environ.get("DTKS_SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "build" / "screenshots"
    folder = Path(base) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def assert_no_sideways_scroll(page: Any) -> None:
    """The page is no wider than the window: nothing to scroll sideways on a phone."""
    scroll, width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= width + 1, f"{page.url}: the page is {scroll} px wide at a {width} px screen"


TOUCH_HEIGHT = 40  # px: a fingertip's target (WCAG 2.5.8 asks 24 px at least; Android's and Apple's guides 44-48)
# The controls a finger aims at; a checkbox or a radio button is aimed at through its label, select2 and
# flatpickr show their own control for the field they hide.
_CONTROLS = """(minimum) => {
  const aimed = 'button, a.btn, select, textarea, .select2-selection, '
              + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])';
  const shown = el => !el.classList.contains('select2-hidden-accessible') && el.getClientRects().length > 0
                      && getComputedStyle(el).visibility !== 'hidden';
  const named = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? `[name=${el.name}]` : '')
                      + ` "${(el.innerText || el.value || '').trim().slice(0, 30)}"`;
  return [...document.querySelectorAll(aimed)].filter(shown)
    .map(el => [el, el.getBoundingClientRect().height]).filter(([el, height]) => height < minimum)
    .map(([el, height]) => `${named(el)} ${height.toFixed(0)} px`);
}"""


def assert_touch_sized(page: Any, minimum: int = TOUCH_HEIGHT) -> None:
    """Every visible button, link button and field is at least `minimum` px tall."""
    small = page.evaluate(_CONTROLS, minimum)
    assert not small, f"{page.url}: controls under {minimum} px tall:\n" + "\n".join(small)
