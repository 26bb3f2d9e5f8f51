"""Bahasa Indonesia catalogues for sqladmin and WTForms (console.i18n)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqladmin
import sqladmin.i18n
import wtforms
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from console.i18n import (
    INDONESIAN,
    LANGUAGES,
    LOCALE_DIR,
    LocalisedForm,
    catalogue_path,
    install_indonesian,
    load_catalogue,
    wtforms_translations,
)

SQLADMIN_POT = Path(sqladmin.__file__).parent / "translations" / "admin.pot"
WTFORMS_POT = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def _read(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file)


def _is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(string and string.strip() for string in strings)


@pytest.fixture
def locale() -> Iterator[None]:
    """Indonesian installed; sqladmin's locale context variable restored after the test."""
    install_indonesian()
    previous = sqladmin.i18n.get_locale()
    yield
    sqladmin.i18n.set_locale(previous)


# --- catalogue completeness: fails when a library upgrade adds strings we have not translated ---


@pytest.mark.parametrize(
    ("template", "domain"), [(SQLADMIN_POT, "admin"), (WTFORMS_POT, "wtforms")], ids=["sqladmin", "wtforms"]
)
def test_every_upstream_msgid_has_an_indonesian_translation(template: Path, domain: str) -> None:
    ours = _read(catalogue_path(domain))
    upstream_ids = [message.id for message in _read(template) if message.id]

    assert upstream_ids
    untranslated = []
    for msgid in upstream_ids:
        message = ours.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        # Same msgid_plural too, not fuzzy, and every plural form filled in.
        if message is None or message.id != msgid or message.fuzzy or not _is_translated(message):
            untranslated.append(msgid)
    assert untranslated == []


@pytest.mark.parametrize("domain", ["admin", "wtforms"])
def test_catalogue_is_indonesian_single_plural_and_placeholder_safe(domain: str) -> None:
    catalogue = _read(catalogue_path(domain))

    assert str(catalogue.locale) == INDONESIAN
    assert (catalogue.num_plurals, catalogue.plural_expr) == (1, "0")
    assert not catalogue.fuzzy
    # Babel's checkers flag python-format placeholders that differ between msgid and msgstr.
    assert [(message.id, errors) for message, errors in catalogue.check()] == []


def test_catalogues_are_compiled_in_memory_only() -> None:
    load_catalogue("admin")
    load_catalogue("wtforms")

    assert list(LOCALE_DIR.rglob("*.mo")) == []
    assert load_catalogue("admin") is load_catalogue("admin")


# --- sqladmin ----------------------------------------------------------------------------------


def test_sqladmin_speaks_indonesian_after_install(locale: None) -> None:
    sqladmin.i18n.set_locale(INDONESIAN)
    assert sqladmin.i18n.get_locale() == INDONESIAN
    assert sqladmin.i18n.gettext("Save") == "Simpan"
    assert sqladmin.i18n.gettext("Logout") == "Keluar"
    assert sqladmin.i18n.gettext("Username") == "Nama pengguna"
    assert sqladmin.i18n.gettext("Edit %(name)s") % {"name": "Keluarga"} == "Ubah Keluarga"

    sqladmin.i18n.set_locale("en")
    assert sqladmin.i18n.gettext("Save") == "Save"
    assert sqladmin.i18n.gettext("Logout") == "Logout"


def test_install_indonesian_is_idempotent(locale: None) -> None:
    install_indonesian()
    install_indonesian()

    assert sqladmin.i18n.SUPPORTED_LOCALES.count(INDONESIAN) == 1
    assert sqladmin.i18n.translations[INDONESIAN] is load_catalogue("admin")


def test_language_switcher_offers_supported_locales(locale: None) -> None:
    assert LANGUAGES == ["id", "en"]
    assert set(LANGUAGES) <= set(sqladmin.i18n.SUPPORTED_LOCALES)


# --- WTForms -----------------------------------------------------------------------------------


def _sqladmin_style_form() -> type[LocalisedForm]:
    # sqladmin's get_model_form builds forms as type(name, (form_base_class,), fields).
    return type(
        "HouseholdForm",
        (LocalisedForm,),
        {
            "head_name": StringField(validators=[DataRequired()]),
            "kk_number": StringField(validators=[Length(min=16, max=16)]),
        },
    )


def _errors(locale_code: str) -> dict[str, list[str]]:
    sqladmin.i18n.set_locale(locale_code)
    form = _sqladmin_style_form()(data={"head_name": "", "kk_number": "123"})
    assert not form.validate()
    return form.errors


def test_wtforms_messages_follow_the_indonesian_locale(locale: None) -> None:
    errors = _errors(INDONESIAN)

    assert errors["head_name"] == ["Kolom ini wajib diisi."]
    assert errors["kk_number"] == ["Isian harus tepat 16 karakter."]


def test_wtforms_messages_stay_english_under_en(locale: None) -> None:
    errors = _errors("en")

    assert errors["head_name"] == ["This field is required."]
    assert errors["kk_number"] == ["Field must be exactly 16 characters long."]
    assert wtforms_translations() is None


def test_wtforms_plural_messages_use_the_single_indonesian_form(locale: None) -> None:
    sqladmin.i18n.set_locale(INDONESIAN)
    translations = wtforms_translations()

    assert translations is not None
    for count in (1, 2, 5):
        assert (
            translations.ngettext(
                "Field must be at least %(min)d character long.",
                "Field must be at least %(min)d characters long.",
                count,
            )
            % {"min": count}
            == f"Isian minimal {count} karakter."
        )
