"""Titles, names and descriptions in several languages.

A record that can be translated has a ``translations`` JSON field and names the fields it
translates in ``TRANSLATED_FIELDS``. Its translations are kept by language code, then by field:

    {"ru": {"title": "Абай. Наследие братских народов"}, "kk": {"title": "…"}}

The original field stays the record's own text (and what search and exports use); a page shows
the reader's language where an editor gave it and falls back to the original.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

SHAPE_MESSAGE = gettext_lazy(
    'Translations are given by language code, then by field, e.g. {"ru": {"title": "…"}}.'
)


def translated_fields(record) -> tuple[str, ...]:
    """The fields of ``record`` (a model instance or class) that editors may translate."""
    return tuple(getattr(record, "TRANSLATED_FIELDS", ()))


def localized(record, field: str, language: str | None = None) -> str:
    """``record.field`` in ``language`` (by default the active one) if an editor gave it, else
    the original. An empty translation counts as none."""
    if record is None:
        return ""
    if field not in translated_fields(record):
        raise ValueError(f"{type(record).__name__} does not translate {field!r}.")
    original = getattr(record, field)
    language = language or get_language()
    if not language:
        return original
    translations = record.translations if isinstance(record.translations, dict) else {}
    # "ru" serves a reader whose language arrives as "ru-ru" too.
    for code in dict.fromkeys([language.lower(), language.lower().split("-")[0]]):
        texts = translations.get(code)
        text = texts.get(field) if isinstance(texts, dict) else None
        if isinstance(text, str) and text.strip():
            return text
    return original


def translation_errors(record) -> list[str]:
    """What is wrong with the shape of ``record.translations``, for ``Model.clean``: only
    languages of the site, only fields the record translates, only texts, and none longer than
    the original field may be."""
    translations = record.translations
    if not isinstance(translations, dict):
        return [str(SHAPE_MESSAGE)]
    languages = dict(settings.LANGUAGES)
    fields = translated_fields(record)
    opts = record._meta
    errors = []
    for language, texts in translations.items():
        if language not in languages:
            errors.append(
                _("“%(language)s” is not one of the languages of the site.")
                % {"language": language}
            )
            continue
        if not isinstance(texts, dict):
            errors.append(str(SHAPE_MESSAGE))
            continue
        for field, text in texts.items():
            if field not in fields:
                errors.append(_("“%(field)s” cannot be translated.") % {"field": field})
                continue
            names = {
                "field": opts.get_field(field).verbose_name,
                "language": get_language_info(language)["name_translated"],
            }
            max_length = opts.get_field(field).max_length
            if not isinstance(text, str):
                errors.append(_("The %(field)s in %(language)s is not a text.") % names)
            elif max_length is not None and len(text) > max_length:
                errors.append(
                    ngettext(
                        "The %(field)s in %(language)s is longer than %(max_length)d character.",
                        "The %(field)s in %(language)s is longer than %(max_length)d characters.",
                        max_length,
                    )
                    % {**names, "max_length": max_length}
                )
    return errors


def validate_translations(record) -> None:
    """Raise a ``ValidationError`` on the ``translations`` field of ``record`` if its shape is
    wrong (see ``translation_errors``)."""
    if errors := translation_errors(record):
        raise ValidationError({"translations": errors})
