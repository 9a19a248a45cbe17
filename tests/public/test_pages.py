"""The public pages: open to anyone, counting only what they show, with shareable Open Graph
tags, event times in the event's own zone, "Add to calendar" without sign-in and a public
calendar to subscribe to."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.urls import reverse
from django.utils.formats import date_format

from events.models import Event
from public.selectors import public_figures
from public.views import CALENDAR_PAGE_SIZE
from tests.factories import EventFactory, UserFactory
from tests.public.conftest import BISHKEK, PUBLIC, SITE_URL, days_from_now

pytestmark = pytest.mark.django_db

EVENT_LINK = re.compile(r'href="/public/events/(\d+)/"')


class HeadTags(HTMLParser):
    """The ``<meta property=…>`` tags and canonical link of a page."""

    def __init__(self):
        super().__init__()
        self.properties: dict[str, str] = {}
        self.canonical = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and "property" in attributes:
            self.properties[attributes["property"]] = attributes["content"]
        if tag == "link" and attributes.get("rel") == "canonical":
            self.canonical = attributes["href"]


def head_tags(response) -> HeadTags:
    parser = HeadTags()
    parser.feed(response.content.decode())
    return parser


def page_urls(world) -> list[str]:
    return [
        reverse("public:home"),
        reverse("public:programmes"),
        reverse("public:events"),
        reverse("public:calendar"),
        *(reverse("public:programme", args=[p.pk]) for p in world.published.values()),
        *(reverse("public:event", args=[e.pk]) for e in world.public_events.values()),
    ]


def file_urls(world) -> list[str]:
    return [
        reverse("public:calendar_ics"),
        *(reverse("public:programme_ics", args=[p.pk]) for p in world.published.values()),
        *(reverse("public:event_ics", args=[e.pk]) for e in world.public_events.values()),
    ]


# ---------- anyone may read, nobody may write ----------


def test_anonymous_visitors_read_every_page_without_signing_in(client, world):
    urls = page_urls(world) + file_urls(world)
    answers = {url: client.get(url).status_code for url in urls}

    assert answers == dict.fromkeys(urls, 200)


def test_a_post_to_any_public_address_is_not_allowed(client, world):
    urls = page_urls(world) + file_urls(world)
    answers = {url: client.post(url).status_code for url in urls}

    assert answers == dict.fromkeys(urls, 405)


def test_the_header_offers_staff_a_way_in_and_signed_in_staff_a_way_back(client, world):
    anonymous = client.get(reverse("public:home")).content.decode()
    client.force_login(UserFactory())
    signed_in = client.get(reverse("public:home")).content.decode()

    assert f'href="{reverse("accounts:login")}"' in anonymous
    assert "Open the desk" not in anonymous
    assert "Open the desk" in signed_in


def test_a_signed_in_reader_sees_the_same_records_as_the_public(client, world):
    url = reverse("public:events") + "?when=all"
    anonymous = EVENT_LINK.findall(client.get(url).content.decode())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    administrator = EVENT_LINK.findall(client.get(url).content.decode())

    assert administrator == anonymous
    assert len(anonymous) == 4


# ---------- counts ----------


def test_the_home_figures_count_public_records_only(client, world):
    content = client.get(reverse("public:home")).content.decode()
    figures = dict(re.findall(r'data-figure="([a-z-]+)">(\d+)<', content))

    # Three published programmes; their partners: UWED, KazNU and the philharmonic in Bishkek
    # (not the institute that partners only in a draft); three public events still to come.
    assert figures == {
        "programmes": "3",
        "upcoming-events": "3",
        "institutions": "3",
        "countries": "3",
    }
    assert public_figures().upcoming_events == 3


def test_each_programme_card_counts_its_public_events_only(client, world):
    content = client.get(reverse("public:programmes")).content.decode()
    cards = re.findall(
        r'href="/public/programmes/(\d+)/".*?(\d+) public events?<', content, flags=re.DOTALL
    )

    published = world.published
    assert dict(cards) == {
        str(published["school"].pk): "1",
        str(published["fair"].pk): "2",
        str(published["abay"].pk): "1",
    }
    assert "3 programmes found" in content


@pytest.mark.parametrize(
    ("when", "titles"),
    [
        (
            "upcoming",
            [
                "Education Days — Tashkent",
                "Silk Road heritage school: opening lecture",
                "Evening concert in Bishkek",
            ],
        ),
        ("past", ["Abay. Heritage of Fraternal Peoples"]),
    ],
)
def test_the_event_list_lists_and_counts_public_events(client, world, when, titles):
    response = client.get(reverse("public:events"), {"when": when})

    assert [event.title for event in response.context["page_obj"]] == titles
    assert f'data-count="{len(titles)}"' in response.content.decode()


def test_a_programme_page_lists_and_counts_its_public_events_only(client, world):
    fair = world.published["fair"]
    response = client.get(reverse("public:programme", args=[fair.pk]))

    assert [event.title for event in response.context["events_page"]] == [
        "Education Days — Tashkent",
        "Evening concert in Bishkek",
    ]
    assert 'data-count="2"' in response.content.decode()


# ---------- search and filters ----------


def test_search_finds_a_public_event_by_a_word_of_its_title(client, world):
    response = client.get(reverse("public:events"), {"q": "Bishkek"})

    assert EVENT_LINK.findall(response.content.decode()) == [
        str(world.public_events["bishkek_concert"].pk)
    ]


def test_search_matches_every_word_wherever_it_is(client, world):
    """ "lecture everyone" is one word from the title and one from the description."""
    response = client.get(reverse("public:events"), {"q": "lecture everyone"})

    assert [event.title for event in response.context["page_obj"]] == [
        "Silk Road heritage school: opening lecture"
    ]


def test_programmes_are_searched_over_title_and_summary(client, world):
    by_summary = client.get(reverse("public:programmes"), {"q": "Samarkand"})
    by_title = client.get(reverse("public:programmes"), {"q": "education days"})

    assert [p.title for p in by_summary.context["page_obj"]] == ["Silk Road heritage school"]
    assert [p.title for p in by_title.context["page_obj"]] == ["Kazakhstan Education Days"]


@pytest.mark.parametrize("name", ["public:events", "public:programmes"])
def test_a_search_of_many_words_is_refused_with_a_reason_and_reads_nothing(
    client, world, name, django_assert_max_num_queries
):
    words = " ".join("abcdefghij")

    with django_assert_max_num_queries(3):
        response = client.get(reverse(name), {"q": words})

    assert response.context["form"].errors == {"q": ["Search with at most 6 words."]}
    assert list(response.context["page_obj"]) == []


def test_a_word_given_twice_is_searched_once(client, world):
    response = client.get(reverse("public:events"), {"q": "lecture lecture everyone"})

    assert response.context["form"].cleaned_data["q"] == "lecture everyone"
    assert [event.title for event in response.context["page_obj"]] == [
        "Silk Road heritage school: opening lecture"
    ]


def test_programmes_filter_by_a_partners_country(client, world):
    response = client.get(reverse("public:programmes"), {"country": "KG"})

    assert [p.title for p in response.context["page_obj"]] == ["Kazakhstan Education Days"]


def test_events_of_one_programme_are_listed_with_its_name(client, world):
    fair = world.published["fair"]
    response = client.get(reverse("public:events"), {"programme": fair.pk})

    assert [e.title for e in response.context["page_obj"]] == [
        "Education Days — Tashkent",
        "Evening concert in Bishkek",
    ]
    assert "Programme: Kazakhstan Education Days" in response.content.decode()


def test_an_unknown_country_lists_nothing_and_says_why(client, world):
    response = client.get(reverse("public:events"), {"country": "XX"})

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert "Some of the search could not be understood" in response.content.decode()


# ---------- Open Graph ----------


def test_an_event_page_carries_its_open_graph_tags(client, world):
    lecture = world.public_events["lecture"]
    response = client.get(reverse("public:event", args=[lecture.pk]))
    tags = head_tags(response)

    day = date_format(lecture.local_starts_at.date(), "DATE_FORMAT")
    url = f"{SITE_URL}/public/events/{lecture.pk}/"
    assert tags.properties == {
        "og:site_name": "Dostlik",
        "og:type": "article",
        "og:title": "Silk Road heritage school: opening lecture",
        "og:description": f"Lecture, {day}, Tashkent, Uzbekistan. "
        "The first lecture of the school, open to everyone.",
        "og:url": url,
    }
    assert tags.canonical == url


def test_a_programme_page_carries_its_open_graph_tags(client, world):
    school = world.published["school"]
    tags = head_tags(client.get(reverse("public:programme", args=[school.pk])))

    assert tags.properties == {
        "og:site_name": "Dostlik",
        "og:type": "article",
        "og:title": "Silk Road heritage school",
        "og:description": "Students of both countries study the monuments of Samarkand together.",
        "og:url": f"{SITE_URL}/public/programmes/{school.pk}/",
    }


def test_a_programme_without_a_summary_is_described_by_its_dates(client, world):
    abay = world.published["abay"]
    tags = head_tags(client.get(reverse("public:programme", args=[abay.pk])))

    first, last = (date_format(day, "DATE_FORMAT") for day in (abay.starts_on, abay.ends_on))
    assert tags.properties["og:description"] == f"A joint programme, {first} – {last}."


def test_every_page_has_an_absolute_open_graph_address_of_its_own(client, world):
    addresses = {url: head_tags(client.get(url)).properties["og:url"] for url in page_urls(world)}

    assert addresses == {url: SITE_URL + url for url in page_urls(world)}


# ---------- time zones and places ----------


def test_an_event_is_dated_in_its_own_time_zone(client, world):
    """19:00 in Bishkek is 18:00 in Tashkent, the site's zone: the page says 19:00."""
    concert = world.public_events["bishkek_concert"]
    content = client.get(reverse("public:event", args=[concert.pk])).content.decode()
    starts = re.search(r'data-local="starts">(.*?)</dd>', content, flags=re.DOTALL).group(1)
    ends = re.search(r'data-local="ends">(.*?)</dd>', content, flags=re.DOTALL).group(1)

    assert "19:00" in starts
    assert "18:00" not in content
    assert '<abbr title="Asia/Bishkek">UTC+06</abbr>' in starts
    assert ends.strip() == "21:00"
    assert "Times are those of Bishkek (Asia/Bishkek)." in content


def bishkek_event(world, title: str, starts_at: datetime.datetime, *, hours: int) -> Event:
    """A public event of the published fair, hosted in Bishkek."""
    return EventFactory(
        programme=world.published["fair"],
        visibility=PUBLIC,
        title=title,
        host_institution=world.public_events["bishkek_concert"].host_institution,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
    )


def test_an_evening_ending_at_midnight_is_dated_on_its_one_day(client, world):
    """19:00 to midnight is one evening: dated on its day alone, its end the next day's 00:00."""
    starts = days_from_now(50, 19, BISHKEK)
    evening = bishkek_event(world, "Evening of komuz music", starts, hours=5)
    response = client.get(reverse("public:event", args=[evening.pk]))
    content = response.content.decode()
    ends = re.search(r'data-local="ends">(.*?)</dd>', content, flags=re.DOTALL).group(1)
    next_day = starts.date() + datetime.timedelta(days=1)

    assert (response.context["first_day"], response.context["last_day"]) == (
        starts.date(),
        starts.date(),
    )
    assert (
        date_format(next_day, "DATE_FORMAT") not in head_tags(response).properties["og:description"]
    )
    assert ends.strip().endswith(", 00:00")
    assert date_format(next_day, "j") in ends


def test_an_event_late_in_the_evening_is_listed_on_its_local_day(client, world):
    """23:30 in Bishkek on one day is 22:30 in Tashkent the same day, but 17:30 UTC: build one
    at 00:30 local, which is the day before in Tashkent, and see the local day on the list."""
    starts = days_from_now(50, 0, BISHKEK).replace(minute=30)
    bishkek_event(world, "Midnight film in Bishkek", starts, hours=2)
    content = client.get(reverse("public:events"), {"q": "Midnight"}).content.decode()

    assert date_format(starts.date(), "DATE_FORMAT") in content
    assert date_format(starts.date() - datetime.timedelta(days=1), "DATE_FORMAT") not in content
    assert "00:30" in content


def test_an_event_page_names_place_host_and_partners(client, world):
    concert = world.public_events["bishkek_concert"]
    content = client.get(reverse("public:event", args=[concert.pk])).content.decode()

    for text in (
        "Bishkek, Kyrgyzstan",
        "Kyrgyz National Philharmonic",
        "University of World Economy and Diplomacy",
        "Al-Farabi Kazakh National University",
        "Kazakhstan Education Days",
    ):
        assert text in content, text


def test_public_pages_link_only_to_public_pages(client, world):
    """No link leads a visitor to a page that asks them to sign in, but the sign-in itself."""
    allowed = re.compile(
        r"^(/public/|\?|/static/|/accounts/login/$|#|https://(calendar\.google|outlook\.office)\.com/|"
        + re.escape(SITE_URL)
        + r"/public/|webcal://)"
    )
    for url in page_urls(world):
        links = re.findall(r'href="([^"]*)"', client.get(url).content.decode())
        assert [link for link in links if not allowed.match(link)] == [], url


# ---------- add to calendar and the public calendar ----------


def test_an_event_page_adds_to_calendar_without_sign_in(client, world):
    lecture = world.public_events["lecture"]
    response = client.get(reverse("public:event", args=[lecture.pk]))
    content = response.content.decode()
    ics_url = reverse("public:event_ics", args=[lecture.pk])

    assert f'href="{ics_url}"' in content
    assert "https://calendar.google.com/calendar/render?" in content
    assert "https://outlook.office.com/calendar/0/deeplink/compose?" in content
    calendar = icalendar.Calendar.from_ical(client.get(ics_url).content)
    (vevent,) = calendar.walk("VEVENT")
    assert (str(vevent["UID"]), vevent["DTSTART"].dt) == (lecture.uid, lecture.local_starts_at)


def test_the_calendar_page_lists_upcoming_events_by_month_and_offers_subscription(client, world):
    response = client.get(reverse("public:calendar"))
    months = response.context["months"]

    listed = [event for _, events in months for event in events]
    assert listed == list(
        Event.objects.filter(pk__in=[e.pk for e in world.public_events.values()])
        .exclude(pk=world.public_events["abay_exhibition"].pk)
        .order_by("starts_at")
    )
    assert all(
        event.local_starts_at.date().replace(day=1) == month
        for month, events in months
        for event in events
    )
    content = response.content.decode()
    assert f'href="{SITE_URL}/public/calendar.ics"' in content
    assert 'href="webcal://dostlik.example.org/public/calendar.ics"' in content
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', content).group(1)
    assert parse_qs(urlsplit(google.replace("&amp;", "&")).query) == {
        "cid": ["webcal://dostlik.example.org/public/calendar.ics"]
    }


# ---------- queries ----------


def _add_public_events(world, count: int):
    for number in range(count):
        EventFactory(
            programme=world.published["fair"],
            visibility=PUBLIC,
            title=f"Fair day {number}",
            host_institution=world.uwed,
            starts_at=days_from_now(60 + number, 10, BISHKEK),
        )


@pytest.mark.parametrize(
    "name", ["public:home", "public:events", "public:programmes", "public:calendar"]
)
def test_list_pages_cost_the_same_queries_for_few_and_many_events(
    client, world, django_assert_max_num_queries, name
):
    url = reverse(name)
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    _add_public_events(world, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_calendar_page_is_paged(client, world):
    _add_public_events(world, CALENDAR_PAGE_SIZE)
    first = client.get(reverse("public:calendar"))
    second = client.get(reverse("public:calendar"), {"page": 2})

    assert len(first.context["page_obj"]) == CALENDAR_PAGE_SIZE
    assert len(second.context["page_obj"]) == 3
