"""Search finds a programme by any of its titles, in either script: the pairs below are what
it is made for (``multilingual.search``)."""

import pytest
from django.urls import reverse

from multilingual.search import search_key
from programmes.models import Programme
from tests.factories import CountryFactory, InstitutionFactory, joint_programme

# (as typed, as stored): Uzbek Latin and Cyrillic, Kazakh Cyrillic and its Latin (the 2021
# alphabet, and plain letters), Russian names in Latin letters.
PAIRS = [
    ("Navoiy", "Навоий"),
    ("Oʻzbekiston", "Ўзбекистон"),
    ("O'zbekiston", "Ўзбекистон"),
    ("Gʻafur Gʻulom", "Ғафур Ғулом"),
    ("Xiva", "Хива"),
    ("Toshkent", "Тошкент"),
    ("Yoshlar", "Ёшлар"),
    ("Shahrisabz", "Шаҳрисабз"),
    ("Samarqand", "Самарканд"),
    ("Qazaqstan", "Қазақстан"),
    ("Abai", "Абай"),
    ("Abay", "Абай"),
    ("Äuezov", "Әуезов"),
    ("Auezov", "Әуезов"),
    ("Jaña jyl", "Жаңа жыл"),
    ("Ūlttyq", "Ұлттық"),
    ("Almaty", "Алматы"),
    ("Astana", "Астана"),
]


@pytest.mark.parametrize(("typed", "stored"), PAIRS)
def test_a_word_typed_in_one_script_finds_the_other(typed, stored):
    assert search_key(typed) == search_key(stored)
    assert search_key(stored) == search_key(typed.upper())


@pytest.fixture
def programme(db) -> Programme:
    programme = joint_programme(
        uz=InstitutionFactory(country=CountryFactory(code="UZ")),
        kz=InstitutionFactory(country=CountryFactory(code="KZ")),
        title="Abay and Navoiy: poetry evenings",
        summary="Readings in Toshkent and Almaty.",
        status=Programme.Status.ACTIVE,
    )
    programme.translations = {
        "ru": {"title": "Абай и Навои: вечера поэзии"},
        "kk": {"title": "Абай мен Науаи: поэзия кештері"},
    }
    programme.save(update_fields=["translations"])
    joint_programme(
        uz=InstitutionFactory(country=CountryFactory(code="TJ")),
        kz=InstitutionFactory(country=CountryFactory(code="KG")),
        title="Film week",
        status=Programme.Status.ACTIVE,
    )
    return programme


SEARCHES = [
    ("вечера поэзии", ["Abay and Navoiy: poetry evenings"]),  # its Russian title
    ("поэзия кештері", ["Abay and Navoiy: poetry evenings"]),  # its Kazakh title
    ("Навоий", ["Abay and Navoiy: poetry evenings"]),  # its title in Cyrillic
    ("Тошкент Абай", ["Abay and Navoiy: poetry evenings"]),  # summary and title, in Cyrillic
    ("Abai", ["Abay and Navoiy: poetry evenings"]),
    ("film", ["Film week"]),
    ("Абай film", []),  # every word must be found
]


@pytest.mark.parametrize(("typed", "titles"), SEARCHES)
def test_the_programme_list_finds_a_programme_by_any_title_in_either_script(
    admin_client, programme, typed, titles
):
    response = admin_client.get(reverse("programmes:list"), {"q": typed})

    assert [p.title for p in response.context["page_obj"]] == titles


@pytest.mark.parametrize(("typed", "titles"), SEARCHES)
def test_the_public_portal_finds_a_programme_by_any_title_in_either_script(
    client, programme, typed, titles
):
    response = client.get(reverse("public:programmes"), {"q": typed})

    assert [p.title for p in response.context["page_obj"]] == titles
