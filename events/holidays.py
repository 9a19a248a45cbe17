"""Public holidays of the participating countries, from the ``holidays`` package, named in the
reader's language.

The package names a country's holidays in a few languages each (Uzbekistan's in Uzbek, English
and Ukrainian; Kazakhstan's in Kazakh, English and Ukrainian; Kyrgyzstan's, Tajikistan's and
Turkmenistan's in Russian too). Where it has the reader's language, its name is shown; where it
has not, its English name is looked up in our catalogues (``events.holiday_names`` lists them
for ``makemessages``), and shown in English until translated. A day off moved from another day
is always named by us, so that the day it was moved from reads as the reader's dates do.

A holiday two countries keep on the same day has one name, whatever language each country's is
found in: New Year's Day in Uzbekistan and in Kazakhstan is one holiday, not "Yangi yil" and
"Жаңа жыл".
"""

import datetime
import functools
import re

import holidays as holiday_calendars
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The package's names in English, to which every other name is matched.
ENGLISH = "en_US"
# "Day off (substituted from 12/12/2026)": the package writes the date as month/day/year.
_MOVED = re.compile(r"^Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)$")
_QUALIFIED = re.compile(r"^(.+) \((observed|estimated|observed, estimated)\)$")


@functools.cache
def _country_year(code: str, year: int, language: str) -> dict[datetime.date, tuple[str, ...]]:
    """The holidays of the country ``code`` in ``year`` with their names in the package's
    ``language``, several on one day in the package's order."""
    try:
        calendar = holiday_calendars.country_holidays(code, years=year, language=language)
    except NotImplementedError:  # a country the package does not know
        return {}
    return {day: tuple(calendar.get_list(day)) for day in sorted(calendar)}


@functools.cache
def _package_language(code: str, language: str) -> str | None:
    """The package's language for ``language`` in the country ``code``, if it has one: the
    same code, or one of its regional forms ("ru" finds Kyrgyzstan's "ru_KG")."""
    try:
        offered = holiday_calendars.country_holidays(code).supported_languages
    except NotImplementedError:
        return None
    if language in offered:
        return language
    return next((each for each in offered if each.split("_")[0] == language), None)


def _reader_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def translated_name(english: str) -> str:
    """Our catalogues' name for the holiday the package names ``english``."""
    if moved := _MOVED.match(english):
        month, day, year = (int(part) for part in moved.groups())
        return _("Day off (moved from %(date)s)") % {
            "date": formats.date_format(datetime.date(year, month, day), "DATE_FORMAT")
        }
    if qualified := _QUALIFIED.match(english):
        name, qualifier = qualified.groups()
        template = {
            "observed": _("%(holiday)s (day off moved)"),
            "estimated": _("%(holiday)s (expected date)"),
            "observed, estimated": _("%(holiday)s (day off moved, expected date)"),
        }[qualifier]
        return template % {"holiday": pgettext("public holiday", name)}
    return pgettext("public holiday", english)


def holidays_between(
    codes: list[str] | set[str], first: datetime.date, last: datetime.date
) -> dict[datetime.date, list[tuple[str, str]]]:
    """The public holidays of the countries ``codes`` from ``first`` to ``last`` inclusive:
    date → [(country code, holiday name)], named in the active language. The holidays of
    several countries that the package names alike in English have one name on a day: the
    package's in the reader's language if it has it for one of them, else ours."""
    language = _reader_language()
    # Each day's holidays: (country code, English name, the package's name in the reader's
    # language or None).
    found: dict[datetime.date, list[tuple[str, str, str | None]]] = {}
    for code in sorted(codes):
        own = _package_language(code, language)
        for year in range(first.year, last.year + 1):
            in_english = _country_year(code, year, ENGLISH)
            in_own = _country_year(code, year, own) if own else {}
            for day, names in in_english.items():
                if not first <= day <= last:
                    continue
                own_names = in_own.get(day, ())
                if len(own_names) != len(names):  # not known to match: ours for all
                    own_names = (None,) * len(names)
                for english, own_name in zip(names, own_names, strict=True):
                    found.setdefault(day, []).append((code, english, own_name))
    named: dict[datetime.date, list[tuple[str, str]]] = {}
    for day, entries in sorted(found.items()):
        shown: dict[str, str] = {}
        for _code, english, own_name in entries:
            if english not in shown and own_name and not _MOVED.match(english):
                shown[english] = own_name
        named[day] = [
            (code, shown.get(english) or translated_name(english))
            for code, english, _own in entries
        ]
    return named
