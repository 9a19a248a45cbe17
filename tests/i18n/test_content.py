"""Titles, names and descriptions in several languages: the reader's language where an editor
gave it, else the original; and only well-formed translations are stored."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from events.models import Event
from institutions.models import Country, Institution
from multilingual.content import localized, translation_errors
from programmes.models import Programme
from tests.factories import EventFactory, InstitutionFactory, ProgrammeFactory

ABAY = "Abay. Heritage of Fraternal Peoples"
SHAPE = 'Translations are given by language code, then by field, e.g. {"ru": {"title": "…"}}.'


def programme(**translations) -> Programme:
    return Programme(
        title=ABAY, summary="Exhibitions in Tashkent and Almaty.", translations=translations
    )


def test_the_translation_in_the_active_language_is_shown():
    record = programme(ru={"title": "Абай. Наследие братских народов"})

    with translation.override("ru"):
        assert localized(record, "title") == "Абай. Наследие братских народов"


@pytest.mark.parametrize(
    "translations",
    [
        {},
        {"kk": {"title": "Абай. Бауырлас халықтар мұрасы"}},
        {"ru": {"summary": "Выставки в Ташкенте и Алматы."}},
        {"ru": {"title": ""}},
        {"ru": {"title": "   "}},
    ],
    ids=["none", "another-language", "another-field", "empty", "blank"],
)
def test_without_a_translation_the_original_is_shown(translations):
    with translation.override("ru"):
        assert localized(programme(**translations), "title") == ABAY


def test_a_regional_variant_of_a_language_finds_its_translation():
    record = programme(ru={"title": "Абай. Наследие братских народов"})

    assert localized(record, "title", language="ru-RU") == "Абай. Наследие братских народов"


def test_a_field_that_is_not_translated_is_a_mistake_in_the_code():
    with pytest.raises(ValueError, match="Programme does not translate 'kind'"):
        localized(programme(), "kind")


def test_no_record_reads_as_nothing():
    assert localized(None, "title") == ""


def test_the_template_filter_gives_the_same_text():
    template = Template('{% load multilingual %}{{ programme|localized:"summary" }}')
    record = programme(uz={"summary": "Toshkent va Olmaotadagi koʻrgazmalar."})

    with translation.override("uz"):
        assert template.render(Context({"programme": record})) == (
            "Toshkent va Olmaotadagi koʻrgazmalar."
        )
    with translation.override("kk"):
        assert template.render(Context({"programme": record})) == (
            "Exhibitions in Tashkent and Almaty."
        )


def test_each_record_names_what_it_translates():
    assert (
        Institution.TRANSLATED_FIELDS,
        Programme.TRANSLATED_FIELDS,
        Event.TRANSLATED_FIELDS,
    ) == (("name", "description"), ("title", "summary"), ("title", "description"))


# --- The shape of the stored translations ----------------------------------------------------


def test_well_formed_translations_pass():
    record = programme(
        ru={"title": "Абай", "summary": "Выставки."},
        uz={"title": "Abay"},
        kk={"title": "Абай"},
        en={"title": "Abay"},
    )

    assert translation_errors(record) == []


@pytest.mark.parametrize(
    ("translations", "errors"),
    [
        (
            ["Абай"],
            [SHAPE],
        ),
        (
            {"de": {"title": "Abai"}},
            ["“de” is not one of the languages of the site."],
        ),
        (
            {"ru": "Абай"},
            [SHAPE],
        ),
        ({"ru": {"kind": "выставка"}}, ["“kind” cannot be translated."]),
        ({"kk": {"title": 1998}}, ["The title in Kazakh is not a text."]),
        (
            {"uz": {"title": "A" * 301}},
            ["The title in Uzbek is longer than 300 characters."],
        ),
    ],
    ids=[
        "not-by-language",
        "unknown-language",
        "not-by-field",
        "unknown-field",
        "not-text",
        "too-long",
    ],
)
def test_malformed_translations_are_named(translations, errors):
    record = Programme(title=ABAY, translations=translations)

    with translation.override("en"):
        assert translation_errors(record) == errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory",
    [InstitutionFactory, ProgrammeFactory, EventFactory],
    ids=["institution", "programme", "event"],
)
def test_a_record_with_malformed_translations_does_not_validate(factory):
    record = factory()
    record.translations = {"ru": {"uid": "…"}}

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record.full_clean()

    assert refused.value.message_dict["translations"] == ["“uid” cannot be translated."]


@pytest.mark.parametrize(
    ("language", "uzbekistan", "kazakhstan"),
    [
        ("en", "Uzbekistan", "Kazakhstan"),
        ("ru", "Узбекистан", "Казахстан"),
        ("uz", "Oʻzbekiston", "Qozogʻiston"),
        ("kk", "Өзбекстан", "Қазақстан"),
    ],
)
def test_a_country_is_named_in_the_readers_language(language, uzbekistan, kazakhstan):
    countries = [Country(code="UZ", name="Uzbekistan"), Country(code="KZ", name="Kazakhstan")]

    with translation.override(language):
        assert [str(country) for country in countries] == [uzbekistan, kazakhstan]


def test_a_country_unknown_to_the_common_locale_data_keeps_its_stored_name():
    with translation.override("ru"):
        assert str(Country(code="QQ", name="Atlantis")) == "Atlantis"
