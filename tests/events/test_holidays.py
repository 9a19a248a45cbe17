"""Public holidays named in the reader's language: the ``holidays`` package's name where it has
that language for the country, our catalogues' where it has not (English until translated),
one name for a holiday several countries keep on a day, and the day a day off was moved from
written as the reader's dates are."""

import datetime

import holidays as holiday_calendars
import pytest
from django.utils import timezone, translation

from events.holiday_names import HOLIDAY_NAMES
from events.holidays import _MOVED, _QUALIFIED, holidays_between
from tests.catalogues import translated

day = datetime.date
CENTRAL_ASIA = ["KG", "KZ", "TJ", "TM", "UZ"]


def on(codes: list[str], date: datetime.date, language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return holidays_between(codes, date, date).get(date, [])


@pytest.mark.parametrize(
    ("language", "code", "date", "name"),
    [
        ("uz", "UZ", day(2026, 9, 1), "Mustaqillik kuni"),
        ("kk", "KZ", day(2026, 12, 16), "Тәуелсіздік күні"),
        ("ru", "KG", day(2026, 1, 1), "Новый год"),
        ("ru", "TJ", day(2026, 9, 9), "День Государственной независимости Республики Таджикистан"),
        ("en", "KZ", day(2026, 10, 25), "Republic Day"),
    ],
)
def test_the_packages_name_in_the_readers_language(language, code, date, name):
    assert on([code], date, language) == [(code, name)]


def test_without_the_readers_language_in_the_package_our_catalogues_name_it():
    """A Russian reader used to read "Mustaqillik kuni"."""
    assert on(["UZ"], day(2026, 9, 1), "ru") == [("UZ", "День независимости")]
    assert on(["KZ"], day(2026, 10, 25), "ru") == [("KZ", "День Республики")]


def test_our_catalogues_name_a_kazakh_and_an_uzbek_holiday_in_russian(tmp_path):
    russian = {
        ("public holiday", "Independence Day"): "День независимости",
        ("public holiday", "Republic Day"): "День Республики",
        "%(holiday)s (day off moved)": "%(holiday)s (перенесённый выходной)",
    }
    with translated(tmp_path, "ru", russian):
        assert on(["UZ"], day(2026, 9, 1), "ru") == [("UZ", "День независимости")]
        assert on(["KZ"], day(2026, 10, 25), "ru") == [("KZ", "День Республики")]
        assert on(["KZ"], day(2026, 10, 26), "ru") == [
            ("KZ", "День Республики (перенесённый выходной)")
        ]


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "New Year's Day"), ("ru", "Новый год"), ("uz", "Yangi yil"), ("kk", "Жаңа жыл")],
)
def test_new_year_has_one_name_in_both_countries(language, name):
    assert on(["UZ", "KZ"], day(2026, 1, 1), language) == [("KZ", name), ("UZ", name)]


def test_new_year_has_one_name_in_russian_once_translated(tmp_path):
    russian = {("public holiday", "New Year's Day"): "Новый год"}
    with translated(tmp_path, "ru", russian):
        assert on(["UZ", "KZ", "KG"], day(2026, 1, 1), "ru") == [
            ("KG", "Новый год"),
            ("KZ", "Новый год"),
            ("UZ", "Новый год"),
        ]


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Day off (moved from 12 December 2026)"),
        ("ru", "Выходной день (перенесён с 12 декабря 2026 г.)"),  # noqa: RUF001
        ("uz", "Dam olish kuni (koʻchirilgan sana: 12-dekabr, 2026-yil)"),
    ],
)
def test_a_day_off_moved_names_the_day_it_was_moved_from_as_the_reader_writes_dates(language, name):
    """The package wrote "Day off (substituted from 12/12/2026)", or "12/12 2026" in Uzbek."""
    assert on(["UZ"], day(2026, 12, 31), language) == [("UZ", name)]


def test_a_day_off_moved_reads_in_russian_once_translated(tmp_path):
    russian = {"Day off (moved from %(date)s)": "Выходной день (перенесён с %(date)s)"}  # noqa: RUF001
    with translated(tmp_path, "ru", russian):
        assert on(["UZ"], day(2026, 12, 31), "ru") == [
            ("UZ", "Выходной день (перенесён с 12 декабря 2026 г.)")  # noqa: RUF001
        ]


def test_every_holiday_the_package_names_is_in_our_catalogues():
    """So that ``makemessages`` puts each in the catalogues for the translators."""
    with translation.override("en"):
        listed = {str(name) for name in HOLIDAY_NAMES}
    this_year = timezone.localdate().year
    named = set()
    for code in CENTRAL_ASIA:
        calendar = holiday_calendars.country_holidays(
            code, years=range(2017, this_year + 6), language="en_US"
        )
        for date in calendar:
            for name in calendar.get_list(date):
                if not _MOVED.match(name):
                    qualified = _QUALIFIED.match(name)
                    named.add(qualified.group(1) if qualified else name)
    assert sorted(named - listed) == []
