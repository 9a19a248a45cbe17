"""Reads outside transactions go to a PostgreSQL read replica, when one is configured
(DATABASE_REPLICA_URL); writes, and every read inside a transaction, go to the primary, so a
service that reads what it is about to change always reads the primary; so do reads inside
``reading_the_primary``."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

REPLICA = "replica"
PRIMARY = "default"

_reading_the_primary = contextvars.ContextVar("reading_the_primary", default=False)


@contextmanager
def reading_the_primary() -> Iterator[None]:
    """Reads inside go to the primary: for what must include the latest change (what is cached
    under the content version, core/caching.py)."""
    token = _reading_the_primary.set(True)
    try:
        yield
    finally:
        _reading_the_primary.reset(token)


# Django's database cache (without REDIS_URL) names its table's rows so. The cache holds the
# content version, which a replica a moment behind would give from before the latest change.
DATABASE_CACHE = "django_cache"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if REPLICA not in settings.DATABASES:
            return None
        if (
            model._meta.app_label == DATABASE_CACHE
            or _reading_the_primary.get()
            or transaction.get_connection(PRIMARY).in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
