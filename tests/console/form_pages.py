"""Reading a sqladmin create or edit page as a browser would: the fields of its form and the values it would post."""

from __future__ import annotations

import json
from html.parser import HTMLParser

SKIPPED_FIELDS = frozenset({"csrf_token", "save"})


class _FormReader(HTMLParser):
    """The named fields of the page's create/edit form, with the value each holds (checkboxes: only if checked)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = attributes.get("action", "")
            self._in_form = "/create" in action or "/edit/" in action
            return
        name = attributes.get("name", "")
        if not self._in_form or (not name and tag != "option") or name in SKIPPED_FIELDS:
            return
        if tag == "input":
            self._add(name, attributes)
        elif tag == "select":
            self._field(name, _picked(attributes))
            self._select = name
        elif tag == "option" and self._select is not None and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")
        elif tag == "textarea":
            self._field(name, "")
            self._textarea = name

    def _add(self, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text")
        if kind in ("submit", "button", "reset", "file"):
            return
        if kind == "checkbox":
            self._field(name, attributes.get("value", "y") if "checked" in attributes else None)
        else:
            self._field(name, attributes.get("value", ""))

    def _field(self, name: str, value: str | None) -> None:
        if name not in self.names:
            self.names.append(name)
        if value is not None:
            self.values[name] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] = self.values.get(self._textarea, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # HTML drops the one line break that follows <textarea> (WTForms writes one): so does a browser's post.
            text = self.values.get(self._textarea, "")
            self.values[self._textarea] = (
                text.removeprefix("\r\n") if text.startswith("\r\n") else text.removeprefix("\n")
            )
            self._textarea = None


def _picked(attributes: dict[str, str]) -> str:
    """An ajax picker's current choice travels in `data-json` (sqladmin renders no <option> for it)."""
    try:
        chosen = json.loads(attributes.get("data-json") or "[]")
    except ValueError:
        return ""
    return str(chosen[0]["id"]) if chosen and isinstance(chosen[0], dict) and "id" in chosen[0] else ""


def read_form(html: str) -> tuple[list[str], dict[str, str]]:
    """(field names in page order, what the page would post for them as it stands)."""
    reader = _FormReader()
    reader.feed(html)
    return reader.names, reader.values
