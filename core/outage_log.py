"""What the log says while the database is unreachable.

Kept apart from ``core.outage`` so that the logging configuration, read before Django's apps are
loaded, can import it.
"""

import logging
import time

from django.db.utils import InterfaceError, OperationalError

# Errors that mean "the database cannot be reached", as opposed to a bad query of ours.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(exception: BaseException | None) -> bool:
    """The error, or one it was raised from or while handling, is an unreachable database."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OUTAGE_ERRORS):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


class OneLineWhileDatabaseIsDown(logging.Filter):
    """What the log says while the database is unreachable: the request log's line of each
    request (status 503), and one warning per process every ``EVERY_SECONDS`` naming the error.

    Django logs a request that failed in a middleware as "Internal Server Error" with its
    whole traceback, and ``DatabaseOutageMiddleware`` notes each failed view: hundreds of
    tracebacks a second on a busy server. On the "django.request" and "core.outage" loggers,
    a record whose error is an outage becomes that warning, or is dropped between two."""

    EVERY_SECONDS = 10.0

    def __init__(self):
        super().__init__()
        self._last = float("-inf")

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not is_outage(error):
            return True
        now = time.monotonic()
        if now - self._last < self.EVERY_SECONDS:
            return False
        self._last = now
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = "Database unavailable, answering 503: %s", (error,)
        record.exc_info = record.exc_text = None
        return True
