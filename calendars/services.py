"""Writes of subscription feeds.

A feed's token is made here and handed back once; only its hash is stored, so nobody — an
administrator, a database backup — can read a working feed address afterwards. A lost address
is replaced by a new feed, and the old one revoked.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.feeds import FEED_FILTER_NAMES, feed_cache_name, is_window_start, token_hash
from calendars.models import CalendarFeed
from core.caching import forget

# A calendar app polls a feed every few minutes to every few hours: writing each fetch down
# would turn every poll into a write. Once in this span is enough to tell a feed in use.
FETCH_RECORD_INTERVAL = datetime.timedelta(minutes=5)

audit_log = logging.getLogger("dostlik.audit")


@dataclass(frozen=True)
class NewFeed:
    """A feed just made, and its token: the one time the token is known."""

    feed: CalendarFeed
    token: str


def _clean_filters(filters: dict) -> dict[str, str]:
    """The filters a feed keeps: the calendar's names only, non-empty, as the text a query
    string carries (so the calendar page and the feed read them alike)."""
    unknown = set(filters) - set(FEED_FILTER_NAMES)
    if unknown:
        raise ValidationError(
            _("Unknown calendar filters: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    cleaned = {}
    for name in FEED_FILTER_NAMES:
        value = filters.get(name)
        if value in ("", None):
            continue
        value = value.isoformat() if isinstance(value, datetime.date) else str(value)
        if name in ("institution", "programme") and not value.isdigit():
            raise ValidationError(
                {"filters": _("The %(name)s filter must be a number.") % {"name": name}}
            )
        if name == "from" and not is_window_start(value):
            raise ValidationError(
                {"filters": _("The from filter must be a date between 1900 and 2199.")}
            )
        cleaned[name] = value
    return cleaned


def feed_create(*, owner: User, name: str, filters: dict | None = None) -> NewFeed:
    """Make a feed of the events ``owner`` may see, narrowed by ``filters`` (the calendar's
    ``country``, ``institution``, ``programme``, ``kind``, ``status``). Whether the filters
    name things ``owner`` may see matters little: every fetch serves only what the owner may
    see then. The token (256 random bits) is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        owner=owner,
        name=name.strip(),
        filters=_clean_filters(filters or {}),
        token_hash=token_hash(token),
    )
    feed.full_clean()
    feed.save()
    return NewFeed(feed=feed, token=token)


def feed_revoke(*, feed: CalendarFeed, actor: User) -> bool:
    """Stop ``feed`` for good: its address answers 404 from now on. Its owner or an
    administrator may. Returns whether this call revoked it (False when it already was); an
    earlier revocation keeps its date."""
    if actor.pk != feed.owner_id and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied
    now = timezone.now()
    revoked = bool(
        CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=now)
    )
    if revoked:
        feed.revoked_at = now
        forget(feed_cache_name(feed))
        if actor.pk != feed.owner_id:
            audit_log.info(
                "%s revoked calendar feed %s of %s", actor.username, feed.pk, feed.owner_id
            )
    else:
        feed.refresh_from_db(fields=["revoked_at"])
    return revoked


def feed_touch(*, feed: CalendarFeed, now: datetime.datetime | None = None) -> bool:
    """Note that a calendar app fetched ``feed``: one UPDATE, at most once per
    ``FETCH_RECORD_INTERVAL``, so polling does not become a stream of writes. Returns whether
    it wrote."""
    now = now or timezone.now()
    last = feed.last_fetched_at
    if last is not None and now - last < FETCH_RECORD_INTERVAL:
        return False
    # ``feed`` may be a copy kept from before the last fetch noted (``feeds.feed_by_token``):
    # the cache tells whether a fetch was noted in this span already, and the row itself
    # whether it is time. Not a change of what the feed shows, so the data stamp stays.
    span = FETCH_RECORD_INTERVAL.total_seconds()
    noted = cache.add(
        f"calendar-feed-noted:{feed.pk}:{int(now.timestamp() // span)}", True, timeout=int(span)
    )
    if noted is False:  # None: no cache to ask
        return False
    due = Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - FETCH_RECORD_INTERVAL)
    written = bool(CalendarFeed.objects.filter(due, pk=feed.pk).update(last_fetched_at=now))
    feed.last_fetched_at = now
    return written
