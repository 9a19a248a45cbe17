"""Template helpers of the public pages: "Add to calendar" with public calendar files, and the
words the public reads for a programme's status."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calendars.ical import google_calendar_url, outlook_calendar_url
from events.models import Event
from programmes.models import Programme
from public.dates import event_dates_text

register = template.Library()

# The public is told where a programme stands, not how it went through approval.
PHASES = {
    Programme.Status.APPROVED: _("Coming up"),
    Programme.Status.ACTIVE: _("Under way"),
    Programme.Status.COMPLETED: _("Completed"),
}


@register.inclusion_tag("includes/add_to_calendar.html")
def public_add_to_calendar(record: Event | Programme) -> dict:
    """The house "Add to calendar" card, its .ics files served without sign-in."""
    if isinstance(record, Event):
        return {
            "ics_url": reverse("public:event_ics", args=[record.pk]),
            "google_url": google_calendar_url(record),
            "outlook_url": outlook_calendar_url(record),
            "is_programme": False,
        }
    return {"ics_url": reverse("public:programme_ics", args=[record.pk]), "is_programme": True}


@register.filter
def programme_phase(programme: Programme) -> str:
    return PHASES.get(programme.status, "")


@register.filter
def event_dates(event: Event) -> str:
    """The days an event covers, in its own time zone: "12 April 2025 – 15 April 2025"."""
    return event_dates_text(event)
