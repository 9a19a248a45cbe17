"""What the log says while Redis is unreachable.

django-redis (IGNORE_EXCEPTIONS) treats a failed cache call as a miss and logs it, with the whole
traceback, on the "dostlik.cache" logger: dozens of tracebacks a second on a busy server. This
filter makes that one warning line per process every ``EVERY_SECONDS``, naming the error, and
drops the repeats in between; the app carries on from the database meanwhile.
"""

import logging
import time

EVERY_SECONDS = 10.0


class OneLineWhileCacheIsDown(logging.Filter):
    def __init__(self):
        super().__init__()
        self._last = float("-inf")

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._last < EVERY_SECONDS:
            return False
        self._last = now
        error = record.exc_info[1] if record.exc_info else None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = "Cache unavailable, serving without it: %s"
        record.args = (error or record.getMessage(),)
        record.exc_info = record.exc_text = None
        return True
