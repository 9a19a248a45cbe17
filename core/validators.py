import functools
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
