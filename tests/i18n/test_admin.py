"""Editors give translations on a record's admin page: a field for each language and text,
kept together in the record's ``translations``."""

import datetime
import zoneinfo

import pytest

from events.models import Event
from institutions.models import Institution
from programmes.models import Programme
from tests.admin import admin_url, form_data, post_change
from tests.factories import CountryFactory, EventFactory, InstitutionFactory, joint_programme

pytestmark = pytest.mark.django_db

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


@pytest.fixture
def gallery() -> Institution:
    return InstitutionFactory(
        name="Fine Arts Gallery of Uzbekistan",
        kind=Institution.Kind.GALLERY,
        country=CountryFactory(code="UZ"),
        translations={"ru": {"name": "Галерея изобразительного искусства Узбекистана"}},
    )


@pytest.fixture
def abay_programme(gallery) -> Programme:
    theatre = InstitutionFactory(
        name="Kalibek Kuanyshbayev Kazakh Music and Drama Theatre",
        kind=Institution.Kind.THEATRE,
        country=CountryFactory(code="KZ"),
    )
    return joint_programme(uz=gallery, kz=theatre, title="Abay. Heritage of Fraternal Peoples")


@pytest.fixture
def abay_exhibition(abay_programme, gallery) -> Event:
    return EventFactory(
        programme=abay_programme,
        host_institution=gallery,
        title="Abay exhibition opening",
        starts_at=datetime.datetime(2022, 12, 19, 11, 0, tzinfo=TASHKENT),
        ends_at=datetime.datetime(2022, 12, 19, 18, 0, tzinfo=TASHKENT),
    )


def test_the_change_page_shows_the_stored_translations(admin_client, gallery):
    data = form_data(admin_client.get(admin_url(Institution, "change", gallery.pk)), Institution)

    assert {name: data[name] for name in data if name.startswith("name_")} == {
        "name_en": [""],
        "name_ru": ["Галерея изобразительного искусства Узбекистана"],
        "name_uz": [""],
        "name_kk": [""],
    }


def test_an_institution_s_translations_are_saved_and_cleared(admin_client, gallery):
    response = post_change(
        admin_client,
        gallery,
        name_ru="",
        name_uz=" Oʻzbekiston tasviriy sanʼat galereyasi ",
        description_kk="Ташкенттегі бейнелеу өнері галереясы.",
    )

    gallery.refresh_from_db()
    assert response.status_code == 302
    assert gallery.translations == {
        "uz": {"name": "Oʻzbekiston tasviriy sanʼat galereyasi"},
        "kk": {"description": "Ташкенттегі бейнелеу өнері галереясы."},
    }


def test_a_new_institution_can_come_with_its_translations(admin_client):
    url = admin_url(Institution, "add")
    data = form_data(admin_client.get(url), Institution)
    data.update(
        name=["Uzbekistan State Conservatory"],
        kind=[Institution.Kind.UNIVERSITY],
        country=[str(CountryFactory(code="UZ").pk)],
        city=["Tashkent"],
        name_ru=["Государственная консерватория Узбекистана"],
    )

    admin_client.post(url, data)

    assert Institution.objects.get(name="Uzbekistan State Conservatory").translations == {
        "ru": {"name": "Государственная консерватория Узбекистана"}
    }


def test_a_translation_longer_than_the_original_may_be_is_refused(admin_client, abay_exhibition):
    response = post_change(admin_client, abay_exhibition, title_ru="я" * 301)

    abay_exhibition.refresh_from_db()
    assert response.context["adminform"].form.errors["title_ru"] == [
        "Ensure this value has at most 300 characters (it has 301)."
    ]
    assert abay_exhibition.translations == {}


def test_an_event_s_translations_are_saved_through_the_service(
    admin_client, admin_user, abay_exhibition
):
    version = abay_exhibition.version

    response = post_change(
        admin_client,
        abay_exhibition,
        title_kk="«Абай» көрмесінің ашылуы",
        description_ru="Рукописи и картины из собраний обеих стран.",
    )

    abay_exhibition.refresh_from_db()
    assert response.status_code == 302
    assert (abay_exhibition.translations, abay_exhibition.version) == (
        {
            "ru": {"description": "Рукописи и картины из собраний обеих стран."},
            "kk": {"title": "«Абай» көрмесінің ашылуы"},
        },
        version + 1,
    )
    assert abay_exhibition.history.first().history_user == admin_user


def test_a_new_event_is_translated_once_it_exists(admin_client):
    data = form_data(admin_client.get(admin_url(Event, "add")), Event)

    assert [name for name in data if name.startswith("title_")] == []


def test_a_programme_s_translations_are_saved_through_the_service(admin_client, abay_programme):
    response = post_change(admin_client, abay_programme, title_uz="Abay. Qardosh xalqlar merosi")

    abay_programme.refresh_from_db()
    assert response.status_code == 302
    assert abay_programme.translations == {"uz": {"title": "Abay. Qardosh xalqlar merosi"}}
