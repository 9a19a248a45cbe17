import functools
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@functools.cache
def _known_time_zones() -> frozenset[str]:
    # Reading the time zone database takes tens of milliseconds; it does not change while the
    # process runs.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in _known_time_zones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone."), code="time_zone", params={"value": value}
        )


# Line breaks, tabs and the other control characters (C0, DEL, C1), and Unicode's line and
# paragraph separators: none belongs in a title or a name, and a line break in one would break
# every mail header that names it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_single_line(value: str) -> None:
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Line breaks, tabs and other control characters are not allowed here."),
            code="control_characters",
        )


def single_line(value: str) -> str:
    """``value`` with each run of control characters turned into one space: for text that comes
    from outside (an imported calendar), which is cleaned rather than refused."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split()) if value else value
