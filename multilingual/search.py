"""Search that finds a record by any of its texts, in any language and either script.

Uzbek is written in Latin and in Cyrillic letters, Kazakh in Cyrillic and, more and more, in
Latin; people type names as they know them ("Navoiy", "Навоий"; "Qazaqstan", "Қазақстан";
"Abai", "Абай"). Each text and each searched word are brought to one *search key*: lower case,
Cyrillic written in Latin letters (``anyascii``), and the letters that transliterations of
Uzbek, Kazakh and Russian write differently folded into one (``x``, ``kh`` and ``h``; ``q``
and ``k``; ``sh`` and ``ş``; ``y`` and ``i``; …). A word is found when its key is part of the
key of the record's original text or of one of its translations. The pairs this is made for
are listed in ``tests/i18n/test_search.py``.

The keys are worked out when a list is searched, over the records the list holds: enough for
programmes (a few thousand), not for the events of many years.
"""

import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii
from django.db.models import QuerySet

from multilingual.content import translated_fields

# Letters of Uzbek's Latin alphabet and their Cyrillic ones that a general transliteration
# writes apart: oʻ and ў are both "o", gʻ and ғ both "g" (the apostrophe comes in many forms).
_UZBEK = re.compile("([og])[\u02bb\u02bc'\u2018\u2019`\u00b4]")
_SPELLINGS = (
    ("ў", "o"),
    ("ё", "yo"),
)
# Applied in order, on the Latin text: digraphs first, then single letters.
_FOLDS = (
    ("kh", "h"),
    ("gh", "g"),
    ("zh", "j"),
    ("sh", "s"),
    ("ch", "c"),
    ("ng", "n"),
    ("ts", "c"),
    ("yo", "e"),
    ("ye", "e"),
    ("yu", "u"),
    ("ya", "a"),
    ("ia", "a"),
    ("x", "h"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
)
_NOT_A_LETTER = re.compile(r"[^a-z0-9 ]+")


def search_key(text: str) -> str:
    """``text`` as searches compare it: see the module's documentation."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _UZBEK.sub(r"\1", text)
    for letter, spelling in _SPELLINGS:
        text = text.replace(letter, spelling)
    text = _NOT_A_LETTER.sub("", anyascii(text).lower().replace("-", " "))
    for written, folded in _FOLDS:
        text = text.replace(written, folded)
    return " ".join(text.split())


def _texts(values: Iterable[str], translations) -> str:
    texts = [value for value in values if value]
    if isinstance(translations, dict):
        for fields in translations.values():
            if isinstance(fields, dict):
                texts += [text for text in fields.values() if isinstance(text, str)]
    return search_key(" ".join(texts))


def search_translated(queryset: QuerySet, text: str, fields: Iterable[str]) -> QuerySet:
    """The records of ``queryset`` in which every word of ``text`` is found in one of
    ``fields`` (translated fields in any language); one query to read their texts."""
    words = [key for key in (search_key(word) for word in text.split()) if key]
    if not words:
        return queryset
    fields = tuple(fields)
    translates = any(name in translated_fields(queryset.model) for name in fields)
    columns = (*fields, "translations") if translates else fields
    found = []
    for pk, *values in queryset.order_by().values_list("pk", *columns):
        translations = values.pop() if translates else None
        key = _texts(values, translations)
        if all(word in key for word in words):
            found.append(pk)
    return queryset.filter(pk__in=found)
