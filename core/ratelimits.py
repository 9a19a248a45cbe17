"""Rate limits for the two doors anyone can knock on without signing in: the sign-in form and
the calendar feed files.

Counting is django-ratelimit's, kept in the default cache: Redis in production, so every app
server counts against the same totals. The rates live in ``settings.RATELIMIT_RATES`` (one per
group), so the environment or a test can change them without touching the views.

``client_address`` is the one address both django-axes (AXES_CLIENT_IP_CALLABLE) and the rate
limits (RATELIMIT_IP_META_KEY) use, so they agree on who is knocking. It trusts
``X-Forwarded-For`` only as far as ``settings.TRUSTED_PROXY_COUNT`` says proxies of ours stand
in front.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

LOGIN = "login"
FEED = "feed"
FEED_UNKNOWN = "feed-unknown"
SEARCH = "public-search"


def rate_for(group: str, request) -> str | None:
    """The rate of ``group`` from the settings; ``None`` leaves the group unlimited."""
    return settings.RATELIMIT_RATES.get(group)


def client_address(request) -> str:
    """The address of whoever sent the request.

    Each of our proxies appends the address it was reached from to ``X-Forwarded-For``, so with
    N proxies the client is the Nth entry from the right; entries further left are whatever the
    client wrote and are never trusted. Without proxies (or with fewer entries than proxies,
    which ours would not send) it is REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def feed_token(group: str, request) -> str:
    """A feed is counted by its token, not by address: calendar services fetch many people's
    feeds from a few addresses. django-ratelimit hashes the value into its cache key, so the
    token itself is never stored."""
    return request.resolver_match.kwargs["token"]


login_rate_limit = ratelimit(group=LOGIN, key="ip", rate=rate_for, method="POST")
feed_rate_limit = ratelimit(group=FEED, key=feed_token, rate=rate_for, method=ratelimit.ALL)


def unknown_feeds_exhausted(request) -> bool:
    """Whether the client's address already asked for as many feeds that do not exist as its
    limit allows. Guessing tokens costs a query each, so misses are limited per address,
    whatever limit a real feed has; a refused guess costs no query."""
    usage = get_usage(request, group=FEED_UNKNOWN, key="ip", rate=rate_for, method=ALL)
    return usage is not None and usage["count"] >= usage["limit"]


def count_unknown_feed(request) -> None:
    """Count one request for a feed that does not exist against the client's address."""
    get_usage(request, group=FEED_UNKNOWN, key="ip", rate=rate_for, method=ALL, increment=True)


def search_limited(request) -> bool:
    """Count a search of the public portal against the client's address; whether it is over
    its limit. Anyone may search without signing in, so each address has its share."""
    usage = get_usage(request, group=SEARCH, key="ip", rate=rate_for, method=ALL, increment=True)
    return usage is not None and usage["should_limit"]


def rate_limited(request, exception) -> HttpResponse:
    """Answer for a request over its limit (RATELIMIT_VIEW): 429 and one plain sentence."""
    response = HttpResponse(
        _("Too many requests. Please wait a minute and try again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response
