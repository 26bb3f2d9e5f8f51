"""What a person does on sqladmin's widgets: pick in a select2 ajax picker, set a flatpickr date."""

from __future__ import annotations

from datetime import date
from typing import Any


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
