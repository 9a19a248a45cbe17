"""Template helpers of the public pages: "Add to calendar" with public calendar files, and the
words the public reads for a programme's status; and, for the desk's event page, whether the
public portal shows an event."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.ical import google_calendar_url, outlook_calendar_url
from events.models import Event
from programmes.models import Programme
from public.dates import event_dates_text
from public.selectors import is_public_event

register = template.Library()

# The public is told where a programme stands, not how it went through approval: by its dates,
# as long as it is approved or active (a programme that started is under way whether or not its
# coordinators have marked it active yet). Each phase is shown in the colours of a status.
COMING_UP = (Programme.Status.APPROVED, _("Coming up"))
UNDER_WAY = (Programme.Status.ACTIVE, _("Under way"))
ENDED = (Programme.Status.COMPLETED, _("Ended"))
COMPLETED = (Programme.Status.COMPLETED, _("Completed"))


def _phase(programme: Programme) -> tuple[str, str]:
    if programme.status == Programme.Status.COMPLETED:
        return COMPLETED
    if programme.status not in Programme.Status.under_way_states:
        return ("", "")
    today = timezone.localdate()
    if programme.starts_on > today:
        return COMING_UP
    if programme.ends_on < today:
        return ENDED
    return UNDER_WAY


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
    """ "Coming up", "Under way", "Ended" or "Completed"."""
    return _phase(programme)[1]


@register.filter
def programme_phase_status(programme: Programme) -> str:
    """The status whose colours the phase is shown in."""
    return _phase(programme)[0]


@register.filter
def on_public_portal(event: Event) -> bool:
    return is_public_event(event)


@register.filter
def event_dates(event: Event) -> str:
    """The days an event covers, in its own time zone: "12 April 2025 – 15 April 2025"."""
    return event_dates_text(event)
