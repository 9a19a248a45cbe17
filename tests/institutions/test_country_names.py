"""A country is named by its official short name in the reader's language: the stored name in
English, CLDR's in Russian, Uzbek and Kazakh, corrected where CLDR's is not the official one."""

import pytest
from django.utils import translation

from demo.content import COUNTRIES
from institutions.models import Country

# The official short names of the Central Asian countries the demo holds, by language.
OFFICIAL = {
    "en": ["Uzbekistan", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"],
    "ru": ["Узбекистан", "Казахстан", "Кыргызстан", "Таджикистан", "Туркменистан"],
    "uz": ["Oʻzbekiston", "Qozogʻiston", "Qirgʻiziston", "Tojikiston", "Turkmaniston"],
    "kk": ["Өзбекстан", "Қазақстан", "Қырғызстан", "Тәжікстан", "Түрікменстан"],
}


@pytest.mark.parametrize("language", sorted(OFFICIAL))
def test_every_country_of_the_demo_has_its_official_name(language):
    countries = [
        Country(code=spec.code, name=spec.name, time_zone=spec.time_zone) for spec in COUNTRIES
    ]

    with translation.override(language):
        assert [str(country) for country in countries] == OFFICIAL[language]


def test_a_russian_reader_with_a_regional_language_code_reads_kyrgyzstan():
    country = Country(code="KG", name="Kyrgyzstan", time_zone="Asia/Bishkek")

    with translation.override("ru-ru"):
        assert country.local_name == "Кыргызстан"
