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


class CountsWidget:
    """One number box per livestock kind, named `<field>-<code>`, in columns."""

    def __call__(self, field: LivestockField, **kwargs: Any) -> Markup:
        boxes = [
            Markup(
                '<div class="col-sm-4 col-lg-2"><label class="form-label" for="{id}-{value}">{label}</label>'
                '<input class="form-control" type="number" min="0" max="{maximum}" step="1" inputmode="numeric"'
                ' name="{name}-{value}" id="{id}-{value}" value="{text}"></div>'
            ).format(
                id=field.id,
                name=field.name,
                value=value,
                label=label,
                maximum=LIVESTOCK_MAXIMUM,
                text=field.texts.get(value, ""),
            )
            for value, label in Livestock.choices()
        ]
        return Markup('<div class="{}" id="{}">{}</div>').format(
            _wrapper_class(field, "row g-2"), field.id, Markup("").join(boxes)
        )


class LivestockField(Field):
    """A whole number per livestock kind (empty = 0), stored as `models.instrument.livestock_counts` returns."""

    widget = CountsWidget()

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        if not _process_keyed(self, formdata, data):
            return
        if not all(text.isdigit() for text in self.texts.values() if text):
            self.process_errors.append(f"Jumlah ternak diisi bilangan bulat 0 sampai {LIVESTOCK_MAXIMUM_TEXT}.")
            return
        try:
            self.data = livestock_counts({kind: int(text) if text else None for kind, text in self.texts.items()})
        except ValueError as refusal:
            self.process_errors.append(str(refusal))

    def _value(self) -> str:
        return ""


def _process_keyed(field: Field, formdata: Any, data: Any) -> bool:
    """Shared `process` of the keyed fields: the stored map as `data` and `texts`; True when a post came in.

    Every `<name>-<key>` posted is collected, known or not, so the rule in `models` refuses a key it does
    not know rather than the form dropping it silently.
    """
    field.process_errors = []
    field.object_data = data if data is not unset_value else None
    stored: Mapping[str, Any] = field.object_data if isinstance(field.object_data, Mapping) else {}
    field.data = dict(stored)
    field.texts = {str(key): str(value) for key, value in stored.items()}
    field.raw_data = []
    if formdata is None:
        return False
    prefix = f"{field.name}-"
    field.texts = {
        key.removeprefix(prefix): str(formdata.get(key)).strip() for key in formdata if key.startswith(prefix)
    }
    field.raw_data = list(field.texts.values())
    field.data = None
    return True


class ChangesWidget:
    """One text box per household field an update proposal may change."""

    def __call__(self, field: RequestedChangesField, **kwargs: Any) -> Markup:
        boxes = [
            Markup(
                '<div class="{width}"><label class="form-label" for="{id}-{key}">{label} baru</label>'
                '<input class="form-control" type="text" name="{name}-{key}" id="{id}-{key}" value="{text}"></div>'
            ).format(
                width="col-sm-8" if key == "address" else "col-sm-2",
                id=field.id,
                name=field.name,
                key=key,
                label=label,
                text=field.texts.get(key, ""),
            )
            for key, label in UPDATABLE_FIELDS.items()
        ]
        return Markup('<div class="{}" id="{}">{}</div>').format(
            _wrapper_class(field, "row g-2"), field.id, Markup("").join(boxes)
        )


class RequestedChangesField(Field):
    """An update proposal's requested changes, stored as `models.household.requested_household_changes` returns."""

    widget = ChangesWidget()

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        if not _process_keyed(self, formdata, data):
            return
        try:
            self.data = requested_household_changes(self.texts)
        except ValueError as refusal:
            self.process_errors.append(str(refusal))

    def _value(self) -> str:
        return ""
