"""Values computed from the desk's records, cached until a service changes a record.

A cached value is filed under the *content version*: one random value in the cache, which
``content_changed`` replaces. Every write the desk makes moves it:

- each service that writes what a page shows is marked ``@changes_content`` (a test walks every
  ``services`` module and fails on a service that is not, unless the test lists it as writing
  nothing any page shows);
- the Django admin moves it for every row it adds, changes or deletes (``core.admin``: the
  admin's log of its own writes is the hook), whether or not the admin went through a service.

A user's own preferences, their calendar feeds and the moment a feed was fetched are not
content: writing them leaves every cached page in place.

The version moves at once, so the writing request reads its own change, and again when its
transaction commits, so nothing another request computed from the old rows in between stays
under the current version. Inside a transaction of the caller's, a value is computed but not
cached: the transaction may read rows it has not committed, or roll back. Cached values expire
after ``CACHE_TIMEOUT`` whatever happens, which bounds how long a change made outside the app
(SQL typed by hand, a restore) can go unseen. With the cache unreachable, values are computed.

The cache is shared by every app server and worker (Redis, or the database cache without
``REDIS_URL``; ``config.settings``): a change made through one is seen by all at once.
"""

import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.db import transaction

from core.db_router import reading_the_primary

VERSION_KEY = "content-version"
CACHE_TIMEOUT = 300
# Raise when a cached value changes shape, so servers running the new code never read what
# servers running the old one cached (during a rolling deploy both run at once).
KEY_FORMAT = 1


def content_version() -> str | None:
    """The current version; a new one if the cache holds none; None if it is unreachable."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _new_version() -> bool:
    """Whether the cache took the new version (an unreachable cache ignores it)."""
    return bool(cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def content_version_moved() -> bool:
    """Everything cached is stale, now, whatever transaction runs: for the cache client, once the
    cache answers again after a failure (``core.cache_breaker``). Whether the cache took it."""
    return _new_version()


def content_changed() -> None:
    """Everything cached is stale: now, and again once the current transaction commits (asked
    once per transaction however many writes it makes; robust, so a callback before it that
    fails cannot skip it)."""
    _new_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is _new_version for _savepoints, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_new_version, robust=True)


def changes_content[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Mark a service that writes what a page shows: once it returns, everything cached is
    stale (``content_changed``)."""

    @functools.wraps(service)
    def writing(*args: P.args, **kwargs: P.kwargs) -> R:
        result = service(*args, **kwargs)
        content_changed()
        return result

    writing.changes_content = True
    return writing


def _key(name: str | Sequence[object]) -> str:
    if not isinstance(name, str):
        name = "|".join(str(part) for part in name)
    return f"cached:{KEY_FORMAT}:{hashlib.sha256(name.encode()).hexdigest()[:40]}"


def forget(name: str | Sequence[object]) -> None:
    """Drop what is cached under ``name`` (as ``cached`` names it): now, and again once the
    current transaction commits, so a value computed from the old rows in between goes too.
    For a value that a write other than content makes stale, such as a revoked feed."""

    def drop() -> None:
        cache.delete(_key(name))

    drop()
    transaction.on_commit(drop, robust=True)


def _in_a_transaction() -> bool:
    """Whether the code runs in a transaction of the app's own. A test case's wrapping
    transaction does not count, as Django's durable atomic blocks do not count it either."""
    return any(
        not getattr(block, "_from_testcase", False)
        for block in transaction.get_connection().atomic_blocks
    )


def cached[T](
    name: str | Sequence[object], compute: Callable[[], T], *, timeout: int = CACHE_TIMEOUT
) -> T:
    """``compute()``, cached under ``name`` until the content changes. ``name`` (a string, or
    parts joined into one) must say everything besides the records that the value depends on
    (reader, language, time zone, the query...); it is hashed, so it may be of any length.

    The value is cached with the version it was computed at and read in the same round trip as
    the current version: one trip to the cache when it is still good. It is computed on the
    primary database (``core.db_router``): a replica a moment behind would give the rows from
    before the change that moved the version."""
    key = _key(name)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is not None and key in found and found[key][0] == version:
        return found[key][1]
    if _in_a_transaction():
        return compute()
    version = version or content_version()
    with reading_the_primary():
        value = compute()
    if version is not None:
        cache.set(key, (version, value), timeout=timeout)
    return value
