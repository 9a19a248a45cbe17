"""The dates a repeating event's rule gives.

A rule is an iCalendar RRULE (RFC 5545), read by dateutil: daily, weekly on chosen days,
monthly or yearly, every so many, until a day, a number of times, or without end. It is
expanded on the clock of the event's place, so a concert at 19:00 every Tuesday stays at 19:00
when the clocks change.

Bounded: a rule with an end may give at most ``MAX_OCCURRENCES`` dates, or it is refused; a rule
without end is kept (and exported) as it is, and its dates are made only up to
``ENDLESS_HORIZON`` ahead of today (``manage.py extend_series`` moves that along), never for
ever. Rules repeating more often than daily are refused: a calendar of cultural events has no use
for them, and they would make thousands of dates a day.
"""

import datetime
import itertools
from dataclasses import dataclass

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MAX_OCCURRENCES = 500
ENDLESS_HORIZON = datetime.timedelta(days=2 * 366)
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The parts of a rule Dostlik reads; any other (BYHOUR, BYSETPOS…) is refused rather than
# half-understood.
_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"})


@dataclass(frozen=True)
class Expansion:
    """The starts a rule gives (aware, on the clock of the first start), and whether the rule
    has an end: ``complete`` is False for a rule without end, whose starts stop at the horizon."""

    starts: list[datetime.datetime]
    complete: bool


def rule_parts(rule: str) -> dict[str, str]:
    """The parts of an RRULE by name, upper case: "FREQ=WEEKLY;COUNT=4" gives FREQ and COUNT."""
    parts = {}
    for part in rule.upper().split(";"):
        name, _sign, value = part.partition("=")
        parts[name.strip()] = value.strip()
    return parts


def check_rule(rule: str) -> None:
    """Refuse, with the reason, a rule Dostlik does not take; the dates are checked by
    ``expand``."""
    parts = rule_parts(rule)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValidationError(
            _("A repetition is daily, weekly, monthly or yearly."), code="frequency"
        )
    unknown = sorted(set(parts) - _PARTS)
    if unknown:
        raise ValidationError(
            _("Dostlik does not read these parts of a repetition: %(parts)s.")
            % {"parts": ", ".join(unknown)},
            code="parts",
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationError(
            _("A repetition ends on a day or after a number of times, not both."), code="end"
        )
    if not _some_day_exists(parts):
        raise ValidationError(
            _("No month has the day this repetition asks for."), code="no_such_day"
        )


# The longest each month can be (February in a leap year).
_MONTH_LENGTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _some_day_exists(parts: dict[str, str]) -> bool:
    """Whether a day of the month the rule names exists in a month it names: "30 February"
    alone would make the expander walk the calendar to the year 9999 looking for one."""
    try:
        days = [abs(int(day)) for day in parts.get("BYMONTHDAY", "").split(",") if day]
        months = [int(month) for month in parts.get("BYMONTH", "").split(",") if month]
    except ValueError:
        return True  # unreadable: the expander says so
    if not days:
        return True
    lengths = [_MONTH_LENGTHS[month - 1] for month in months if 1 <= month <= 12] or [31]
    return any(0 < day <= length for day in days for length in lengths)


def has_end(rule: str) -> bool:
    parts = rule_parts(rule)
    return "COUNT" in parts or "UNTIL" in parts


def expand(
    rule: str,
    *,
    first_start: datetime.datetime,
    today: datetime.date | None = None,
) -> Expansion:
    """The starts ``rule`` gives from ``first_start`` (included when the rule gives it), on
    ``first_start``'s clock. Raises ``ValidationError`` for a rule that cannot be read or gives
    more than ``MAX_OCCURRENCES`` dates."""
    check_rule(rule)
    try:
        recurrence = rrule.rrulestr(rule, dtstart=first_start)
        if not has_end(rule):
            horizon = (
                max(
                    first_start,
                    datetime.datetime.combine(
                        today or timezone.localdate(), datetime.time(), tzinfo=first_start.tzinfo
                    ),
                )
                + ENDLESS_HORIZON
            )
            starts = list(
                itertools.islice(
                    itertools.takewhile(lambda start: start <= horizon, recurrence),
                    MAX_OCCURRENCES,
                )
            )
            return Expansion(starts, complete=False)
        starts = list(itertools.islice(recurrence, MAX_OCCURRENCES + 1))
        if not starts:
            raise ValidationError(
                _("This repetition gives no date: its end comes before the event."),
                code="empty",
            )
    except (ValueError, TypeError, OverflowError) as error:
        raise ValidationError(
            _("The repetition cannot be read: %(error)s") % {"error": error}, code="invalid"
        ) from error
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            _(
                "This repetition gives more than %(limit)s dates: end it sooner, or make it "
                "two events."
            )
            % {"limit": MAX_OCCURRENCES},
            code="too_many",
        )
    return Expansion(starts, complete=True)


_EVERY = {
    "DAILY": gettext_lazy("Every day"),
    "WEEKLY": gettext_lazy("Every week"),
    "MONTHLY": gettext_lazy("Every month"),
    "YEARLY": gettext_lazy("Every year"),
}


def _every(frequency: str, count: int) -> str:
    if frequency == "DAILY":
        return ngettext("Every %(count)s day", "Every %(count)s days", count) % {"count": count}
    if frequency == "WEEKLY":
        return ngettext("Every %(count)s week", "Every %(count)s weeks", count) % {"count": count}
    if frequency == "MONTHLY":
        return ngettext("Every %(count)s month", "Every %(count)s months", count) % {"count": count}
    return ngettext("Every %(count)s year", "Every %(count)s years", count) % {"count": count}


_WEEKDAYS = {
    "MO": gettext_lazy("Monday"),
    "TU": gettext_lazy("Tuesday"),
    "WE": gettext_lazy("Wednesday"),
    "TH": gettext_lazy("Thursday"),
    "FR": gettext_lazy("Friday"),
    "SA": gettext_lazy("Saturday"),
    "SU": gettext_lazy("Sunday"),
}


def describe(rule: str) -> str:
    """``rule`` in words, as a person would say it: "Every week on Monday, Thursday; 4 dates"."""
    parts = rule_parts(rule)
    frequency = parts.get("FREQ", "")
    if frequency not in _EVERY:
        return rule
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    words = str(_EVERY[frequency]) if interval == 1 else _every(frequency, interval)
    days = [str(_WEEKDAYS[day]) for day in parts.get("BYDAY", "").split(",") if day in _WEEKDAYS]
    if days:
        words = _("%(every)s on %(days)s") % {"every": words, "days": ", ".join(days)}
    if parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        words += "; " + ngettext("%(count)s date", "%(count)s dates", count) % {"count": count}
    elif "UNTIL" in parts:
        try:
            until = datetime.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        except ValueError:
            return rule
        words += "; " + _("until %(day)s") % {"day": date_format(until)}
    else:
        words += "; " + _("without end")
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}:
        words += f" ({rule})"
    return words
