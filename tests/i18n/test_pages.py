"""Pages in each language: the interface's words, dates written the language's way and the
records' own titles where an editor translated them. The assertions rest on what does not
depend on the translators' progress: Django's month and weekday names, the formats, the
``lang`` of the page, and the translations stored on the records."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from events.models import Event
from institutions.models import Institution
from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    UserFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def page_title(response) -> str:
    """The text of the page's <h1>."""
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


@pytest.fixture
def abay_exhibition() -> Event:
    """The opening of the Abay exhibition in Tashkent, 19 December 2022 (a Monday), with its
    title given in Russian only."""
    gallery = InstitutionFactory(
        name="Fine Arts Gallery of Uzbekistan",
        kind=Institution.Kind.GALLERY,
        country=CountryFactory(code="UZ"),
        translations={"kk": {"name": "Өзбекстанның бейнелеу өнері галереясы"}},
    )
    kaznu = InstitutionFactory(
        name="Al-Farabi Kazakh National University", country=CountryFactory(code="KZ")
    )
    programme = joint_programme(
        uz=gallery,
        kz=kaznu,
        title="Abay. Heritage of Fraternal Peoples",
        status=Programme.Status.COMPLETED,
        starts_on=datetime.date(2022, 12, 1),
        ends_on=datetime.date(2022, 12, 31),
        translations={"uz": {"title": "Abay. Qardosh xalqlar merosi"}},
    )
    return EventFactory(
        programme=programme,
        title="Abay exhibition opening",
        host_institution=gallery,
        starts_at=datetime.datetime(2022, 12, 19, 11, 0, tzinfo=TASHKENT),
        ends_at=datetime.datetime(2022, 12, 19, 18, 0, tzinfo=TASHKENT),
        status=Event.Status.HELD,
        translations={"ru": {"title": "Открытие выставки «Абай»"}},
    )


@pytest.fixture
def reader_in():
    """``reader_in(language)``: a client signed in as a viewer who chose ``language``."""

    def sign_in(client, language: str):
        user = UserFactory(language=language)
        ViewerFactory(user=user)
        client.force_login(user)
        return client

    return sign_in


EVENT_PAGES = [
    # language, the day as the page's subtitle gives it, the weekday of its start, its title
    ("en", "19 December 2022", "Monday", "Abay exhibition opening"),
    ("ru", "19 декабря 2022 г.", "Понедельник", "Открытие выставки «Абай»"),  # noqa: RUF001
    ("uz", "19-dekabr, 2022-yil", "Dushanba", "Abay exhibition opening"),
    ("kk", "2022 ж. 19 желтоқсан", "Дүйсенбі", "Abay exhibition opening"),
]


@pytest.mark.parametrize(("language", "day", "weekday", "title"), EVENT_PAGES)
def test_an_event_page_speaks_the_reader_s_language(
    client, reader_in, abay_exhibition, language, day, weekday, title
):
    response = reader_in(client, language).get(reverse("events:detail", args=[abay_exhibition.pk]))

    content = response.content.decode()
    assert (html_lang(response), page_title(response)) == (language, title)
    assert f"<span>{day}</span>" in content
    assert weekday in content


def test_a_programme_page_shows_its_translated_title_and_the_host_s_name(
    client, reader_in, abay_exhibition
):
    programme = abay_exhibition.programme

    uzbek = reader_in(client, "uz").get(reverse("programmes:detail", args=[programme.pk]))

    assert page_title(uzbek) == "Abay. Qardosh xalqlar merosi"
    assert "1-dekabr, 2022-yil – 31-dekabr, 2022-yil" in uzbek.content.decode()


def test_an_institution_page_falls_back_to_the_original_name(client, reader_in, abay_exhibition):
    gallery = abay_exhibition.host_institution

    russian = reader_in(client, "ru").get(reverse("desk:institution", args=[gallery.pk]))
    kazakh = reader_in(client, "kk").get(reverse("desk:institution", args=[gallery.pk]))

    assert (page_title(russian), page_title(kazakh)) == (
        "Fine Arts Gallery of Uzbekistan",
        "Өзбекстанның бейнелеу өнері галереясы",
    )


def test_lists_show_the_titles_in_the_reader_s_language(client, reader_in, abay_exhibition):
    reader = reader_in(client, "ru")

    events = reader.get(reverse("events:list"), {"from": ""})
    programmes = reader.get(reverse("programmes:list"))

    assert "Открытие выставки «Абай»" in events.content.decode()
    assert "Abay exhibition opening" not in events.content.decode()
    assert "Abay. Heritage of Fraternal Peoples" in programmes.content.decode()
    # Numbers are grouped the Russian way too (a no-break space, a decimal comma).
    assert (
        "1\xa0000,00"
        in reader.get(
            reverse("programmes:detail", args=[abay_exhibition.programme.pk])
        ).content.decode()
    )


def test_the_calendar_chips_show_the_translated_title(client, reader_in, abay_exhibition):
    response = reader_in(client, "ru").get(
        reverse("calendars:calendar"), {"view": "month", "date": "2022-12-19"}
    )

    assert "Открытие выставки «Абай»" in response.content.decode()
