"""Nothing internal ever reaches the public portal: not a title, not a summary, not a partner,
not a count. Every public page and calendar file is fetched — anonymously and by an
administrator, who could see everything on the desk — and searched for the distinctive titles of
drafts, of submitted, rejected and cancelled programmes, of their public events and of internal
events of published programmes."""

import re

import icalendar
import pytest
from django.urls import reverse

from events.models import Event
from programmes.models import Programme
from public.selectors import public_event_list, public_programme_list
from tests.factories import UserFactory
from tests.public.conftest import SECRETS

pytestmark = pytest.mark.django_db

EVENT_LINK = re.compile(r'href="/public/events/(\d+)/"')


def public_urls(world) -> list[str]:
    """Every public page and file, with and without searches and filters."""
    lists = []
    for name in ("public:programmes", "public:events"):
        url = reverse(name)
        lists += [url, f"{url}?q=SECRET", f"{url}?q=heritage", f"{url}?q=concert"]
        lists += [f"{url}?country={code}" for code in ("UZ", "KZ", "KG")]
    events = reverse("public:events")
    lists += [f"{events}?when={when}" for when in ("upcoming", "past", "all")]
    lists += [f"{events}?when=all&q=SECRET", f"{events}?when=all&q=concert"]
    # A programme named in the query must be a published one; an unpublished one lists nothing.
    lists += [f"{events}?programme={programme.pk}" for programme in world.unpublished.values()]
    lists += [f"{events}?programme={programme.pk}" for programme in world.published.values()]
    details = []
    for programme in Programme.objects.all():
        details += [
            reverse("public:programme", args=[programme.pk]),
            reverse("public:programme_ics", args=[programme.pk]),
        ]
    for event in Event.objects.all():
        details += [
            reverse("public:event", args=[event.pk]),
            reverse("public:event_ics", args=[event.pk]),
        ]
    return [
        reverse("public:home"),
        reverse("public:calendar"),
        reverse("public:calendar_ics"),
        *lists,
        *details,
    ]


def main_of(response) -> str:
    """The page's own content, without the frame (whose forms carry the address and a token)."""
    return re.search(r"<main.*</main>", response.content.decode(), flags=re.DOTALL).group(0)


def leaked_secrets(content: bytes) -> list[str]:
    # Calendar files fold long lines; unfold them so a folded title is still found.
    text = content.decode().replace("\r\n ", "")
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.parametrize("reader", ["anonymous", "administrator"])
def test_no_public_page_or_file_shows_anything_internal(client, world, reader):
    if reader == "administrator":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    leaks = {}
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        if found := leaked_secrets(response.content):
            leaks[url] = found

    assert leaks == {}


def test_the_world_does_hold_the_secrets_the_portal_hides(client, world):
    """The search above cannot pass for want of secrets: the desk shows them to an
    administrator."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    shown = set()
    for url in (reverse("programmes:list"), reverse("events:list") + "?when="):
        shown.update(leaked_secrets(client.get(url).content))

    assert shown == set(SECRETS) - {"SECRET-DRAFT-summary of the archive"}


def test_an_internal_or_unpublished_record_answers_404_like_a_missing_one(client, world):
    hidden_programmes = list(world.unpublished.values())
    hidden_events = list(world.hidden_events.values())
    missing = max(Event.objects.order_by("-pk").first().pk, hidden_programmes[-1].pk) + 1000
    urls = [
        *(reverse("public:programme", args=[p.pk]) for p in hidden_programmes),
        *(reverse("public:programme_ics", args=[p.pk]) for p in hidden_programmes),
        *(reverse("public:event", args=[e.pk]) for e in hidden_events),
        *(reverse("public:event_ics", args=[e.pk]) for e in hidden_events),
    ]
    missing_page = client.get(reverse("public:event", args=[missing]))

    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    assert missing_page.status_code == 404
    # Same page, word for word, as for a record that never existed.
    hidden_page = client.get(reverse("public:event", args=[hidden_events[0].pk]))
    assert main_of(hidden_page) == main_of(missing_page)
    assert "This page is not here" in main_of(missing_page)


def test_the_rule_itself_admits_published_programmes_and_their_public_events_only(world):
    assert sorted(public_programme_list().values_list("title", flat=True)) == sorted(
        p.title for p in world.published.values()
    )
    assert sorted(public_event_list().values_list("pk", flat=True)) == sorted(
        e.pk for e in world.public_events.values()
    )


def test_searching_for_a_secret_finds_nothing(client, world):
    for url in (reverse("public:events") + "?when=all", reverse("public:programmes")):
        response = client.get(url, {"q": "SECRET"})
        assert response.context["page_obj"].paginator.count == 0
        assert EVENT_LINK.findall(response.content.decode()) == []


def test_a_word_shared_with_internal_records_finds_only_public_ones(client, world):
    """ "heritage" is in the titles of the public lecture and exhibition, of an internal
    rehearsal and of the draft archive: the search answers with the public ones only, and
    counts them alone."""
    events = client.get(reverse("public:events"), {"q": "heritage", "when": "all"})
    programmes = client.get(reverse("public:programmes"), {"q": "heritage"})

    lecture, abay = world.public_events["lecture"], world.public_events["abay_exhibition"]
    assert EVENT_LINK.findall(events.content.decode()) == [str(abay.pk), str(lecture.pk)]
    assert 'data-count="2"' in events.content.decode()
    assert "2 events found" in events.content.decode()
    assert [p.title for p in programmes.context["page_obj"]] == [
        "Abay. Heritage of Fraternal Peoples",
        "Silk Road heritage school",
    ]
    assert "2 programmes found" in programmes.content.decode()


def test_the_public_calendar_file_holds_public_events_only(client, world):
    response = client.get(reverse("public:calendar_ics"), {"from": "1990-01-01"})
    calendar = icalendar.Calendar.from_ical(response.content)

    assert sorted(str(c["SUMMARY"]) for c in calendar.walk("VEVENT")) == sorted(
        e.title for e in world.public_events.values()
    )


def test_a_programmes_calendar_file_holds_its_public_events_only(client, world):
    school = world.published["school"]
    response = client.get(reverse("public:programme_ics", args=[school.pk]))
    calendar = icalendar.Calendar.from_ical(response.content)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")] == [
        "Silk Road heritage school: opening lecture"
    ]
    assert str(calendar["X-WR-CALNAME"]) == "Silk Road heritage school"
