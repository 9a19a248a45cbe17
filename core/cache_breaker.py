"""Redis that does not answer is asked again only after a pause.

Each cache call waits up to ``REDIS_TIMEOUT`` for Redis, and a page makes about ten: with Redis
hung (not down, which fails at once, but stopped or overloaded) every signed-in request took
about five seconds. This client for django-redis (``REDIS_CLIENT_CLASS``) remembers, for the
whole process, a call that failed to connect or timed out: for ``PAUSE_SECONDS`` afterwards
every call fails at once without touching the network, which django-redis treats as a miss
(``IGNORE_EXCEPTIONS``), and the app serves from the database. The first call after the pause
tries Redis again, and, if it answers, everything goes on as before.

A change made while Redis did not answer could not move the content version
(``core.caching``): what was cached before it would be served again once Redis is back. So the
first call that reaches Redis after a failure moves the version before anything else, and
every value cached before the outage is computed again.
"""

import threading
import time

import redis

from core.caching import content_version_moved

PAUSE_SECONDS = 10.0

# Reentrant: the thread that moves the version calls the cache, which may fail and pause.
_lock = threading.RLock()
_paused_until = 0.0
# A call failed since the version was last moved.
_unsure = False
# Set in the thread moving the version, whose own call to the cache must not move it again.
_moving = threading.local()


def paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until, _unsure
    with _lock:
        _paused_until = time.monotonic() + PAUSE_SECONDS
        _unsure = True


def _back() -> bool:
    """Whether the cache may be asked: after a failure, once the content version is moved,
    before anything else is asked. The other threads of the process wait meanwhile, so none
    reads a value cached before the outage; if the version could not be moved, the call is
    answered as a miss and the next one tries again."""
    global _unsure
    if not _unsure or getattr(_moving, "now", False):  # the usual case costs one read
        return True
    with _lock:
        if not _unsure:
            return True
        _moving.now = True
        try:
            moved = content_version_moved()
        finally:
            _moving.now = False
        if moved:
            _unsure = False
        return moved


class PausingRedis(redis.Redis):
    def execute_command(self, *args, **options):
        if paused():
            raise redis.ConnectionError("Redis is not asked for a while after it failed.")
        if not _back():
            raise redis.ConnectionError("Redis answers, but the content version did not move.")
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError):
            _pause()
            raise
