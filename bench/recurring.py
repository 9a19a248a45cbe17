"""A recurring event's feed and month view: not measured yet.

This is their place once events repeat (``events.series``): a feed that holds a weekly event of
several years, with occurrences changed on their own and dates taken out, fetched with nothing
stored, with an empty cache, cold and warm; and the month calendar of a month it repeats in, as
served and as the first view after a change. Until then ``measure`` measures nothing, and the
report says so in a section of its own (``report.RECURRING``).
"""

from dataclasses import dataclass


@dataclass
class RecurringFigures:
    """What ``measure`` will give for one size; nothing yet."""


def measure(size: int) -> RecurringFigures | None:
    """A recurring event's feed and month view at ``size`` events: None until events repeat."""
    return None
