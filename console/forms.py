"""Form glue for sqladmin: labelled enum choices, text and date rules from the columns, NIK/KK validators,
and pre-filling from the page link."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from typing import Any

from sqladmin.fields import AjaxSelectField, TextAreaField
from sqladmin.forms import ModelConverter, converts
from sqlalchemy import Column
from sqlalchemy.orm import ColumnProperty
from wtforms import FloatField, Form, SelectField, StringField, ValidationError, validators
from wtforms.fields.core import UnboundField

from console.identifiers import identifier_values
from console.request_context import current_request
from models.base import LabelledEnum
from models.dates import bounds_for
from models.identity import check_nik, check_no_kk
from models.member import Sex
from models.periods import is_period
from models.text import rule_for

CHOOSE_ONE = "— pilih —"


def _enum_value(value: Any) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)


def period_validator(message: str) -> Callable[[Form, Any], None]:
    """A determination period field (models/periods.py: the rule the database CHECKs hold too), else `message`."""

    def validate(_form: Form, field: Any) -> None:
        if not is_period(str(field.data or "")):
            raise ValidationError(message)

    return validate


def enum_coercer(enum_class: type[LabelledEnum]) -> Callable[[Any], LabelledEnum | None]:
    """Form values become enum members (so models never hold bare strings); empty becomes None."""

    def coerce(value: Any) -> LabelledEnum | None:
        if value is None or value == "":
            return None
        return enum_class(_enum_value(value))

    return coerce


def text_validator(column: Column[Any]) -> Callable[[Form, Any], None]:
    """WTForms validator: the column's text rule (models/text.py), the same one the flush and the import apply.

    Unlike WTForms' Length it puts no `maxlength` on the input: a browser would cut a pasted 17-digit NIK to
    16 digits without a word, and the official would save another person's number.
    """
    rule = rule_for(column)
    if rule is None:
        raise ValueError(f"{column} is not a text column")

    def validate(form: Form, field: Any) -> None:
        if isinstance(field.data, str) and field.data:
            problems = rule.problems(field.data)
            if problems:
                raise ValidationError(" ".join(problems))

    return validate


def date_bounds_validator(column: Column[Any]) -> Callable[[Form, Any], None]:
    """WTForms validator: the column's plausible dates (models/dates.py), checked against today on each post."""
    bounds = bounds_for(column)
    if bounds is None:
        raise ValueError(f"{column} has no date bounds")

    def validate(form: Form, field: Any) -> None:
        problem = bounds.problem(field.data) if field.data is not None else None
        if problem is not None:
            raise ValidationError(problem)

    return validate


def column_of(prop: ColumnProperty[Any]) -> Column[Any]:
    """The table column a form field edits (SQLAlchemy types a property's columns as any named column element)."""
    column = prop.columns[0]
    if not isinstance(column, Column):
        raise TypeError(f"{prop} is not mapped to a table column")
    return column


class DtksModelConverter(ModelConverter):
    """sqladmin's converter, with enum selects showing the Indonesian label and keeping the stored value, and
    every text and date field carrying its column's rule."""

    @converts("String", "CHAR")
    def conv_string(self, model: type, prop: ColumnProperty[Any], kwargs: dict[str, Any]) -> UnboundField:
        # Not sqladmin's: its Length validator renders `maxlength`, which cuts what is typed or pasted.
        kwargs["validators"] = [*kwargs.get("validators", []), text_validator(column_of(prop))]
        return StringField(**kwargs)

    @converts("Text", "LargeBinary", "Binary")
    def conv_text(self, model: type, prop: ColumnProperty[Any], kwargs: dict[str, Any]) -> UnboundField:
        column = column_of(prop)
        if rule_for(column) is not None:
            kwargs["validators"] = [*kwargs.get("validators", []), text_validator(column)]
        return TextAreaField(**kwargs)

    @converts("Date")
    def conv_date(self, model: type, prop: ColumnProperty[Any], kwargs: dict[str, Any]) -> UnboundField:
        column = column_of(prop)
        if bounds_for(column) is not None:
            kwargs["validators"] = [*kwargs.get("validators", []), date_bounds_validator(column)]
        return super().conv_date(model, prop, kwargs)

    @converts("Enum")
    def conv_enum(self, model: type, prop: ColumnProperty[Any], kwargs: dict[str, Any]) -> UnboundField:
        column_type = prop.columns[0].type
        enum_class = getattr(column_type, "enum_class", None)
        if enum_class is None or not issubclass(enum_class, LabelledEnum):
            return super().conv_enum(model, prop, kwargs)
        column = prop.columns[0]
        choices: list[tuple[str, str]] = enum_class.choices()
        accepted: list[str | None] = [value for value, _ in choices]
        required: list[Any] = []
        if column.nullable:
            choices = [("", "—"), *choices]
            accepted.append(None)
            kwargs["filters"] = [*kwargs.get("filters", []), lambda value: value or None]
        elif column.default is None and column.server_default is None:
            # A required choice with no default of its own starts unchosen: the form never preselects the
            # first member (a new member was "Kepala keluarga" unless the operator changed it).
            choices = [("", CHOOSE_ONE), *choices]
            required = [validators.InputRequired(message="Pilih salah satu.")]
        kwargs["choices"] = choices
        kwargs["coerce"] = enum_coercer(enum_class)
        kwargs["validators"] = [
            *required,
            *kwargs.get("validators", []),
            validators.AnyOf(accepted, message="Pilihan tidak valid."),
        ]
        return SelectField(**kwargs)

    @converts("Float", "Double")
    def conv_float(self, model: type, prop: ColumnProperty[Any], kwargs: dict[str, Any]) -> UnboundField:
        # SQLAlchemy 2.1's Float no longer derives from Numeric, which sqladmin 0.32 converts.
        if prop.columns[0].nullable:
            kwargs["validators"] = [*kwargs.get("validators", []), validators.Optional()]
        return FloatField(**kwargs)


def nik_validator(sex_field: str = "sex", birth_date_field: str = "birth_date") -> Callable[[Form, Any], None]:
    """WTForms validator: the one NIK rule, checked against the sex and birth date typed in the same form."""

    def validate(form: Form, field: Any) -> None:
        sex = getattr(form, sex_field, None)
        birth_date = getattr(form, birth_date_field, None)
        is_female = None if sex is None or not sex.data else _enum_value(sex.data) == Sex.FEMALE.value
        result = check_nik(
            (field.data or "").strip(),
            is_female=is_female,
            birth_date=birth_date.data if birth_date is not None else None,
        )
        if not result.ok:
            raise ValidationError(" ".join(result.errors))
        field.warnings = result.warnings

    return validate


def optional_nik_validator(form: Form, field: Any) -> None:
    """NIK that may be left empty (a complaint may come without one)."""
    if not (field.data or "").strip():
        return
    result = check_nik(field.data.strip())
    if not result.ok:
        raise ValidationError(" ".join(result.errors))


def no_kk_validator(form: Form, field: Any) -> None:
    result = check_no_kk((field.data or "").strip())
    if not result.ok:
        raise ValidationError(" ".join(result.errors))
    field.warnings = result.warnings


def strip_filter(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def prefill_from_query(form_class: type[Form], allowed: set[str]) -> type[Form]:
    """A form class that, when opened empty, takes `allowed` fields from the page's query string.

    Lets "Tambah anggota" on a household page open the member form with the household chosen.
    """

    class PrefilledForm(form_class):
        def __init__(self, formdata: Any = None, obj: Any = None, **kwargs: Any) -> None:
            super().__init__(formdata, obj, **kwargs)
            request = current_request()
            if formdata is not None or obj is not None or request is None:
                return
            for name in allowed:
                value = request.query_params.get(name)
                if value and hasattr(self, name):
                    getattr(self, name).data = value

    PrefilledForm.__name__ = form_class.__name__
    return PrefilledForm


class PickerField(AjaxSelectField):
    """sqladmin's ajax picker with Indonesian refusals (its own says "Not a valid choice" in English)."""

    def pre_validate(self, form: Form) -> None:
        if self.data in (None, ""):
            if not self.allow_blank:
                raise ValidationError("Pilih salah satu; kolom ini wajib diisi.")
            return
        if identifier_values(self.loader.model, str(self.data)) is None:
            raise ValidationError("Pilihan tidak valid.")


def localise_pickers(form_class: type[Form]) -> type[Form]:
    """Swap sqladmin's single ajax pickers for PickerField in a scaffolded form class."""
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField) and unbound.field_class is AjaxSelectField:
            unbound.field_class = PickerField
    return form_class


class NumberListField(StringField):
    """A list of numbers typed as "10, 20, 30" (brackets optional); holds a list of floats."""

    def _value(self) -> str:
        if isinstance(self.data, list):
            return ", ".join(f"{number:g}" for number in self.data)
        return super()._value()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip().removeprefix("[").removesuffix("]")
        try:
            numbers = [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as error:
            self.data = None
            raise ValueError(f"{self.label.text}: tulis angka dipisah koma, misalnya 10, 20, 30.") from error
        if not all(math.isfinite(number) for number in numbers):
            self.data = None
            raise ValueError(f"{self.label.text}: hanya angka biasa (bukan NaN atau tak hingga).")
        self.data = numbers
