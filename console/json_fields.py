"""Form fields for JSON columns: coded checkboxes (assets, cards), counts per kind (livestock), requested changes.

sqladmin would offer a JSON column as a free text box; these fields offer one input per allowed key with its
Indonesian label and hand the model exactly what the rule in `models` stores (`models.instrument`,
`models.household`). The markup uses classes only: the console's CSP has no unsafe-inline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from markupsafe import Markup
from wtforms import Field, Form, SelectMultipleField, ValidationError
from wtforms.utils import unset_value

from models.base import LabelledEnum
from models.household import UPDATABLE_FIELDS, requested_household_changes
from models.instrument import LIVESTOCK_MAXIMUM, LIVESTOCK_MAXIMUM_TEXT, Livestock, coded_values, livestock_counts


def _wrapper_class(field: Field, base: str) -> str:
    # sqladmin's macro marks a field with errors by passing "is-invalid"; on the wrapper it makes the
    # following invalid-feedback visible.
    return f"{base} is-invalid" if field.errors else base


class CheckboxesWidget:
    """Each choice as a Tabler checkbox, in columns."""

    def __call__(self, field: CodedChoicesField, **kwargs: Any) -> Markup:
        chosen = set(field.data or [])
        items = [
            Markup(
                '<div class="col-sm-6 col-lg-4"><label class="form-check">'
                '<input class="form-check-input" type="checkbox" name="{name}" id="{id}-{index}"'
                ' value="{value}"{checked}>'
                '<span class="form-check-label">{label}</span></label></div>'
            ).format(
                name=field.name,
                id=field.id,
                index=index,
                value=value,
                checked=Markup(" checked") if value in chosen else "",
                label=label,
            )
            for index, (value, label) in enumerate(field.choices or [])
        ]
        return Markup('<div class="{}" id="{}">{}</div>').format(
            _wrapper_class(field, "row"), field.id, Markup("").join(items)
        )


class CodedChoicesField(SelectMultipleField):
    """Several codes of one enum (see `of`), stored as the list `models.instrument.coded_values` returns."""

    widget = CheckboxesWidget()
    enum_class: ClassVar[type[LabelledEnum]]

    @classmethod
    def of(cls, enum_class: type[LabelledEnum]) -> type[CodedChoicesField]:
        """The field class for `enum_class`, as sqladmin's `form_overrides` wants a class."""
        return type(f"{enum_class.__name__}ChoicesField", (cls,), {"enum_class": enum_class})

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.pop("choices", None)
        kwargs["default"] = list
        super().__init__(label, validators, choices=self.enum_class.choices(), **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = [str(item) for item in value or []]

    def pre_validate(self, form: Form) -> None:
        try:
            self.data = coded_values(self.enum_class, self.data or [])
        except ValueError as refusal:
            raise ValidationError(str(refusal)) from refusal


class BoxesWidget:
    """One labelled input per key of a keyed field, named `<field>-<key>`, in columns (`boxes` says which)."""

    def __call__(self, field: KeyedField, **kwargs: Any) -> Markup:
        boxes = [
            Markup(
                '<div class="{width}"><label class="form-label" for="{id}-{key}">{label}</label>'
                '<input class="form-control" {attributes} name="{name}-{key}" id="{id}-{key}" value="{text}"></div>'
            ).format(
                width=width,
                id=field.id,
                key=key,
                label=label,
                attributes=attributes,
                name=field.name,
                text=field.texts.get(key, ""),
            )
            for key, label, width, attributes in self.boxes()
        ]
        return Markup('<div class="{}" id="{}">{}</div>').format(
            _wrapper_class(field, "row g-2"), field.id, Markup("").join(boxes)
        )

    def boxes(self) -> list[tuple[str, str, str, Markup]]:
        """(key, label, column classes, the input's type and limits) of each box."""
        raise NotImplementedError


class KeyedField(Field):
    """A map posted as one `<name>-<key>` box per key; `stored` turns the typed texts into what the model keeps.

    Every `<name>-<key>` posted is collected, known or not, so the rule in `models` refuses a key it does
    not know rather than the form dropping it silently.
    """

    texts: dict[str, str]  # the text of each box, by key
    data: Any  # the stored map; after a post, what `stored` made of it (None when refused)

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.object_data = data if data is not unset_value else None
        stored: Mapping[str, Any] = self.object_data if isinstance(self.object_data, Mapping) else {}
        self.data = dict(stored)
        self.texts = {str(key): str(value) for key, value in stored.items()}
        self.raw_data = []
        if formdata is None:
            return
        prefix = f"{self.name}-"
        self.texts = {
            key.removeprefix(prefix): str(formdata.get(key)).strip() for key in formdata if key.startswith(prefix)
        }
        self.raw_data = list(self.texts.values())
        self.data = None
        try:
            self.data = self.stored(self.texts)
        except ValueError as refusal:
            self.process_errors.append(str(refusal))

    def stored(self, texts: dict[str, str]) -> Any:
        """What the model keeps for the posted `texts` (by key); ValueError with the message for the form."""
        raise NotImplementedError

    def _value(self) -> str:
        return ""


class CountsWidget(BoxesWidget):
    """One number box per livestock kind."""

    def boxes(self) -> list[tuple[str, str, str, Markup]]:
        number = Markup('type="number" min="0" max="{}" step="1" inputmode="numeric"').format(LIVESTOCK_MAXIMUM)
        return [(value, label, "col-sm-4 col-lg-2", number) for value, label in Livestock.choices()]


class LivestockField(KeyedField):
    """A whole number per livestock kind (empty = 0), stored as `models.instrument.livestock_counts` returns."""

    widget = CountsWidget()

    def stored(self, texts: dict[str, str]) -> Any:
        if not all(text.isdigit() for text in texts.values() if text):
            raise ValueError(f"Jumlah ternak diisi bilangan bulat 0 sampai {LIVESTOCK_MAXIMUM_TEXT}.")
        return livestock_counts({kind: int(text) if text else None for kind, text in texts.items()})


class ChangesWidget(BoxesWidget):
    """One text box per household field an update proposal may change (the address a wide one)."""

    def boxes(self) -> list[tuple[str, str, str, Markup]]:
        text = Markup('type="text"')
        return [
            (key, f"{label} baru", "col-sm-8" if key == "address" else "col-sm-2", text)
            for key, label in UPDATABLE_FIELDS.items()
        ]


class RequestedChangesField(KeyedField):
    """An update proposal's requested changes, stored as `models.household.requested_household_changes` returns."""

    widget = ChangesWidget()

    def stored(self, texts: dict[str, str]) -> Any:
        return requested_household_changes(texts)
