"""Bahasa Indonesia for sqladmin and WTForms, installed at runtime.

Neither library ships an Indonesian catalogue (sqladmin 0.32 has en, de, az, ru,
tr and ja; WTForms 3.2 has no ``id``). Rather than fork them, we keep our own
``.po`` files under ``console/locale/id/LC_MESSAGES`` and:

* register the sqladmin catalogue in sqladmin's locale tables (`install_indonesian`,
  through ``console.sqladmin_door.register_locale``), which is all that
  sqladmin's ``set_locale`` and ``LocaleMiddleware`` consult;
* give WTForms the Indonesian catalogue through `LocalisedForm`, meant to be
  used as ``ModelView.form_base_class``, whenever sqladmin's active locale is
  ``id``.

The ``.po`` files are compiled in memory on first use; no ``.mo`` files are
committed or written to disk, so the sources can never drift from a stale
binary.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup
from wtforms import Form

from console.csrf import csrf_hidden_input
from console.request_context import current_request
from console.sqladmin_door import active_locale, register_locale

__all__ = [
    "INDONESIAN",
    "LANGUAGES",
    "LOCALE_DIR",
    "LocalisedForm",
    "catalogue_path",
    "install_indonesian",
    "load_catalogue",
    "wtforms_translations",
]

INDONESIAN = "id"
"""Locale code of Bahasa Indonesia, as sqladmin and Babel spell it."""

LANGUAGES: list[str] = [INDONESIAN, "en"]
"""Locales offered by the language switcher, Indonesian first."""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Root of our gettext tree (``<locale>/LC_MESSAGES/<domain>.po``)."""


def catalogue_path(domain: str) -> Path:
    """Return the Indonesian ``.po`` file of gettext `domain` (``admin`` or ``wtforms``)."""
    return LOCALE_DIR / INDONESIAN / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=8)  # two domains today; bounded so a typo loop cannot grow it
def load_catalogue(domain: str) -> Translations:
    """Compile the Indonesian ``.po`` of `domain` in memory and return it as Babel translations.

    Cached because the catalogue is immutable for the life of the process and
    WTForms asks for it on every form instantiation.
    """
    with catalogue_path(domain).open("rb") as po_file:
        catalogue = read_po(po_file, locale=INDONESIAN, domain=domain)
    compiled = BytesIO()
    # GNUTranslations only parses the binary .mo format, so we compile to a buffer
    # instead of shipping (and keeping in sync) a generated .mo file.
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(fp=compiled, domain=domain)


def install_indonesian() -> None:
    """Make ``id`` a locale sqladmin can activate; safe to call more than once.

    Must run before the ``Admin`` is created: ``LocaleMiddleware`` accepts only
    codes in ``SUPPORTED_LOCALES`` and ``set_locale`` silently falls back to
    English for codes missing from ``translations``.
    """
    register_locale(INDONESIAN, load_catalogue("admin"))


def wtforms_translations() -> Translations | None:
    """Return the WTForms catalogue for the active sqladmin locale, or None for English.

    None makes WTForms fall back to its built-in English messages, which is
    what every non-Indonesian locale should see.
    """
    if active_locale() == INDONESIAN:
        return load_catalogue("wtforms")
    return None


class LocalisedForm(Form):
    """WTForms base form whose validation messages follow sqladmin's active locale.

    sqladmin's ``get_model_form`` builds ``type(name, (form_base_class,), fields)``;
    WTForms' ``FormMeta`` merges the ``Meta`` of every base, so those generated
    subclasses inherit this ``get_translations`` unchanged.
    """

    class Meta:
        def get_translations(self, form: Form) -> Translations | None:
            # Resolved per form instance (i.e. per request), because the locale
            # lives in a context variable set by sqladmin's LocaleMiddleware.
            return wtforms_translations()

    def hidden_tag(self) -> Markup:
        """The CSRF token of the current session, then the form's own hidden fields.

        sqladmin's ``render_form_fields`` calls this when a form defines it, in
        place of rendering the hidden fields itself; the token is what
        ``console.csrf.CsrfMiddleware`` checks on every POST.
        """
        hidden = [field() for field in self if getattr(field.widget, "input_type", None) == "hidden"]
        return Markup("").join([csrf_hidden_input(current_request()), *hidden])
