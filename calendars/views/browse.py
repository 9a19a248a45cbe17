"""The shared calendar at ``/calendar/``: a month, a week or an agenda of the events the reader
may see, in the reader's time zone, with the public holidays of the countries involved and the
warnings coordinators should know about.

Everything is read from the query string, so every view is a plain link: it works without
JavaScript, can be bookmarked, and the filters travel into the subscription and export links.
Input the page cannot read is reported beside the form, never answered with an error page: a
bad ``view`` or ``date`` falls back to this month, bad filters list nothing.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from calendars import selectors
from calendars.filters import PERIOD_FILTERS, CalendarFilter
from calendars.forms import (
    AGENDA,
    FIRST_DAY,
    LAST_DAY,
    MONTH,
    VIEW_CHOICES,
    WEEK,
    CalendarPeriodForm,
)
from calendars.selectors import Period
from core.caching import cached
from events.selectors import event_list

# The span of an agenda given only one of its ends.
AGENDA_DEFAULT_SPAN = datetime.timedelta(days=30)
# A month cell lists this many events; the rest are a link to that day's agenda.
MONTH_CELL_EVENTS = 4

# The filters the calendar passes on to its subscription and export pages.
FILTER_NAMES = ("country", "institution", "programme", "kind", "status", *PERIOD_FILTERS)
# Every name of the query string the page reads.
QUERY_NAMES = frozenset({"view", "date", *FILTER_NAMES})
# Built by their own pages; plain paths so this page renders before they exist.
SUBSCRIBE_PATH = "/calendar/feeds/"
EXPORT_PATH = "/calendar/export.ics"


def _query(params: QueryDict, **changes) -> str:
    """``params`` with ``changes`` applied (None removes a key), as ``?…``."""
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return "?" + query.urlencode()


def _filter_query(params: QueryDict) -> str:
    """The filters the reader set, for the subscription and export links."""
    return urlencode(
        [(name, value) for name in FILTER_NAMES for value in params.getlist(name) if value]
    )


def _with_query(base: str, query: str) -> str:
    return f"{base}?{query}" if query else base


def _agenda_period(day: datetime.date, first, last) -> Period:
    """The agenda's days: those the reader chose with ``from`` and ``to`` (a month's worth from
    the one they gave if they gave only one), else the month of ``day``."""
    if first and last:
        return Period(first, last)
    if first:
        return Period(first, first + AGENDA_DEFAULT_SPAN)
    if last:
        return Period(last - AGENDA_DEFAULT_SPAN, last)
    return selectors.month_of(day)


def _within_calendar(period: Period) -> bool:
    return period.first >= FIRST_DAY and period.last <= LAST_DAY


def _navigation(
    view: str, day: datetime.date, period: Period, params: QueryDict, custom: bool
) -> dict[str, str | None]:
    """Links to the period before, the one after (None at the ends of the calendar) and the
    one holding today, each keeping the reader's filters."""
    if custom:  # an agenda over chosen dates steps by its own length
        step = datetime.timedelta(days=period.length)
        before = Period(period.first - step, period.last - step)
        after = Period(period.first + step, period.last + step)
        previous = _query(params, view=view, **{"from": before.first, "to": before.last})
        following = _query(params, view=view, **{"from": after.first, "to": after.last})
    else:
        if view == WEEK:
            step = datetime.timedelta(days=7)
            before, after = selectors.week_of(day - step), selectors.week_of(day + step)
        else:
            before = selectors.month_of(selectors.add_months(day, -1))
            after = selectors.month_of(selectors.add_months(day, 1))
        previous = _query(params, view=view, date=before.first)
        following = _query(params, view=view, date=after.first)
    return {
        "previous": previous if _within_calendar(before) else None,
        "next": following if _within_calendar(after) else None,
        "today": _query(params, view=view, date=None, **{"from": None, "to": None}),
    }


def _views(params: QueryDict, day: datetime.date) -> list[dict]:
    """The three views of the same day, with the same filters."""
    return [
        {
            "value": value,
            "label": label,
            "url": _query(params, view=value, date=day, **{"from": None, "to": None}),
        }
        for value, label in VIEW_CHOICES
    ]


def _title(view: str, period: Period, custom: bool) -> str:
    """The period's name as people write it: a month, or a span of days that names a month or
    a year once when both ends share it."""
    if view == MONTH or (view == AGENDA and not custom):
        return date_format(period.first, "YEAR_MONTH_FORMAT")
    # Each language's own date formats; the dash between two dates is the same in all four.
    last = date_format(period.last, "DATE_FORMAT")
    if period.first == period.last:
        return last
    if (period.first.year, period.first.month) == (period.last.year, period.last.month):
        return f"{date_format(period.first, 'j')}–{last}"
    same_year = period.first.year == period.last.year
    first = date_format(period.first, "MONTH_DAY_FORMAT" if same_year else "DATE_FORMAT")
    return f"{first} – {last}"


@require_safe
def calendar(request):
    """The page is cached until the content changes (``core.caching``), for each reader, query,
    language, time zone and day: people open the same months again and again between changes,
    and a month of busy weeks takes far longer to read and render than to send. The page's
    frame (the navigation, the sign-out form's CSRF token, messages) is rendered each time."""
    zone = selectors.reader_zone(request.user)
    with timezone.override(zone):
        today = timezone.localdate(timezone=zone)
        if set(request.GET) <= QUERY_NAMES:
            page = cached(
                (
                    "calendar",
                    request.user.pk,
                    translation.get_language(),
                    zone.key,
                    today,
                    request.GET.urlencode(),
                ),
                lambda: _calendar(request, zone, today),
            )
        else:
            # Other names change nothing shown but the links, which carry them along; cached,
            # each new one would be a page more in the cache.
            page = _calendar(request, zone, today)
        return render(request, "calendars/calendar.html", page)


def _calendar(request, zone, today: datetime.date) -> dict:
    """What the page shows: its body rendered, and the few values its frame needs."""
    params = request.GET
    period_form = CalendarPeriodForm(params)
    period_form.is_valid()
    view = period_form.cleaned_data.get("view") or MONTH
    day = period_form.cleaned_data.get("date") or today

    filterset = CalendarFilter(
        params, queryset=event_list(user=request.user), request=request, with_period=view == AGENDA
    )
    filters_valid = filterset.is_valid()
    events: QuerySet = filterset.qs if filters_valid else filterset.queryset.none()
    chosen = filterset.form.cleaned_data if filters_valid else {}

    custom = view == AGENDA and bool(chosen.get("from") or chosen.get("to"))
    if view == MONTH:
        focus = selectors.month_of(day)
        period = selectors.month_grid_of(day)
    elif view == WEEK:
        focus = period = selectors.week_of(day)
    else:
        focus = period = _agenda_period(day, chosen.get("from"), chosen.get("to"))

    counts = None
    if view == MONTH:
        # Only what the cells list is loaded; the rest of each day is a count.
        month = selectors.month_entries(
            user=request.user, events=events, period=period, zone=zone, limit=MONTH_CELL_EVENTS
        )
        entries, counts, codes = month.entries, month.counts, month.country_codes
    else:
        entries = selectors.calendar_entries(
            user=request.user, events=events, period=period, zone=zone
        )
        codes = {entry.event.country.code for entry in entries}
    countries = selectors.calendar_countries(chosen=chosen.get("country"), codes=codes)
    holidays = selectors.calendar_holidays(countries=countries, period=period)
    context = {
        "view": view,
        "views": _views(params, day),
        "period": period,
        "focus": focus,
        "title": _title(view, focus, custom),
        "navigation": _navigation(view, day, period, params, custom),
        "period_form": period_form,
        "filter": filterset,
        "filters_valid": filters_valid,
        "zone": zone.key,
        "entries": entries,
        "countries": countries,
        "subscribe_url": _with_query(SUBSCRIBE_PATH, _filter_query(params)),
        "export_url": _with_query(EXPORT_PATH, _filter_query(params)),
    }
    if view == AGENDA:
        context["agenda"] = selectors.agenda_days(
            period=period, entries=entries, holidays=holidays, today=today
        )
    else:
        days = selectors.calendar_days(
            period=period,
            focus=focus,
            entries=entries,
            holidays=holidays,
            today=today,
            limit=MONTH_CELL_EVENTS if view == MONTH else None,
            counts=counts,
        )
        context["weeks"] = selectors.weeks(days)
        context["days"] = days
    return {
        "title": context["title"],
        "zone": zone.key,
        "subscribe_url": context["subscribe_url"],
        "export_url": context["export_url"],
        "body": render_to_string("calendars/includes/calendar_body.html", context, request),
    }
