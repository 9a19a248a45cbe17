"""``{% programme_event_warnings programme %}``: the warnings of a programme's events on the
programme's page, where the national coordinators decide on it, each with who acknowledged it.
A tag, so the programmes app shows them without importing the events app."""

from django import template

from events.models import Event
from events.selectors import event_local_days
from events.warnings import shown_warnings
from programmes.models import Programme

register = template.Library()

# The programme's events looked at, earliest first: a programme of thousands of events has its
# other warnings on their own pages.
EVENTS_CHECKED = 200


@register.inclusion_tag("events/includes/programme_event_warnings.html", takes_context=True)
def programme_event_warnings(context, programme: Programme) -> dict:
    """Whoever sees a programme sees all its events; a cancelled one warns of nothing. In a
    fixed number of queries, whatever the number of events."""
    events = list(
        Event.objects.filter(programme=programme)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("country")
        .order_by("starts_at", "pk")[: EVENTS_CHECKED + 1]
    )
    checked = events[:EVENTS_CHECKED]
    found = shown_warnings(checked, reader=context["request"].user)
    flagged = [
        (event, event_local_days(event)[0], found[event.pk])
        for event in checked
        if event.pk in found
    ]
    return {
        "flagged": flagged,
        "warning_count": sum(len(warnings) for _event, _day, warnings in flagged),
        "more_events": len(events) > EVENTS_CHECKED,
        "events_checked": EVENTS_CHECKED,
    }
