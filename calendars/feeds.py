"""Reads of subscription feeds.

A feed is found by the hash of its token, never by the token itself: the database holds no
secret a leaked backup could replay. What a feed serves is decided afresh on every fetch, as
its owner may see it *now* (``events.selectors.event_list``), so a role taken away removes
its events at the next fetch. A revoked feed, an unknown token and an inactive owner all look
alike: no feed.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.models import CalendarFeed
from core.caching import cached
from events.models import Event
from events.selectors import event_list
from institutions.models import Country, Institution
from programmes.selectors import programme_choices

# The calendar filters a feed keeps, in the order they are shown, and the event lookup each one
# applies: the same meaning as ``events.filters.EventFilter`` gives them (the country is where
# the event happens, the institution its host). The lookups are applied directly, not through
# the filter set, so a fetch costs no query to validate choices that were validated when the
# feed was made.
FEED_FILTERS: dict[str, str] = {
    "country": "country__code",
    "institution": "host_institution_id",
    "programme": "programme_id",
    "kind": "kind",
    "status": "status",
}


# Every filter a feed may keep: those above, and ``from`` (``events_in_window``).
FEED_FILTER_NAMES = (*FEED_FILTERS, "from")

# A subscription is polled for years: unless its own ``from`` reaches further back, it holds the
# events that end on or after the first day of the month a year ago, so it stays small as the
# years pass, and its window moves once a month rather than every day.
FEED_WINDOW_MONTHS = 12


def feed_window_start(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month ``FEED_WINDOW_MONTHS`` before ``today`` (the site's today)."""
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - FEED_WINDOW_MONTHS, 12)
    return datetime.date(year, month + 1, 1)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def is_window_start(value: str) -> bool:
    """Whether ``value`` is a ``from`` a feed may keep: a date (YYYY-MM-DD) from 1900 to 2199."""
    try:
        return 1900 <= datetime.date.fromisoformat(value).year <= 2199
    except ValueError:
        return False


def events_in_window(events: QuerySet[Event], *, start: str = "") -> QuerySet[Event]:
    """``events`` as a subscription holds them: starting on or after ``start`` (a date as the
    calendar's ``from`` filter writes it) when one is given, as on the calendar; otherwise
    ending on or after ``feed_window_start()``, so an exhibition open for months stays while
    it runs."""
    if start:
        return events.filter(starts_at__gte=_midnight(datetime.date.fromisoformat(start)))
    return events.filter(ends_at__gte=_midnight(feed_window_start()))


def token_hash(token: str) -> str:
    """What the database keeps of a feed's token. The token carries 256 random bits, so a plain
    SHA-256 is enough: there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode()).hexdigest()


def _feed_cache_name(hashed: str) -> str:
    return f"calendar-feed|{hashed}"


def feed_cache_name(feed: CalendarFeed) -> str:
    """What ``feed_by_token`` caches the feed under."""
    return _feed_cache_name(feed.token_hash)


def feed_by_token(*, token: str) -> CalendarFeed:
    """The feed ``token`` opens, with its owner; raises ``CalendarFeed.DoesNotExist`` when the
    token is unknown, the feed revoked or its owner deactivated — alike, so an answer reveals
    nothing about which. Cached until the content changes (which a deactivated owner is) or the
    feed is revoked (``calendars.services.feed_revoke`` forgets it), in the cache every server
    shares: a revoked feed stops on all of them at once. An unknown token is not cached."""
    hashed = token_hash(token)
    return cached(
        _feed_cache_name(hashed),
        lambda: CalendarFeed.objects.select_related("owner").get(
            token_hash=hashed, revoked_at__isnull=True, owner__is_active=True
        ),
    )


def feed_events(*, feed: CalendarFeed) -> QuerySet[Event]:
    """The events ``feed`` serves: those its owner may see now, narrowed by its filters, in
    its window (``events_in_window``)."""
    events = event_list(user=feed.owner)
    for name, value in feed.filters.items():
        lookup = FEED_FILTERS.get(name)
        if lookup is not None and value not in ("", None):
            events = events.filter(**{lookup: value})
    return events_in_window(events, start=feed.filters.get("from", ""))


def feed_list(*, user: User) -> QuerySet[CalendarFeed]:
    """``user``'s own feeds, active first, newest first. Nobody lists another person's feeds
    on the site; administrators see them in the admin."""
    return CalendarFeed.objects.filter(owner=user).order_by("revoked_at", "-created_at", "-pk")


def feed_get(*, user: User, pk: int) -> CalendarFeed:
    """One of ``user``'s own feeds; raises ``CalendarFeed.DoesNotExist`` for anyone else's."""
    return feed_list(user=user).get(pk=pk)


@dataclass(frozen=True)
class FeedAddress:
    """Where a calendar app subscribes: the web address, and the same under ``webcal://``,
    which calendar apps open as a subscription rather than a one-off download."""

    web: str
    webcal: str


def feed_address(*, token: str) -> FeedAddress:
    web = settings.SITE_URL.rstrip("/") + reverse("calendars:feed", args=[token])
    _scheme, _separator, rest = web.partition("://")
    return FeedAddress(web=web, webcal=f"webcal://{rest}")


@dataclass(frozen=True)
class FilterWords:
    """One stored filter as a person reads it: "Country: Kazakhstan"."""

    label: str
    value: str


def _choice_label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def feed_filters_in_words(feeds: list[CalendarFeed], *, user: User) -> dict[int, list[FilterWords]]:
    """Each feed's filters in words, for ``user``'s list of their feeds. Names are read in
    one query per kind of filter, whatever the number of feeds; a programme ``user`` may no
    longer see is not named (the feed serves none of its events any more)."""
    wanted: dict[str, set[str]] = {name: set() for name in FEED_FILTERS}
    for feed in feeds:
        for name, value in feed.filters.items():
            if name in wanted:
                wanted[name].add(str(value))
    countries = {}
    if wanted["country"]:
        countries = dict(
            Country.objects.filter(code__in=wanted["country"]).values_list("code", "name")
        )
    institutions = {}
    institution_pks = [int(pk) for pk in wanted["institution"] if pk.isdigit()]
    if institution_pks:
        institutions = {
            str(pk): name
            for pk, name in Institution.objects.filter(pk__in=institution_pks).values_list(
                "pk", "name"
            )
        }
    programmes = {}
    programme_pks = [int(pk) for pk in wanted["programme"] if pk.isdigit()]
    if programme_pks:
        programmes = {
            str(programme.pk): programme.title
            for programme in programme_choices(user=user).filter(pk__in=programme_pks)
        }
    hidden = _("a programme no longer visible")
    labels = {
        "country": (_("Country"), lambda value: countries.get(value, value)),
        "institution": (_("Host institution"), lambda value: institutions.get(value, value)),
        "programme": (_("Programme"), lambda value: programmes.get(value, hidden)),
        "kind": (_("Kind"), lambda value: _choice_label(Event.Kind.choices, value)),
        "status": (_("Status"), lambda value: _choice_label(Event.Status.choices, value)),
        "from": (_("From"), lambda value: date_format(datetime.date.fromisoformat(value))),
    }
    words = {}
    for feed in feeds:
        words[feed.pk] = [
            FilterWords(label=labels[name][0], value=labels[name][1](str(feed.filters[name])))
            for name in FEED_FILTER_NAMES
            if feed.filters.get(name) not in ("", None)
        ]
    return words
