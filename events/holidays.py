"""Public holidays of the participating countries, from the ``holidays`` package."""

import datetime
import functools

import holidays as holiday_calendars
from django.utils import translation

# The package's own language codes, by Django language code; English where it has none.
_LANGUAGES = {"en": "en_US", "ru": "ru", "uz": "uz", "kk": "kk"}


@functools.cache
def _country_year(code: str, year: int, language: str) -> dict[datetime.date, str]:
    try:
        calendar = holiday_calendars.country_holidays(code, years=year, language=language)
    except NotImplementedError:  # a country the package does not know
        return {}
    return dict(calendar.items())


def holidays_between(
    codes: list[str] | set[str], first: datetime.date, last: datetime.date
) -> dict[datetime.date, list[tuple[str, str]]]:
    """The public holidays of the countries ``codes`` from ``first`` to ``last`` inclusive:
    date → [(country code, holiday name)], names in the active language where the package has
    them."""
    language = _LANGUAGES.get((translation.get_language() or "en")[:2], "en_US")
    found: dict[datetime.date, list[tuple[str, str]]] = {}
    for code in sorted(codes):
        for year in range(first.year, last.year + 1):
            for day, name in _country_year(code, year, language).items():
                if first <= day <= last:
                    found.setdefault(day, []).append((code, name))
    return dict(sorted(found.items()))
