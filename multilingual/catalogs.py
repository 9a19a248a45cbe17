"""Compiling the interface's translations without GNU gettext.

Django reads compiled catalogs (``.mo``); the repository holds only the ``.po`` files the
translators write, so installing compiles them. Babel does it in Python, the way ``msgfmt``
would: the header counts even when marked fuzzy (as ``makemessages`` leaves a new file), fuzzy
and untranslated messages are left out (the page shows the original), and a translation whose
placeholders or plural forms do not fit its original stops the build instead of breaking a page.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


@dataclass(frozen=True)
class CatalogProblem:
    """A message whose translation cannot be used as written."""

    po_path: Path
    lineno: int
    msgid: str
    problem: str

    def __str__(self):
        return f"{self.po_path}:{self.lineno}: {self.msgid!r}: {self.problem}"


def read_catalog(po_path: Path) -> Catalog:
    """The catalog of ``po_path``, whose language is the name of the folder above
    ``LC_MESSAGES`` (locale/ru/LC_MESSAGES/django.po is Russian)."""
    with po_path.open("rb") as po_file:
        return read_po(po_file, locale=po_path.parent.parent.name)


def is_translated(message) -> bool:
    """Every form of the message has a translation and none is marked fuzzy."""
    forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(forms) and all(forms) and not message.fuzzy


def catalog_problems(po_path: Path, catalog: Catalog) -> list[CatalogProblem]:
    """Translations whose placeholders or number of plural forms do not match the original."""
    return [
        CatalogProblem(
            po_path=po_path,
            lineno=message.lineno,
            msgid=message.id if isinstance(message.id, str) else message.id[0],
            problem=str(error),
        )
        for message, errors in catalog.check()
        if is_translated(message)
        for error in errors
    ]


def compile_catalog(po_path: Path) -> list[CatalogProblem]:
    """Write ``po_path``'s compiled catalog next to it (``django.po`` → ``django.mo``) and
    return no problems; or write nothing and return the problems found.

    The file is replaced in one step, so a server or a test reading it never sees half of it.
    """
    catalog = read_catalog(po_path)
    problems = catalog_problems(po_path, catalog)
    if problems:
        return problems
    for message in list(catalog)[1:]:
        if not is_translated(message):
            catalog.delete(message.id, context=message.context)
    mo_path = po_path.with_suffix(".mo")
    descriptor, temporary = tempfile.mkstemp(dir=po_path.parent, prefix=".", suffix=".mo")
    try:
        with os.fdopen(descriptor, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return []


def catalog_paths(locale_paths) -> list[Path]:
    """Every ``.po`` file under the given locale folders."""
    return sorted(
        po_path
        for locale_path in locale_paths
        for po_path in Path(locale_path).glob("*/LC_MESSAGES/*.po")
    )
