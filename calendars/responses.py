"""A calendar file as an HTTP answer, made for polling: calendar apps fetch these addresses for
ever, so every answer carries an ETag and a Last-Modified from one aggregate query, and a request
whose validators still match answers 304 before any event is loaded or rendered. Used by the
calendar's own files and by the public portal's calendar.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date

from calendars.calendar_files import calendar_response
from calendars.ical import calendar_bytes, feed_validators
from events.models import Event

CONTENT_TYPE = "text/calendar; charset=utf-8"


def calendar_cache_key(*parts: object) -> str:
    """What besides its events shapes a calendar file: always the reader's language."""
    return "|".join(str(part) for part in (*parts, translation.get_language()))


def calendar_file_response(
    request,
    *,
    events: QuerySet[Event],
    name: str,
    description: str = "",
    filename: str,
    cache_key: str,
    public: bool = False,
    on_disk: bool = False,
    loaded: Iterable[Event] | None = None,
) -> HttpResponse:
    """The calendar of ``events``, or 304 when the client's copy is current. The validators
    come first and from one query, so a poll that changes nothing never loads the events.
    ``loaded`` are the events already in hand, when the caller has them; ``public`` is for a
    calendar that is the same for every reader, which shared caches may keep too; ``on_disk``
    for one polled by many, kept whole on the server's disk (``calendars.calendar_files``)."""
    etag, last_modified = feed_validators(events, cache_key=cache_key)
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp())
    )
    if response is None:
        response = calendar_response(
            cache_key=cache_key,
            etag=etag,
            make=lambda: calendar_bytes(
                events if loaded is None else loaded, name=name, description=description
            ),
            content_type=CONTENT_TYPE,
            on_disk=on_disk,
            request=request,
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Whoever keeps a copy asks again each time (cheap: usually a 304); a personal calendar is
    # kept by no shared cache.
    if public:
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response
