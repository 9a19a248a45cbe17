"""The VTIMEZONE of a zone as a calendar writes it.

It lists the zone's changes of offset from a year before the calendar's first event to a year
after its last, one RDATE per line (ical.js and vobject read only the first value of a
comma-separated list). After that, where the zone's rules repeat every year (summer time that
starts and ends on the same weekday of the same weeks), the changes go on as yearly rules
(RRULE), so that the dates a calendar app makes of an endless series, years ahead, read right
too. A zone whose rules do not repeat so (a change set each year by decree) is listed only.
"""

import calendar
import datetime
import functools

import icalendar
from dateutil import rrule

# How many years of a zone's changes the yearly rules made of them must give exactly.
RULE_CHECKED_YEARS = 30
_OBSERVANCES = ("STANDARD", "DAYLIGHT")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@functools.lru_cache(maxsize=1024)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of ``tzid`` listing its changes from a year before ``first_year`` to a year
    after ``last_year`` (local times near either end of the span, and an end a day later, are
    covered), then its yearly rules where it has them."""
    continued_from = min(last_year + 2, 9999 - RULE_CHECKED_YEARS)
    definition = icalendar.Timezone.from_tzid(
        tzid,
        first_date=datetime.date(max(first_year - 1, 1), 1, 1),
        last_date=datetime.date(continued_from, 1, 1),
    )
    for observance in definition.subcomponents:
        listed = observance.pop("RDATE", None)
        if listed is None:
            continue
        for value in listed if isinstance(listed, list) else [listed]:
            for moment in value.dts:
                observance.add("rdate", moment.dt)
    yearly = yearly_observances(tzid, continued_from)
    if yearly is not None:
        definition.pop("COMMENT", None)
        definition.subcomponents.extend(yearly)
    return definition.to_ical()


def _changes(tzid: str, year: int, years: int) -> list[icalendar.Component]:
    """The observances of ``tzid`` that change its offset, from ``year`` for ``years`` years,
    each with the local times it starts at (DTSTART and the RDATEs, in order)."""
    definition = icalendar.Timezone.from_tzid(
        tzid,
        first_date=datetime.date(year, 1, 1),
        last_date=datetime.date(year + years, 1, 1),
    )
    return [
        observance
        for observance in definition.subcomponents
        if observance.name in _OBSERVANCES
        and observance["TZOFFSETFROM"].td != observance["TZOFFSETTO"].td
    ]


def _starts(observance: icalendar.Component) -> list[datetime.datetime]:
    listed = observance.get("RDATE", [])
    values = listed if isinstance(listed, list) else [listed]
    return sorted([observance.DTSTART, *(moment.dt for value in values for moment in value.dts)])


def _yearly_rule(starts: list[datetime.datetime]) -> dict | None:
    """The yearly rule that gives exactly ``starts`` (one a year, on the same weekday of the same
    seven days of the same month, at the same time), as RRULE parts; else None."""
    first = starts[0]
    days = {start.day for start in starts}
    if (
        [start.year for start in starts] != list(range(first.year, first.year + len(starts)))
        or {(start.month, start.time(), start.weekday()) for start in starts}
        != {(first.month, first.time(), first.weekday())}
        or max(days) - min(days) > 6
    ):
        return None
    lowest = min(days)
    if lowest in (1, 8, 15, 22):
        week, monthdays = (lowest - 1) // 7 + 1, None
    elif max(days) == calendar.monthrange(first.year, first.month)[1] and first.month != 2:
        week, monthdays = -1, None
    else:
        week, monthdays = None, list(range(lowest, lowest + 7))
    given = rrule.rrule(
        rrule.YEARLY,
        dtstart=first,
        count=len(starts),
        bymonth=first.month,
        byweekday=rrule.weekday(first.weekday(), week),
        bymonthday=monthdays,
    )
    if list(given) != starts:
        return None
    day = _WEEKDAYS[first.weekday()]
    if week is not None:
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{week}{day}"}
    return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": day, "BYMONTHDAY": monthdays}


def yearly_observances(tzid: str, year: int) -> list[icalendar.Component] | None:
    """The changes of ``tzid`` from ``year`` on as yearly rules, when the zone's changes in the
    ``RULE_CHECKED_YEARS`` years from ``year`` are exactly what the rules give; an empty list
    for a zone that changes no more; else None."""
    observances = []
    for change in _changes(tzid, year, RULE_CHECKED_YEARS):
        starts = _starts(change)
        rule = _yearly_rule(starts) if len(starts) == RULE_CHECKED_YEARS else None
        if rule is None:
            return None
        observance = (
            icalendar.TimezoneStandard()
            if change.name == "STANDARD"
            else icalendar.TimezoneDaylight()
        )
        observance.add("dtstart", starts[0])
        observance.add("rrule", rule)
        for name in ("TZNAME", "TZOFFSETFROM", "TZOFFSETTO"):
            if name in change:
                observance.add(name, change[name])
        observances.append(observance)
    return observances
