"""Reading what Dostlik's calendars say, as a calendar app would."""

import re

import icalendar

_ESCAPED = re.compile(r"\\([\\;,nN])")


def calendar_text(calendar: icalendar.Calendar, name: str) -> str:
    """A TEXT property of the calendar, unescaped (RFC 5545, 3.3.11): ``icalendar`` keeps the
    calendar's name (``NAME``, ``X-WR-CALNAME``, ``X-WR-CALDESC``) as the escaped text it read."""
    value = calendar[name]
    if isinstance(value, icalendar.vText):
        return str(value)
    return _ESCAPED.sub(
        lambda match: "\n" if match[1] in "nN" else match[1], value.to_ical().decode()
    )
