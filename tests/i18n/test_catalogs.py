"""Compiling the translations without GNU gettext: what Babel writes, Django reads, plural
forms, contexts and all; and a translation that cannot work stops the build."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from events.models import Event
from multilingual.catalogs import catalog_paths, compile_catalog
from programmes.models import Programme

# As makemessages leaves a new file: the header marked fuzzy. Russian with the three plural
# forms the interface's catalog uses, where Django's own has four.
RUSSIAN = r"""
#, fuzzy
msgid ""
msgstr ""
"Language: ru\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

#, python-format
msgid "%(counter)s folk ensemble"
msgid_plural "%(counter)s folk ensembles"
msgstr[0] "%(counter)s фольклорный ансамбль"
msgstr[1] "%(counter)s фольклорных ансамбля"
msgstr[2] "%(counter)s фольклорных ансамблей"

msgctxt "a stringed instrument"
msgid "Dombra player"
msgstr "Домбрист"

#, fuzzy
msgid "Dutar player"
msgstr "Домбрист"

msgid "Karnay player"
msgstr ""
"""


# The messages of the catalog above, named here rather than written into the calls below: a
# string written straight into a gettext call would be collected by makemessages for the
# interface's own catalogs.
ENSEMBLE, ENSEMBLES = "%(counter)s folk ensemble", "%(counter)s folk ensembles"
INSTRUMENT, DOMBRA, DUTAR, KARNAY = (
    "a stringed instrument",
    "Dombra player",
    "Dutar player",
    ("Karnay player"),
)
MONDAY = "Monday"


def write_catalog(folder: Path, language: str, text: str) -> Path:
    po_path = folder / language / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(text, encoding="utf-8")
    return po_path


@pytest.fixture
def russian(tmp_path) -> Path:
    return write_catalog(tmp_path, "ru", RUSSIAN)


def test_django_reads_what_babel_compiles(tmp_path, russian):
    assert compile_catalog(russian) == []

    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("ru"):
        ensembles = [
            translation.ngettext(ENSEMBLE, ENSEMBLES, count) % {"counter": count}
            for count in (1, 3, 5, 11, 21, 22)
        ]
        assert ensembles == [
            "1 фольклорный ансамбль",
            "3 фольклорных ансамбля",
            "5 фольклорных ансамблей",
            "11 фольклорных ансамблей",
            "21 фольклорный ансамбль",
            "22 фольклорных ансамбля",
        ]
        assert translation.pgettext(INSTRUMENT, DOMBRA) == "Домбрист"
        # Fuzzy and untranslated messages are left out, as msgfmt leaves them out.
        assert translation.gettext(DUTAR) == DUTAR
        assert translation.gettext(KARNAY) == KARNAY
        # Django's own catalog, with its four plural forms, still answers beside ours.
        assert translation.gettext(MONDAY) == "Понедельник"


def test_a_translation_with_other_placeholders_stops_the_build(tmp_path):
    po_path = write_catalog(
        tmp_path,
        "ru",
        RUSSIAN.replace('msgstr[2] "%(counter)s фольклорных', 'msgstr[2] "%(count)s фольклорных'),
    )

    problems = compile_catalog(po_path)

    assert [(problem.lineno, problem.msgid) for problem in problems] == [(13, ENSEMBLE)]
    assert not po_path.with_suffix(".mo").exists()
    with override_settings(LOCALE_PATHS=[tmp_path]), pytest.raises(CommandError) as refused:
        call_command("compile_translations")
    assert ENSEMBLE in str(refused.value)


def test_a_plural_missing_a_form_is_left_out_whole(tmp_path):
    po_path = write_catalog(
        tmp_path,
        "ru",
        RUSSIAN.replace('msgstr[2] "%(counter)s фольклорных ансамблей"\n', ""),
    )

    assert compile_catalog(po_path) == []
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("ru"):
        # Not "1 фольклорный ансамбль" for one and English for five.
        assert [translation.ngettext(ENSEMBLE, ENSEMBLES, n) for n in (1, 5)] == [
            ENSEMBLE,
            ENSEMBLES,
        ]


def test_the_command_compiles_every_catalog_of_the_locale_paths(tmp_path, russian):
    write_catalog(tmp_path, "kk", RUSSIAN.replace("Language: ru", "Language: kk"))

    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("compile_translations")

    assert sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*.mo")) == [
        Path("kk/LC_MESSAGES/django.mo"),
        Path("ru/LC_MESSAGES/django.mo"),
    ]


def test_the_committed_translations_compile():
    problems = [
        problem
        for po_path in catalog_paths(settings.LOCALE_PATHS)
        for problem in compile_catalog(po_path)
    ]

    assert [str(problem) for problem in problems] == []


def test_every_language_of_the_site_has_a_catalog():
    languages = {po_path.parent.parent.name for po_path in catalog_paths(settings.LOCALE_PATHS[:1])}

    assert languages == {code for code, _name in settings.LANGUAGES} - {"en"}


def test_a_cancelled_event_and_a_cancelled_programme_agree_in_gender():
    """One English word, two Russian ones: an event (мероприятие) is neuter, a programme
    (программа) feminine, so the event's status carries a context of its own."""
    with translation.override("ru"):
        labels = (str(Event.Status.CANCELLED.label), str(Programme.Status.CANCELLED.label))

    assert labels == ("Отменено", "Отменена")
