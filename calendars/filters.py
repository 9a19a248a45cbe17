"""The shared calendar's filters: the event list's, under the same contract names (see
``events.filters``), with ``from`` and ``to`` choosing the period the agenda shows."""

from calendars.forms import CalendarFilterForm
from events.filters import EventFilter

PERIOD_FILTERS = ("from", "to")


class CalendarFilter(EventFilter):
    """The event list's filters, but for its text search, with one difference: on the calendar,
    ``from`` and ``to`` choose the period shown (the agenda's) rather than bound the start, so
    an exhibition that opened last month still shows on the days it runs. The month and week
    views have no such fields: their period is the month or week of ``date``."""

    class Meta(EventFilter.Meta):
        form = CalendarFilterForm

    def __init__(self, *args, with_period: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # A calendar is browsed by who, where and what; a text search belongs to the list.
        del self.filters["q"]
        if not with_period:
            for name in PERIOD_FILTERS:
                del self.filters[name]

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name not in PERIOD_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


# The very filters of the event list, under their contract names (events/filters.py publishes
# two of them under names that are Python keywords, which a subclass would declare afresh).
CalendarFilter.base_filters = dict(EventFilter.base_filters)
