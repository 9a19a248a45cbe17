"""The calendar's holiday chips in the reader's language: one chip for a holiday both countries
keep on a day, named alike whatever language each country's name is found in, with the
countries named in the reader's language too."""

import datetime
import re

import pytest

from tests.calendars.test_browse import calendar, holidays_on, world  # noqa: F401 (fixture)
from tests.catalogues import translated

pytestmark = pytest.mark.django_db

NEW_YEAR = datetime.date(2027, 1, 1)
INDEPENDENCE_UZ = datetime.date(2027, 9, 1)
REPUBLIC_DAY_KZ = datetime.date(2027, 10, 25)


def reading(world, language: str):  # noqa: F811 (world is the fixture's)
    world.coordinator.language = language
    world.coordinator.save(update_fields=["language"])


def chips(html: str) -> list[str]:
    """The holiday chips of a page as a person reads them: codes and name."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", chip).split())
        for chip in re.findall(r'<li class="dl-cal-holiday"[^>]*>(.*?)</li>', html, re.S)
    ]


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "New Year's Day"), ("ru", "Новый год"), ("uz", "Yangi yil"), ("kk", "Жаңа жыл")],
)
def test_new_year_is_one_chip_in_every_language(client, world, language, name):  # noqa: F811
    reading(world, language)

    response = calendar(client, world.coordinator, date="2027-01-01")

    assert holidays_on(response, NEW_YEAR) == [("KZ UZ", name)]


def test_a_kazakh_and_an_uzbek_holiday_in_russian(client, world, tmp_path):  # noqa: F811
    reading(world, "ru")
    russian = {
        ("public holiday", "New Year's Day"): "Новый год",
        ("public holiday", "Independence Day"): "День независимости",
        ("public holiday", "Republic Day"): "День Республики",
    }

    with translated(tmp_path, "ru", russian):
        january = calendar(client, world.coordinator, date="2027-01-01")
        september = calendar(client, world.coordinator, date="2027-09-01")
        october = calendar(client, world.coordinator, date="2027-10-01")

    assert holidays_on(january, NEW_YEAR) == [("KZ UZ", "Новый год")]
    assert holidays_on(september, INDEPENDENCE_UZ) == [("UZ", "День независимости")]
    assert holidays_on(october, REPUBLIC_DAY_KZ) == [("KZ", "День Республики")]
    html = january.content.decode()
    # 1 January in both countries, 2 January in Kazakhstan only: a chip a day.
    assert [chip for chip in chips(html) if chip.endswith("Новый год")] == [
        "Государственный праздник (Казахстан, Узбекистан): KZ UZ Новый год",
        "Государственный праздник (Казахстан): KZ Новый год",
    ]
