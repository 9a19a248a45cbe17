"""Filters of the event list. Names are a URL contract shared with the calendar and its feeds:
``country`` (ISO code of where the event happens), ``institution`` (pk of the host),
``programme`` (pk), ``kind``, ``status``, ``from`` and ``to`` (YYYY-MM-DD), and ``q``. The list
adds ``when``: ``upcoming`` (under way or to come; the list with no filter at all) or ``past``
(ended before today, latest first)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.selectors import start_of_today
from events.spans import ending_at_or_after
from institutions.models import Country, Institution
from programmes.selectors import programme_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _countries(request):
    return Country.objects.order_by("name")


def _institutions(request):
    return Institution.objects.order_by("name", "pk")


def _programmes(request):
    # Only programmes the user may see: a draft's title must not leak through a drop-down.
    return programme_choices(user=request.user)


# Dates are clamped to these: at the ends of the calendar, converting to UTC would overflow.
_FIRST_DAY = datetime.date.min + datetime.timedelta(days=1)
_LAST_DAY = datetime.date.max - datetime.timedelta(days=1)


UPCOMING = "upcoming"
PAST = "past"


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the current time zone."""
    day = min(max(day, _FIRST_DAY), _LAST_DAY)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Title, city or venue")}),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=_countries,
        to_field_name="code",
        empty_label=_("All countries"),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Host institution"),
        field_name="host_institution",
        queryset=_institutions,
        empty_label=_("All hosts"),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=_programmes, empty_label=_("All programmes")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Event.Kind.choices, empty_label=_("Any kind")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Event.Status.choices, empty_label=_("Any status")
    )
    # ``from`` is a Python keyword; both dates are published under their contract names below.
    # Both bound the start, so the database answers from the ``starts_at`` index.
    starts_from = django_filters.DateFilter(
        label=_("From"), widget=DATE_INPUT, method="starting_from"
    )
    starts_to = django_filters.DateFilter(label=_("To"), widget=DATE_INPUT, method="starting_to")

    class Meta:
        model = Event
        fields = ["q", "country", "institution", "programme", "kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(city__icontains=value) | Q(venue__name__icontains=value)
        )

    def starting_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_midnight(value))

    def starting_to(self, queryset, name, value):
        if value >= _LAST_DAY:
            return queryset
        return queryset.filter(starts_at__lt=_midnight(value + datetime.timedelta(days=1)))


EventFilter.base_filters["from"] = EventFilter.base_filters.pop("starts_from")
EventFilter.base_filters["to"] = EventFilter.base_filters.pop("starts_to")


class EventListFilter(EventFilter):
    """The event list's filters: the calendar's, and ``when``. The list with no filter starts
    with what is coming; a link that names a filter (a programme's events, ``from=`` for every
    date) gets what it names, at any time."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not any(name in data for name in self.base_filters):
            data = data.copy()
            data["when"] = UPCOMING
        super().__init__(data, *args, **kwargs)

    def happening(self, queryset, name, value):
        """Under way or to come, earliest first; or ended before today, latest first. An
        event that runs today is coming up, whenever it started."""
        today = start_of_today()
        if value == PAST:
            # What ended before today began before it: the index of starts_at is read back
            # from today, not from the last event to come.
            return queryset.filter(ends_at__lt=today, starts_at__lt=today).order_by(
                "-starts_at", "-pk"
            )
        return ending_at_or_after(queryset, today)


# The very filters of the calendar, under their contract names (a subclass would declare the two
# published under Python keywords afresh), and ``when``.
EventListFilter.base_filters = {
    **EventFilter.base_filters,
    "when": django_filters.ChoiceFilter(
        label=_("When"),
        choices=[(UPCOMING, _("Coming up")), (PAST, _("Past events"))],
        empty_label=_("Any time"),
        method="happening",
    ),
}
