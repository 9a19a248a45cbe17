"""Every page of the desk and of the public portal, in Russian and in Kazakh, holds no English
word but proper names: the demo's records' own texts (titles, names, places, which an editor
may leave untranslated), and the names in ``PROPER_NAMES``. Both languages are written in
Cyrillic, so a word in Latin letters is English left over, or a name.

The pages are found as a person finds them, by following the links of each page from the home
pages, as the administrator (who reaches every page of the desk) and signed out; one page of each
view (and of each ``?view=`` mode)."""

import io
import re
import zoneinfo
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import Resolver404, resolve

from accounts.models import User
from multilingual.catalogs import read_catalog

pytestmark = pytest.mark.django_db

NOT_PAGES = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
FILES = (".ics", ".csv", ".xlsx", ".pdf", ".zip", ".svg", ".png", ".json")
# Names, codes and formats that are the same in every language.
PROPER_NAMES = {
    "Dostlik",
    "CSV",
    "XLSX",
    "ICS",
    "iCalendar",
    "UTC",
    "GMT",
    "Google",
    "Outlook",
    "Apple",
    "Thunderbird",
    "Calendar",  # "Google Calendar", "Apple Calendar": the products' names
    "webcal",
    "https",
    "http",
    "SHA",
    "ID",
    "UID",
    "USD",
    "EUR",
    "UZS",
    "KZT",
    "KGS",
    "TJS",
    "TMT",
    "RUB",
    "UZ",
    "KZ",
    "KG",
    "TJ",
    "TM",
    "RU",
    "EN",
    "English",
    "Oʻzbekcha",
    # Friendship, in Uzbek and in Kazakh: the name's meaning, under the pages.
    "do\u2018stlik",
    "dostyq",
    "ics",  # the calendar files' extension, named as such
    # Formats of the documents an agreement's scan may be.
    "PDF",
    "JPEG",
    "PNG",
    "DOCX",
    "ODT",
    "Word",
    "OpenDocument",
}
# Places: the cities that name the time zones offered (Asia/Tashkent), as the zone database
# writes them.
PLACES = {
    word
    for zone in zoneinfo.available_timezones()
    for part in zone.split("/")
    for word in re.split(r"[_\-]", part)
}
WORD = re.compile("[A-Za-z\u02bb\u02bc'\u2018\u2019]+")
INITIALS = re.compile(r"[A-Z]{1,3}")  # a person's initials, a code: the same in every language
# Zone names (Asia/Tashkent), addresses and e-mails are names too, a version's fingerprint (eight
# hexadecimal digits, "3caade9d"), and a word a long title is cut at ("Memorandum of cooperation
# between Samar…").
NAMES = re.compile(r"\S*[/@]\S*|\S+\.\w{2,4}\b|\b[0-9a-f]{8}\b|\S+…")


class _Text(HTMLParser):
    """The text a reader meets in a page's body: its text, and the attributes read aloud or
    shown (title, aria-label, placeholder, alt); not scripts, styles or the language menu."""

    def __init__(self):
        super().__init__()
        self.parts, self._skipping, self._in_body = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self._in_body = True
        if tag in ("script", "style", "template") or ("lang" in attrs and tag != "html"):
            self._skipping += 1
            self._skipped_tag = tag
        if self._in_body and not self._skipping:
            self.parts += [
                attrs[name] or ""
                for name in ("title", "aria-label", "placeholder", "alt")
                if name in attrs
            ]

    def handle_endtag(self, tag):
        if self._skipping and tag in (
            "script",
            "style",
            "template",
            getattr(self, "_skipped_tag", None),
        ):
            self._skipping -= 1

    def handle_data(self, data):
        if self._in_body and not self._skipping:
            self.parts.append(data)


def _record_words() -> set[str]:
    """Every word of the demo's records' texts: their titles, names and places."""
    words = set()
    for model in apps.get_models():
        if model._meta.app_label not in (
            "institutions",
            "programmes",
            "events",
            "accounts",
            "calendars",
            "amendments",
        ):
            continue
        fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for values in model.objects.values_list(*fields):
            for value in values:
                words |= set(WORD.findall(NAMES.sub(" ", str(value or ""))))
    return words


def _view_of(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(NOT_PAGES) or parts.path.endswith(FILES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    mode = parse_qs(parts.query).get("view", [""])[0]
    return f"{match.view_name}?view={mode}" if mode else match.view_name


def _english_left(client, starts: list[str], is_english) -> tuple[set[str], dict[str, set[str]]]:
    """The views reached from ``starts``, and the words of each page that ``is_english``."""
    seen, found = set(), {}
    queue = deque((start, _view_of(start)) for start in starts)
    while queue:
        path, view = queue.popleft()
        if view in seen:
            continue
        seen.add(view)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        reader = _Text()
        reader.feed(html)
        text = NAMES.sub(" ", " ".join(reader.parts))
        left = {word for word in WORD.findall(text) if is_english(word)}
        if left:
            found[path] = left
        for href in re.findall(r'href="([^"]+)"', html):
            href = href.replace("&amp;", "&")
            linked = _view_of(href)
            if linked is not None and linked not in seen:
                queue.append((href, linked))
    return seen, found


def _catalogue_english(language: str) -> set[str]:
    """The words of the interface's English texts that its translation into ``language``
    does not use too (lower case): for a language written in Latin letters, those are English
    left over."""
    catalogue = read_catalog(
        Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    )
    english, own = set(), set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple | list) else [message.id]
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        english |= {word.lower() for text in ids for word in WORD.findall(text or "")}
        own |= {word.lower() for text in strings for word in WORD.findall(text or "")}
    return english - own


@pytest.mark.parametrize("language", ["ru", "kk", "uz"])
def test_no_english_is_left_on_any_page(client, settings, language):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    allowed = PROPER_NAMES | PLACES | _record_words()
    if language == "uz":
        english = _catalogue_english(language)

        def is_english(word: str) -> bool:
            return word not in allowed and word.lower() in english
    else:

        def is_english(word: str) -> bool:
            return word not in allowed and len(word) > 1 and not INITIALS.fullmatch(word)

    admin = User.objects.get(username="admin")
    admin.language = language
    admin.save(update_fields=["language"])
    client.cookies["django_language"] = language

    public, public_left = _english_left(client, ["/public/", "/accounts/login/"], is_english)
    client.force_login(admin)
    desk, desk_left = _english_left(client, ["/"], is_english)

    # Every view of the portal was reached, and enough of the desk's.
    assert (len(public), len(desk) >= 20) == (7, True), (sorted(public), sorted(desk))
    found = public_left | desk_left
    assert found == {}, "\n" + "\n".join(
        f"{path}: {' '.join(sorted(found[path]))}" for path in found
    )
