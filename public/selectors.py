"""What the public may see — the one definition, read by every public page, search and calendar
file, and by the public calendar feed of the calendars app.

A programme is *published* once its countries approved it, and stays so while it runs and after
it ends: approved, active or completed. The public sees published programmes and, of their
events, those marked public. Nothing else reaches a public page, not even as a count: drafts and
submitted, rejected or cancelled programmes, their events, and internal events of published
programmes stay on the signed-in desk. Every figure here is computed from these querysets, so a
total can never count what the page would not show.
"""

import datetime
import functools
import operator
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from events.models import Event, Venue
from institutions.models import Country, Institution
from multilingual.search import search_translated
from programmes.models import Partnership, Programme


def published(*, prefix: str = "") -> Q:
    """The condition a programme (reached through ``prefix``) meets when it is published."""
    return Q(**{f"{prefix}status__in": Programme.Status.published_states})


def public(*, prefix: str = "") -> Q:
    """The condition an event (reached through ``prefix``) meets when the public may see it:
    marked public, of a published programme."""
    return Q(**{f"{prefix}visibility": Event.Visibility.PUBLIC}) & published(
        prefix=f"{prefix}programme__"
    )


def _partners_prefetch(lookup: str = "partnerships") -> Prefetch:
    return Prefetch(
        lookup,
        # By country, so a page can show each country once; the lead first within it.
        queryset=Partnership.objects.select_related("institution__country").order_by(
            "institution__country__name", "role", "institution__name"
        ),
    )


def public_programme_list() -> QuerySet[Programme]:
    """Published programmes, newest first, with partners loaded and ``public_event_count``: the
    number of their public events (the programme is published, so visibility decides)."""
    return (
        Programme.objects.filter(published())
        .annotate(
            public_event_count=Count("events", filter=Q(events__visibility=Event.Visibility.PUBLIC))
        )
        .prefetch_related(_partners_prefetch())
        .order_by("-starts_on", "title", "pk")
    )


def public_programme_get(*, pk: int) -> Programme:
    """One published programme; raises ``Programme.DoesNotExist`` for any other, so an internal
    programme looks exactly like a missing one."""
    return public_programme_list().get(pk=pk)


def public_event_list() -> QuerySet[Event]:
    """Events anyone may see, earliest first, with programme, host, venue and country."""
    return (
        Event.objects.filter(public())
        .select_related("programme", "host_institution__country", "venue", "country")
        .order_by("starts_at", "pk")
    )


def public_event_get(*, pk: int) -> Event:
    """One public event with its programme's partners; raises ``Event.DoesNotExist`` for any
    other, so an internal event or one of an unpublished programme looks like a missing one."""
    return (
        public_event_list()
        .prefetch_related(_partners_prefetch("programme__partnerships"))
        .get(pk=pk)
    )


def is_public_event(event: Event) -> bool:
    """Whether the public portal shows ``event``, for a link to it from the desk."""
    return Event.objects.filter(public(), pk=event.pk).exists()


def public_event_list_for_programme(*, programme: Programme) -> QuerySet[Event]:
    return public_event_list().filter(programme=programme)


def public_event_list_upcoming(*, now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Public events not over yet, earliest first: an exhibition that opened last week and runs
    for another month is still worth a visit."""
    return public_event_list().filter(ends_at__gt=now or timezone.now())


def public_event_list_past(*, now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Public events that are over, the latest first."""
    return (
        public_event_list().filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")
    )


def public_programme_search(programmes: QuerySet[Programme], text: str) -> QuerySet[Programme]:
    """Published programmes whose title or summary, in any language and either script, holds
    every word of ``text`` (``multilingual.search``)."""
    return search_translated(programmes, text, ("title", "summary"))


def _named_by_word(model, words: list[str]) -> list[list[int]]:
    """For each of ``words``, the pks of ``model`` rows whose name holds it: one query."""
    flags = {f"word_{index}": Q(name__icontains=word) for index, word in enumerate(words)}
    rows = (
        model.objects.order_by()
        .annotate(**flags)
        .filter(functools.reduce(operator.or_, flags.values(), Q(pk__in=[])))
        .values_list("pk", *flags)
    )
    return [[pk for pk, *holds in rows if holds[index]] for index in range(len(words))]


def public_event_search(events: QuerySet[Event], text: str) -> QuerySet[Event]:
    """Public events whose title, description, place or host holds every word of ``text``. Only
    fields shown on the event's public page are searched, so a hit is always explained.

    The venues and hosts holding each word are looked up first (one small query each), so that
    every word's condition is on the events' own columns alone, which PostgreSQL answers from
    their trigram indexes (the migrations ``*_search_trigram_indexes``) instead of reading every
    public event."""
    words = text.split()
    if not words:
        return events
    venues = _named_by_word(Venue, words)
    hosts = _named_by_word(Institution, words)
    condition = Q()
    for index, word in enumerate(words):
        condition &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(city__icontains=word)
            | Q(venue__in=venues[index])
            | Q(host_institution__in=hosts[index])
        )
    return events.filter(condition)


@dataclass(frozen=True)
class PublicFigures:
    """The headline numbers of the public home page, each counting only what the public sees."""

    programmes: int
    upcoming_events: int
    institutions: int
    countries: int


def public_figures() -> PublicFigures:
    published_partnerships = Partnership.objects.filter(published(prefix="programme__"))
    return PublicFigures(
        programmes=Programme.objects.filter(published()).count(),
        upcoming_events=public_event_list_upcoming().count(),
        institutions=Institution.objects.filter(
            pk__in=published_partnerships.values("institution")
        ).count(),
        countries=Country.objects.filter(
            pk__in=published_partnerships.values("institution__country")
        ).count(),
    )
