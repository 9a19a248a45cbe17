"""Django's own messages that Django leaves untranslated in a language of the site reach the
reader through our catalogues: the Uzbek sign-in form's "Username", and the empty choice of a
select ("- Select an option -") on the event form in every language."""

import re
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.django_messages import DJANGO_MESSAGES
from programmes.models import Programme
from tests.catalogues import translated
from tests.factories import CountryFactory, InstitutionFactory, MembershipFactory, joint_programme

pytestmark = pytest.mark.django_db

DJANGO = Path(django.__file__).parent
ENGLISH_CATALOGUES = [
    DJANGO / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "auth" / "locale" / "en" / "LC_MESSAGES" / "django.po",
]


def django_msgids() -> set[str]:
    msgids = set()
    for po_path in ENGLISH_CATALOGUES:
        with po_path.open("rb") as po_file:
            for message in read_po(po_file):
                msgids.add(message.id[0] if isinstance(message.id, tuple) else message.id)
    return msgids


def test_every_message_is_written_as_django_writes_it():
    """A message that differs by a letter would be another message, which Django never asks
    for."""
    with translation.override("en"):
        ours = {str(message) for message in DJANGO_MESSAGES}
    assert sorted(ours - django_msgids()) == []


def test_the_uzbek_sign_in_page_names_the_username_in_uzbek(client, tmp_path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uz"

    with translated(tmp_path, "uz", {"username": "foydalanuvchi nomi"}):
        response = client.get(reverse("accounts:login"))

    html = response.content.decode()
    labels = re.findall(r'<label\s+for="id_username"[^>]*>\s*([^<]+?)\s*<', html)
    assert labels == ["Foydalanuvchi nomi"]


@pytest.mark.parametrize(
    ("language", "empty_choice"),
    [
        ("ru", "- Выберите вариант -"),
        ("uz", "- Variantni tanlang -"),
        ("kk", "- Нұсқаны таңдаңыз -"),
    ],
)
def test_the_event_form_offers_its_empty_choice_in_the_readers_language(
    client, tmp_path, language, empty_choice
):
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    university = InstitutionFactory(country=uz)
    programme = joint_programme(
        uz=university, kz=InstitutionFactory(country=kz), status=Programme.Status.DRAFT
    )
    coordinator = MembershipFactory(institution=university).user
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)

    with translated(tmp_path, language, {"- Select an option -": empty_choice}):
        response = client.get(reverse("events:create"), {"programme": programme.pk})

    page = response.content.decode()
    assert "- Select an option -" not in page
    assert f">{empty_choice}</option>" in page
