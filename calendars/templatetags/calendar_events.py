"""How the calendar writes an event on one of its days: ``{% day_events day %}`` (the events a
month cell lists, each a chip, and the link to the rest of the day), and the pieces the week and
agenda views share with a chip: ``{% day_time item %}``, ``{% event_status event %}`` and
``{% warning_mark entry %}``.

Tags rather than includes: a busy month lists 168 events, and an include costs about ten
times what these few lines of Python do (``make bench``, the month calendar's first view).
Every text is escaped: with ``html.escape``, which Django's ``escape`` calls, without the lazy
text wrapper around it that costs as much again for each of a chip's texts; the result is
marked safe once. The strings are the templates' own, so their translations carry over.
"""

import datetime
import functools
from html import escape

from django import template
from django.template.defaulttags import querystring
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calendars.selectors import CalendarDay, CalendarEntry, DayEntry
from events.models import Event
from multilingual.content import localized

register = template.Library()

# A number in no event's address but its own: ``event_path`` puts the event's in its place.
_PATH_MARK = 9_876_543_210
# A value no date has: ``more_events`` puts each day's date in its place.
_DATE_MARK = "date"
_DATE_PARTS = (f"from={_DATE_MARK}", f"to={_DATE_MARK}")
# Statuses that change plans: said in words beside the event, not only by its colour.
FLAGGED = (Event.Status.CANCELLED, Event.Status.POSTPONED)


def _clock(moment: datetime.datetime, zone=None) -> str:
    """Hours and minutes in the reader's time zone (the one active), or in ``zone``."""
    return timezone.localtime(moment, zone).strftime("%H:%M")


def _own_clock(event: Event, *moments: datetime.datetime) -> str:
    """The same moments on the event's own clock, where it reads differently."""
    times = "–".join(_clock(moment, event.zone) for moment in moments)
    return f' <span class="dl-cal-local">({times} {escape(event.time_zone)})</span>'


@register.simple_tag
def day_time(item: DayEntry, range: bool = False) -> SafeString:
    """When an event runs on one of its days, in the reader's time and, where its own clock
    differs, in its own; with ``range``, the end as well as the start."""
    event, entry = item.entry.event, item.entry
    if event.all_day or not (item.is_first_day or item.is_last_day):
        return mark_safe(escape(_("All day")))
    if item.is_first_day and item.is_last_day:
        moments = (event.starts_at, event.ends_at) if range else (event.starts_at,)
        text = "–".join(_clock(moment) for moment in moments)
    elif item.is_first_day:
        moments = (event.starts_at,)
        text = _("from %(time)s") % {"time": _clock(event.starts_at)}
    else:
        moments = (event.ends_at,)
        text = _("until %(time)s") % {"time": _clock(event.ends_at)}
    own = _own_clock(event, *moments) if entry.shows_local_time else ""
    return mark_safe(escape(text) + own)


@register.simple_tag
def event_status(event: Event) -> SafeString:
    """What the colour and the strike-through say, for screen readers: where the event
    happens, and a status that changes plans, also shown as a flag."""
    country = escape(str(event.country))
    if event.status not in FLAGGED:
        return mark_safe(f'<span class="visually-hidden">, {country}</span>')
    status = escape(event.get_status_display())
    return mark_safe(
        f'<span class="visually-hidden">, {country}, {status}</span>'
        f'<span class="dl-cal-flag" aria-hidden="true">{status}</span>'
    )


@register.simple_tag
def warning_mark(entry: CalendarEntry) -> SafeString:
    """A warning sign with what it warns of, as a tooltip and for screen readers; nothing
    for an event without warnings."""
    if not entry.warnings:
        return mark_safe("")
    text = escape(entry.warning_text)
    return mark_safe(
        f'<span class="dl-cal-warning" title="{text}">'
        '<i class="bi bi-exclamation-triangle-fill" aria-hidden="true"></i>'
        f'<span class="visually-hidden">{escape(_("Warning:"))} {text}</span></span>'
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


@functools.lru_cache(maxsize=16)
def _event_path_pattern(prefix: str, urlconf: str | None) -> str:
    return reverse("events:detail", args=[_PATH_MARK])


def event_path(pk: int) -> str:
    """``reverse("events:detail", args=[pk])``, resolved once for every event of a page."""
    pattern = _event_path_pattern(get_script_prefix(), get_urlconf())
    return pattern.replace(str(_PATH_MARK), str(pk))


def _chip_ends(entry: CalendarEntry) -> tuple[str, str, str]:
    """What a chip says of its event on every day it is shown: its colours, its link, and the
    title, status and warnings that close it."""
    event = entry.event
    colours = f"dl-cal-event dl-cal-{event.country.code} dl-cal-status-{event.status}"
    link = (
        f'" href="{escape(event_path(event.pk))}"><span class="dl-cal-when">'
        f'<span class="dl-cal-code" aria-hidden="true">{escape(event.country.code)}</span> '
    )
    closing = (
        f'</span><span class="dl-cal-event-title">{escape(localized(event, "title"))}</span>'
        f"{event_status(event)}{warning_mark(entry)}</a>"
    )
    return colours, link, closing


def event_chip(item: DayEntry, ends: dict | None = None) -> SafeString:
    """One event on one day of the month grid, in its country's colour, linking to its page.
    Written as one string: a busy month has 168 of them. ``ends`` keeps what is the same on
    each of an event's days (``_chip_ends``), for a page that shows it on several: by the entry's
    ``id``, which stays its own while the page's context holds every entry."""
    ends = {} if ends is None else ends
    if (found := ends.get(id(item.entry))) is None:
        found = ends[id(item.entry)] = _chip_ends(item.entry)
    colours, link, closing = found
    if not item.is_first_day:
        colours += " dl-cal-continued"
    if not item.is_last_day:
        colours += " dl-cal-continues"
    return mark_safe(f'<a class="{escape(colours)}{link}{day_time(item)}{closing}')


@register.simple_tag(takes_context=True)
def day_events(context, day: CalendarDay) -> SafeString:
    """The events a month cell lists, then the link to the day's others in the agenda."""
    ends = context.render_context.setdefault("chip_ends", {})
    chips = "".join(f"<li>{event_chip(item, ends)}</li>" for item in day.shown)
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
