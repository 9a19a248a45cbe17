"""One log line per request, and no calendar feed token or invitation link in any log line.

A feed's token is the only thing that grants access to it (only a hash is stored), so a token
in a log file would let anyone who reads the logs read the feed; an invitation's token, whoever
reads it could take the invited role. The path of a feed is therefore written as
``/calendar/feeds/<redacted>.ics`` and an invitation's as ``/invitations/<redacted>/`` by the
request line, and the filter below does the same to every record a handler receives, whichever
logger wrote it: Django's own warnings ("Not Found: /calendar/feeds/….ics") and the development
server's request lines included.
"""

import logging
import re
import time

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("dostlik.requests")

# Any segment under /calendar/feeds/, whatever its case or extension: a client may ask for
# ``<token>.ICS``, ``<token>`` or ``/CALENDAR/FEEDS/<token>``, and each is logged as it came.
FEED_TOKEN = re.compile(r"(/calendar/feeds/)([^/\s\"'?#]+?)(\.ics)?(?=[/\s\"'?#]|$)", re.IGNORECASE)
REDACTED = r"\1<redacted>\3"
# The segment after /invitations/ that is not one of the pages of invitations by number
# (``institution/<pk>/``, ``<pk>/resend/``, ``<pk>/withdraw/``).
INVITATION_TOKEN = re.compile(
    r"(/invitations/)(?!institution/)(?!\d+/)([^/\s\"'?#]+)", re.IGNORECASE
)


def _has_token(text: str) -> bool:
    return bool(FEED_TOKEN.search(text) or INVITATION_TOKEN.search(text))


def redact(text: str) -> str:
    """The text with every calendar feed token and invitation token replaced."""
    return INVITATION_TOKEN.sub(r"\1<redacted>", FEED_TOKEN.sub(REDACTED, text))


def _redact_value(value):
    """Strings are redacted; anything else that could carry a path (a request object, a
    ``WSGIRequest`` repr) is redacted through its text form only if it contains a feed path, so
    numbers and other arguments keep their type for %-formatting."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float) or value is None:
        return value
    text = str(value)
    return redact(text) if _has_token(text) else value


class RedactFeedTokens(logging.Filter):
    """Takes feed tokens out of a record's message, arguments and traceback text.

    Attached to the handler rather than to a logger, because a logger's filters do not see the
    records its children pass up to it; the handler sees every record it writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        else:
            record.msg = _redact_value(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_redact_value(value) for value in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RequestLogMiddleware:
    """Writes ``METHOD path status duration user`` for every request to "dostlik.requests".

    It is the outermost middleware, so the status is the one the client received (after every
    other middleware had its say) and the duration covers all of them. The user is read after
    the response exists: authentication has run by then, and an anonymous request logs "-"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        logger.info(
            "%s %s %s %.1fms user=%s",
            request.method,
            redact(request.path),
            response.status_code,
            duration_ms,
            user_id,
        )
        return response
