"""The data stamp: one random value in the cache that changes whenever a row the desk shows
changes, so what is computed from the data (a month of the calendar, a feed's validators) can be
kept under the stamp it was computed at and is never served after a change.

A row saved or deleted, or a many-to-many link changed, in the desk's own apps or in Django's
groups and permissions (which decide who sees what) makes a new stamp: at once, so the writing
request reads its own change, and again when its transaction commits, so nothing another request
computed from the old rows in between stays under the current stamp. Writes that send no
signals (``QuerySet.update``, ``bulk_create``) call ``data_changed`` themselves.

With the cache unreachable there is no stamp and nothing is kept: callers compute from the
database. Kept values expire after ``KEEP_SECONDS`` whatever happens, which bounds how long a
change made outside the app (a restore, SQL typed by hand) can go unseen.
"""

import hashlib
import uuid
from collections.abc import Callable, Sequence

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from core.db_router import reading_the_primary

STAMP_KEY = "data-stamp"
KEEP_SECONDS = 300
# For what decides who may see what (roles, a feed's token): should the cache miss the new stamp
# of a change (a moment's outage), the old answer is kept at most this long.
ACCESS_KEEP_SECONDS = 60
# Raise when a kept value changes shape, so servers running the new code never read what
# servers running the old one kept (during a rolling deploy both run at once).
KEPT_FORMAT = 1
# The apps whose rows a page, a report or a calendar file shows, or that decide who sees what.
WATCHED_APPS = frozenset(
    {
        "accounts",
        "auth",
        "calendars",
        "events",
        "institutions",
        "multilingual",
        "programmes",
        "public",
        "reports",
    }
)
# Rows kept from other rows and written with them, whose writes move the stamp already: a
# receiver would only cost a change of the stamp per row, and Django's one-query deletes.
DERIVED_MODELS = frozenset({"reports.eventtally"})


def data_stamp() -> str | None:
    """The current stamp; a new one if the cache holds none; None if the cache is unreachable."""
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        cache.add(STAMP_KEY, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(STAMP_KEY)
    return stamp


def new_stamp() -> None:
    """Everything kept is stale from now on."""
    cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)


def data_changed() -> None:
    """Everything kept is stale: now, and again once the current transaction commits (asked
    once per transaction, however many rows it writes; robust, so a callback before it that
    fails cannot skip it)."""
    new_stamp()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is new_stamp for _savepoints, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(new_stamp, robust=True)


def _in_a_transaction() -> bool:
    """Whether the code runs in a transaction of the app's own. A test case's wrapping
    transaction does not count, as Django's durable atomic blocks do not count it either."""
    return any(
        not getattr(block, "_from_testcase", False)
        for block in transaction.get_connection().atomic_blocks
    )


def kept[T](
    name: str | Sequence[object], compute: Callable[[], T], *, timeout: int = KEEP_SECONDS
) -> T:
    """``compute()``, kept in the cache under ``name`` until the data changes. ``name`` (a
    string, or parts joined into one) must say everything besides the data that the value
    depends on (reader, language, time zone, the query...); it is hashed, so it may be of any
    length.

    The value is kept with the stamp it was computed at and read in the same round trip as the
    current stamp: one trip to the cache when it is still good. It is computed on the primary
    database (``core.db_router``): a replica a moment behind would give the rows from before
    the change that moved the stamp. Inside a transaction of the caller's, it is computed but
    not kept: the transaction may read rows it has not committed, or roll back."""
    if not isinstance(name, str):
        name = "|".join(str(part) for part in name)
    key = f"kept:{KEPT_FORMAT}:{hashlib.sha256(name.encode()).hexdigest()[:40]}"
    found = cache.get_many([STAMP_KEY, key])
    stamp = found.get(STAMP_KEY)
    if stamp is not None and key in found and found[key][0] == stamp:
        return found[key][1]
    if _in_a_transaction():
        return compute()
    stamp = stamp or data_stamp()
    with reading_the_primary():
        value = compute()
    if stamp is not None:
        cache.set(key, (stamp, value), timeout=timeout)
    return value


def _row_saved(sender, update_fields=None, **kwargs) -> None:
    # A sign-in writes the moment of it on the user, which no page shows.
    if not (update_fields and set(update_fields) == {"last_login"}):
        data_changed()


def _row_deleted(sender, **kwargs) -> None:
    data_changed()


def _links_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        data_changed()


def _migrated(sender, **kwargs) -> None:
    new_stamp()


def watched_models() -> list[type[Model]]:
    """The models of ``WATCHED_APPS`` but the derived ones, many-to-many links included (an
    auto-created one belongs to the app of its model)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WATCHED_APPS and model._meta.label_lower not in DERIVED_MODELS
    ]


def connect() -> None:
    """Make every watched write change the stamp (called once, from an app's ``ready``, when
    every model is loaded). Connected model by model: the rows of other models are deleted
    by Django in one query, without loading them to send signals no one listens to."""
    for model in watched_models():
        label = model._meta.label_lower
        post_save.connect(_row_saved, sender=model, dispatch_uid=f"data_stamp_saved:{label}")
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"data_stamp_deleted:{label}")
        m2m_changed.connect(_links_changed, sender=model, dispatch_uid=f"data_stamp_links:{label}")
    post_migrate.connect(_migrated, dispatch_uid="data_stamp_migrated")
