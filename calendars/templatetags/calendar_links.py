"""``{% add_to_calendar event %}`` and ``{% add_to_calendar programme %}``: the "Add to calendar"
card of an event or programme page. A tag, so the pages offer it without their views knowing.

An event gets its .ics file and links that open it in Google Calendar and Outlook on the web; a
programme gets one .ics file of all its events the reader may see (those services take a single
event, so they have no programme link)."""

from django import template
from django.urls import reverse

from calendars.ical import google_calendar_url, outlook_calendar_url
from events.models import Event
from programmes.models import Programme

register = template.Library()


@register.inclusion_tag("includes/add_to_calendar.html")
def add_to_calendar(record: Event | Programme) -> dict:
    if isinstance(record, Event):
        return {
            "ics_url": reverse("calendars:event_ics", args=[record.pk]),
            "google_url": google_calendar_url(record),
            "outlook_url": outlook_calendar_url(record),
            "is_programme": False,
        }
    return {
        "ics_url": reverse("calendars:programme_ics", args=[record.pk]),
        "is_programme": True,
    }
