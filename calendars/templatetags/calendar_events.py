"""How the calendar writes an event on one of its days: ``{% day_events day %}`` (the events a
month cell lists, each a chip, and the link to the rest of the day), and the pieces the week and
agenda views share with a chip: ``{% day_time item %}``, ``{% event_status event %}`` and
``{% warning_mark entry %}``.

Tags rather than includes: a busy month lists 168 events, and an include costs about ten
times what these few lines of Python do (``make bench``, the month calendar's first view).
Every text is escaped: with ``html.escape``, which Django's ``escape`` calls, without the lazy
text wrapper around it that costs as much again for each of a chip's texts; the result is
marked safe once. What every chip says alike (a text in the reader's language, the reader's
time zone) is looked up once a page (``_Page``). The strings are the templates' own, so their
translations carry over.
"""

import datetime
from html import escape

from django import template
from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from calendars.selectors import CalendarDay, CalendarEntry, DayEntry
from events.models import Event
from multilingual.content import localized

register = template.Library()

# A number in no event's address but its own: ``_Page.event_path`` puts the event's in its
# place.
_PATH_MARK = 9_876_543_210
# A value no date has: ``more_events`` puts each day's date in its place.
_DATE_MARK = "date"
_DATE_PARTS = (f"from={_DATE_MARK}", f"to={_DATE_MARK}")
# Statuses that change plans: said in words beside the event, not only by its colour.
FLAGGED = (Event.Status.CANCELLED, Event.Status.POSTPONED)


class _Page:
    """What the events of one page are written with, looked up once for all of them rather
    than for each: texts in the active language, the reader's time zone, the address of an
    event, the names of countries and statuses."""

    def __init__(self):
        self.language = get_language()
        self.zone = timezone.get_current_timezone()
        self.all_day = escape(_("All day"))
        self.from_time = _("from %(time)s")
        self.until_time = _("until %(time)s")
        self.warning = escape(_("Warning:"))
        self.path = reverse("events:detail", args=[_PATH_MARK])
        self._countries, self._statuses = {}, {}

    def event_path(self, pk: int) -> str:
        """``reverse("events:detail", args=[pk])``."""
        return self.path.replace(str(_PATH_MARK), str(pk))

    def country(self, event: Event) -> str:
        """The name of the event's country in the active language, escaped."""
        code = event.country.code
        if code not in self._countries:
            self._countries[code] = escape(str(event.country))
        return self._countries[code]

    def status(self, event: Event) -> str:
        """The event's status in words, escaped."""
        if event.status not in self._statuses:
            self._statuses[event.status] = escape(event.get_status_display())
        return self._statuses[event.status]


def _page(context) -> _Page:
    """The ``_Page`` of the template being rendered."""
    if "calendar_page" not in context.render_context:
        context.render_context["calendar_page"] = _Page()
    return context.render_context["calendar_page"]


def _clock(moment: datetime.datetime, zone) -> str:
    """Hours and minutes in ``zone``."""
    return moment.astimezone(zone).strftime("%H:%M")


def _own_clock(event: Event, *moments: datetime.datetime) -> str:
    """The same moments on the event's own clock, where it reads differently."""
    times = "–".join(_clock(moment, event.zone) for moment in moments)
    return f' <span class="dl-cal-local">({times} {escape(event.time_zone)})</span>'


@register.simple_tag(takes_context=True)
def day_time(context, item: DayEntry, range: bool = False) -> SafeString:
    """When an event runs on one of its days, in the reader's time and, where its own clock
    differs, in its own; with ``range``, the end as well as the start."""
    return mark_safe(_day_time(item, _page(context), range))


def _day_time(item: DayEntry, page: _Page, range: bool = False) -> str:
    event, entry = item.entry.event, item.entry
    first, last = item.is_first_day, item.is_last_day
    if event.all_day or not (first or last):
        return page.all_day
    if first and last:
        moments = (event.starts_at, event.ends_at) if range else (event.starts_at,)
        text = "–".join(_clock(moment, page.zone) for moment in moments)
    elif first:
        moments = (event.starts_at,)
        text = page.from_time % {"time": _clock(event.starts_at, page.zone)}
    else:
        moments = (event.ends_at,)
        text = page.until_time % {"time": _clock(event.ends_at, page.zone)}
    own = _own_clock(event, *moments) if entry.shows_local_time else ""
    return escape(text) + own


@register.simple_tag(takes_context=True)
def event_status(context, event: Event) -> SafeString:
    """What the colour and the strike-through say, for screen readers: where the event
    happens, and a status that changes plans, also shown as a flag."""
    return mark_safe(_event_status(event, _page(context)))


def _event_status(event: Event, page: _Page) -> str:
    country = page.country(event)
    if event.status not in FLAGGED:
        return f'<span class="visually-hidden">, {country}</span>'
    status = page.status(event)
    return (
        f'<span class="visually-hidden">, {country}, {status}</span>'
        f'<span class="dl-cal-flag" aria-hidden="true">{status}</span>'
    )


@register.simple_tag(takes_context=True)
def warning_mark(context, entry: CalendarEntry) -> SafeString:
    """A warning sign with what it warns of, as a tooltip and for screen readers; nothing
    for an event without warnings."""
    return mark_safe(_warning_mark(entry, _page(context)))


def _warning_mark(entry: CalendarEntry, page: _Page) -> str:
    if not entry.warnings:
        return ""
    text = escape(entry.warning_text)
    return (
        f'<span class="dl-cal-warning" title="{text}">'
        '<i class="bi bi-exclamation-triangle-fill" aria-hidden="true"></i>'
        f'<span class="visually-hidden">{page.warning} {text}</span></span>'
    )


@register.simple_tag
def event_classes(item: DayEntry) -> SafeString:
    """The event's country and status colours, and whether it runs on from or into the
    neighbouring days."""
    event = item.entry.event
    classes = [f"dl-cal-{event.country.code}", f"dl-cal-status-{event.status}"]
    if not item.is_first_day:
        classes.append("dl-cal-continued")
    if not item.is_last_day:
        classes.append("dl-cal-continues")
    return mark_safe(escape(" ".join(classes)))


def _chip_ends(entry: CalendarEntry, page: _Page) -> tuple[str, str]:
    """What a chip says of its event on every day it is shown: its link, and the title, status
    and warnings that close it."""
    event = entry.event
    link = (
        f'" href="{escape(page.event_path(event.pk))}"><span class="dl-cal-when">'
        f'<span class="dl-cal-code" aria-hidden="true">{escape(event.country.code)}</span> '
    )
    title = escape(localized(event, "title", page.language))
    closing = (
        f'</span><span class="dl-cal-event-title">{title}</span>'
        f"{_event_status(event, page)}{_warning_mark(entry, page)}</a>"
    )
    return link, closing


def event_chip(item: DayEntry, page: _Page, ends: dict) -> str:
    """One event on one day of the month grid, in its country's colour, linking to its page.
    Written as one string: a busy month has 168 of them. ``ends`` keeps what is the same on
    each of an event's days (``_chip_ends``), for a page that shows it on several: by the entry's
    ``id``, which stays its own while the page's context holds every entry."""
    if (found := ends.get(id(item.entry))) is None:
        found = ends[id(item.entry)] = _chip_ends(item.entry, page)
    link, closing = found
    return f'<a class="dl-cal-event {event_classes(item)}{link}{_day_time(item, page)}{closing}'


@register.simple_tag(takes_context=True)
def day_events(context, day: CalendarDay) -> SafeString:
    """The events a month cell lists, then the link to the day's others in the agenda."""
    page, ends = _page(context), context.render_context.setdefault("chip_ends", {})
    chips = "".join(f"<li>{event_chip(item, page, ends)}</li>" for item in day.shown)
    listed = f'<ul class="dl-cal-events">{chips}</ul>' if chips else ""
    return mark_safe(listed + more_events(context, day))


def more_events(context, day: CalendarDay) -> str:
    """The link under a full month cell to the day's other events, in the agenda."""
    if not day.more:
        return ""
    date = day.date.isoformat()
    url = "?" + "&".join(
        f"{part[: -len(_DATE_MARK)]}{date}" if part in _DATE_PARTS else part
        for part in _agenda_query(context)
    )
    text = ngettext(
        '%(counter)s more event<span class="visually-hidden"> on this day</span>',
        '%(counter)s more events<span class="visually-hidden"> on this day</span>',
        day.more,
    ) % {"counter": day.more}
    # The text is the translators' markup around a number.
    return format_html('<a class="dl-cal-more" href="{}">{}</a>', url, mark_safe(text))


def _agenda_query(context) -> list[str]:
    """The query of the agenda of one day, with the page's filters, split at its ``&``: built
    once for every day of a page, with ``_DATE_MARK`` where the day goes."""
    if "agenda_query" not in context.render_context:
        query = querystring(
            context, view="agenda", date=None, **{"from": _DATE_MARK, "to": _DATE_MARK}
        )
        context.render_context["agenda_query"] = query.removeprefix("?").split("&")
    return context.render_context["agenda_query"]
