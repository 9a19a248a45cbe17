"""The peer: a subscription feed written the way django-ical documents it (an ``ICalFeed`` with
``items()`` and one ``item_*`` method per property), over the very events Dostlik's feed of the
same token serves, with the same texts (location, description, link)."""

import datetime

from django.conf import settings
from django_ical.views import ICalFeed

from calendars.feeds import feed_by_token, feed_events
from calendars.ical import event_description, event_location, event_url
from calendars.models import CalendarFeed
from events.models import Event
from events.selectors import event_local_days

STATUS = {
    Event.Status.PLANNED: "TENTATIVE",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CONFIRMED: "CONFIRMED",
    Event.Status.HELD: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}


class DjangoIcalFeed(ICalFeed):
    product_id = "-//Dostlik benchmark//django-ical//EN"
    timezone = settings.TIME_ZONE
    file_name = "dostlik.ics"

    def get_object(self, request, token):
        # An unknown or revoked token raises DoesNotExist, which the feed turns into a 404.
        return feed_by_token(token=token)

    def title(self, feed: CalendarFeed) -> str:
        return f"Dostlik — {feed.name}"

    def description(self, feed: CalendarFeed) -> str:
        return "Events of joint cultural programmes, from Dostlik."

    def items(self, feed: CalendarFeed):
        return feed_events(feed=feed)

    def item_guid(self, event: Event) -> str:
        return event.uid

    def item_title(self, event: Event) -> str:
        return event.title

    def item_description(self, event: Event) -> str:
        return event_description(event)

    def item_link(self, event: Event) -> str:
        return event_url(event)

    def item_start_datetime(self, event: Event) -> datetime.date | datetime.datetime:
        if event.all_day:
            return event_local_days(event)[0]
        return event.local_starts_at

    def item_end_datetime(self, event: Event) -> datetime.date | datetime.datetime:
        if event.all_day:
            return event_local_days(event)[1] + datetime.timedelta(days=1)
        return event.local_ends_at

    def item_location(self, event: Event) -> str:
        return event_location(event)

    def item_created(self, event: Event) -> datetime.datetime:
        return event.created_at

    def item_updateddate(self, event: Event) -> datetime.datetime:
        return event.updated_at

    def item_timestamp(self, event: Event) -> datetime.datetime:
        return event.updated_at

    def item_status(self, event: Event) -> str:
        return STATUS[event.status]

    def item_categories(self, event: Event) -> list[str]:
        return [str(event.get_kind_display())]

    def item_transparency(self, event: Event) -> str | None:
        return "TRANSPARENT" if event.all_day else None
