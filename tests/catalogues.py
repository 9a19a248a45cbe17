"""Translations a test adds to our catalogues, as a translator would add them to
``locale/<language>/LC_MESSAGES/django.po``: they are compiled (``multilingual.catalogs``) into
a folder put before the project's own in ``LOCALE_PATHS``, so they answer first and everything
else still answers as it does on the site."""

import contextlib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from django.conf import settings
from django.test import override_settings

from multilingual.catalogs import compile_catalog


@contextlib.contextmanager
def translated(folder: Path, language: str, messages: dict[str | tuple[str, str], str]):
    """While open, ``messages`` (msgid, or (msgctxt, msgid), → translation) are translated
    into ``language`` by our catalogues."""
    catalog = Catalog(locale=language)
    for message, text in messages.items():
        context, msgid = message if isinstance(message, tuple) else (None, message)
        catalog.add(msgid, text, context=context)
    po_path = folder / language / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as po_file:
        write_po(po_file, catalog)
    problems = compile_catalog(po_path)
    assert problems == []
    with override_settings(LOCALE_PATHS=[folder, *settings.LOCALE_PATHS]):
        yield
