"""What a person does in the console's pages: log in, pick in a select2 ajax picker, set a flatpickr date, record
a household with its head."""

from __future__ import annotations

from datetime import date
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
