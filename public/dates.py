"""Dates as the public pages write them: in the reader's language, and for an event in its own
time zone, so "19 December" is the day it happens where it happens."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Event
from events.selectors import event_local_days


def date_range_text(first: datetime.date, last: datetime.date) -> str:
    """One day, or the first and last day of a span."""
    if first == last:
        return date_format(first, "DATE_FORMAT")
    return _("%(first)s – %(last)s") % {
        "first": date_format(first, "DATE_FORMAT"),
        "last": date_format(last, "DATE_FORMAT"),
    }


def event_dates_text(event: Event) -> str:
    """The days an event covers, where it happens."""
    return date_range_text(*event_local_days(event))
