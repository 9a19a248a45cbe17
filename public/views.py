"""The public portal: published programmes and public events for anyone, without signing in.

Every page reads through ``public.selectors`` and nothing else, so what the public sees is
decided in one place; a record outside it answers 404, exactly like a missing one. The pages are
the same for every reader — signed in or not — apart from the link back to the desk. Each page
carries Open Graph tags with an absolute address under ``SITE_URL`` so a shared link shows its
title and summary; event times are given in the event's own time zone, where it happens.
"""

import datetime
import functools
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from calendars.feeds import events_in_window, feed_window_start, is_window_start
from calendars.ical import event_location
from calendars.responses import calendar_cache_key, calendar_file_response
from core.ratelimits import rate_limited, search_limited
from events.models import Event
from events.selectors import event_local_days
from multilingual.content import localized
from programmes.models import Partnership, Programme
from public.dates import date_range_text
from public.forms import PublicEventSearchForm, PublicProgrammeSearchForm
from public.selectors import (
    public_event_get,
    public_event_list,
    public_event_list_for_programme,
    public_event_list_past,
    public_event_list_upcoming,
    public_event_search,
    public_figures,
    public_programme_get,
    public_programme_list,
    public_programme_search,
)

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
HOME_EVENTS_SHOWN = 6
HOME_PROGRAMMES_SHOWN = 6
# The public calendar lists this many events a page, grouped by month.
CALENDAR_PAGE_SIZE = 60
# Link previews show about this much of a description.
SHARE_DESCRIPTION_LENGTH = 200
GOOGLE_SUBSCRIBE_URL = "https://calendar.google.com/calendar/render?cid="


@dataclass(frozen=True)
class ShareCard:
    """What a link to the page shows where it is shared: the Open Graph tags."""

    title: str
    description: str
    url: str
    type: str = "website"


def absolute_url(path: str) -> str:
    """``path`` on the site as people reach it (``SITE_URL``), for links that leave the page."""
    return settings.SITE_URL.rstrip("/") + path


def _share(*, title: str, description: str, path: str, kind: str = "website") -> ShareCard:
    text = " ".join(description.split())
    return ShareCard(
        title=title,
        description=Truncator(text).chars(SHARE_DESCRIPTION_LENGTH),
        url=absolute_url(path),
        type=kind,
    )


def _site_description() -> str:
    return _(
        "Joint cultural programmes of Uzbekistan and Kazakhstan: exhibitions, concerts, film "
        "screenings, education fairs and the events they hold, in one public calendar."
    )


def public_not_found(view):
    """A record outside the public rule answers the portal's own "not here" page, the very page
    a record that never existed gets: status 404, and a way back to the public pages."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "public/404.html", status=404)

    return answer


def _page_of(request, items, per_page: int | None = None):
    return Paginator(items, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))


# ---------- home ----------


@login_not_required
@require_safe
def home(request):
    """The front door: what the cooperation is, what happens next, the programmes behind it."""
    context = {
        "figures": public_figures(),
        "upcoming_events": public_event_list_upcoming()[:HOME_EVENTS_SHOWN],
        "programmes": public_programme_list()[:HOME_PROGRAMMES_SHOWN],
        "share": _share(
            title=_("Dostlik — Uzbekistan and Kazakhstan, cultural cooperation"),
            description=_site_description(),
            path=reverse("public:home"),
        ),
    }
    return render(request, "public/home.html", context)


# ---------- programmes ----------


@login_not_required
@require_safe
def programme_list(request):
    form = PublicProgrammeSearchForm(request.GET)
    if request.GET.get("q") and search_limited(request):
        return rate_limited(request, None)
    programmes = public_programme_list()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            programmes = public_programme_search(programmes, data["q"])
        if data["country"]:
            programmes = programmes.filter(
                pk__in=Partnership.objects.filter(institution__country=data["country"]).values(
                    "programme"
                )
            )
        if data["kind"]:
            programmes = programmes.filter(kind=data["kind"])
    else:
        programmes = programmes.none()
    context = {
        "form": form,
        "page_obj": _page_of(request, programmes),
        "share": _share(
            title=_("Joint programmes of Uzbekistan and Kazakhstan"),
            description=_(
                "Exhibition series, festivals, joint degree programmes and other cultural "
                "programmes that institutions of both countries run together."
            ),
            path=reverse("public:programmes"),
        ),
    }
    return render(request, "public/programme_list.html", context)


def _lead_first(partnerships) -> list[Partnership]:
    """The partners as loaded (by country), with the lead moved to the top."""
    return sorted(partnerships, key=lambda partnership: partnership.role != Partnership.Role.LEAD)


def _published_programme(pk: int) -> Programme:
    try:
        return public_programme_get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
@public_not_found
@require_safe
def programme_detail(request, pk: int):
    programme = _published_programme(pk)
    partnerships = list(programme.partnerships.all())
    dates = date_range_text(programme.starts_on, programme.ends_on)
    context = {
        "programme": programme,
        "partnerships": _lead_first(partnerships),
        "countries": list(dict.fromkeys(p.institution.country for p in partnerships)),
        "events_page": _page_of(request, public_event_list_for_programme(programme=programme)),
        "share": _share(
            title=localized(programme, "title"),
            description=localized(programme, "summary")
            or _("A joint programme, %(dates)s.") % {"dates": dates},
            path=reverse("public:programme", args=[programme.pk]),
            kind="article",
        ),
    }
    return render(request, "public/programme_detail.html", context)


# ---------- events ----------


@login_not_required
@require_safe
def event_list(request):
    form = PublicEventSearchForm(request.GET)
    if request.GET.get("q") and search_limited(request):
        return rate_limited(request, None)
    events = public_event_list().none()
    when = PublicEventSearchForm.UPCOMING
    if form.is_valid():
        data = form.cleaned_data
        when = data["when"]
        events = {
            PublicEventSearchForm.UPCOMING: public_event_list_upcoming,
            PublicEventSearchForm.PAST: public_event_list_past,
            PublicEventSearchForm.ALL: public_event_list,
        }[when]()
        if data["q"]:
            events = public_event_search(events, data["q"])
        if data["country"]:
            events = events.filter(country=data["country"])
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["programme"]:
            events = events.filter(programme=data["programme"])
    context = {
        "form": form,
        "when": when,
        "page_obj": _page_of(request, events),
        "share": _share(
            title=_("Public events of Uzbekistan and Kazakhstan"),
            description=_(
                "Exhibitions, concerts, film screenings, fairs and lectures of the joint "
                "cultural programmes of Uzbekistan and Kazakhstan, open to the public."
            ),
            path=reverse("public:events"),
        ),
    }
    return render(request, "public/event_list.html", context)


def _public_event(pk: int) -> Event:
    try:
        return public_event_get(pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
@public_not_found
@require_safe
def event_detail(request, pk: int):
    event = _public_event(pk)
    first_day, last_day = event_local_days(event)
    when_where = _("%(kind)s, %(dates)s, %(place)s.") % {
        "kind": event.get_kind_display(),
        "dates": date_range_text(first_day, last_day),
        "place": event_location(event),
    }
    context = {
        "event": event,
        "first_day": first_day,
        "last_day": last_day,
        "partnerships": _lead_first(event.programme.partnerships.all()),
        "share": _share(
            title=localized(event, "title"),
            description=f"{when_where} {localized(event, 'description')}",
            path=reverse("public:event", args=[event.pk]),
            kind="article",
        ),
    }
    return render(request, "public/event_detail.html", context)


# ---------- the public calendar ----------


def subscription_links() -> dict[str, str]:
    """The public calendar's address for calendar apps: as https (or whatever ``SITE_URL``
    speaks), as webcal (which opens the reader's calendar app to subscribe) and as a Google
    Calendar subscription."""
    url = absolute_url(reverse("public:calendar_ics"))
    webcal = "webcal://" + url.split("://", 1)[-1]
    return {"url": url, "webcal": webcal, "google": GOOGLE_SUBSCRIBE_URL + quote(webcal, safe="")}


def _by_month(events) -> list[tuple[datetime.date, list[Event]]]:
    """Events grouped by the month they start in, in their own time zone."""

    def month(event: Event) -> datetime.date:
        return event.local_starts_at.date().replace(day=1)

    return [(first_day, list(group)) for first_day, group in groupby(events, key=month)]


@login_not_required
@require_safe
def calendar(request):
    """Upcoming public events by month, and the public calendar to subscribe to."""
    page_obj = _page_of(request, public_event_list_upcoming(), per_page=CALENDAR_PAGE_SIZE)
    context = {
        "page_obj": page_obj,
        "months": _by_month(page_obj.object_list),
        "subscribe": subscription_links(),
        "share": _share(
            title=_("Public calendar of Uzbek-Kazakh cultural cooperation"),
            description=_(
                "Upcoming public events of the joint cultural programmes of Uzbekistan and "
                "Kazakhstan. Subscribe in your calendar app to keep up to date."
            ),
            path=reverse("public:calendar"),
        ),
    }
    return render(request, "public/calendar.html", context)


# ---------- calendar files ----------


@login_not_required
@require_safe
def calendar_ics(request):
    """What the public may see, for anyone to subscribe to: no sign-in, nothing internal; in
    a subscription's window (``calendars.feeds.events_in_window``), which ``from`` widens."""
    name = _("Dostlik — public calendar")
    start = request.GET.get("from", "")
    if start and not is_window_start(start):
        return HttpResponseBadRequest(
            _("The from filter must be a date between 1900 and 2199.") + "\n",
            content_type="text/plain; charset=utf-8",
        )
    return calendar_file_response(
        request,
        events=events_in_window(public_event_list(), start=start),
        name=name,
        description=_("Public events of joint cultural programmes in Dostlik."),
        filename="dostlik-public.ics",
        # The window without ``from`` moves once a month: a new month is a new file.
        cache_key=calendar_cache_key("public", name, start or feed_window_start()),
        public=True,
        on_disk=True,
    )


@login_not_required
@public_not_found
@require_safe
def event_calendar(request, pk: int):
    """One public event as a calendar file, for "Add to calendar"."""
    event = _public_event(pk)
    name = localized(event, "title")
    return calendar_file_response(
        request,
        events=public_event_list().filter(pk=event.pk),
        loaded=[event],
        name=name,
        description=_("Public events of joint cultural programmes in Dostlik."),
        filename=f"dostlik-event-{event.pk}.ics",
        cache_key=calendar_cache_key("public-event", event.pk, name),
        public=True,
    )


@login_not_required
@public_not_found
@require_safe
def programme_calendar(request, pk: int):
    """The public events of a published programme as one calendar file."""
    programme = _published_programme(pk)
    name = localized(programme, "title")
    return calendar_file_response(
        request,
        events=public_event_list_for_programme(programme=programme),
        name=name,
        description=_("Public events of joint cultural programmes in Dostlik."),
        filename=f"dostlik-programme-{programme.pk}.ics",
        cache_key=calendar_cache_key("public-programme", programme.pk, name),
        public=True,
    )
