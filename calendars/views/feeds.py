"""Calendar subscriptions: a signed-in person's feeds, and the feed files calendar apps poll.

The list page (``/calendar/feeds/``) makes feeds and revokes them. A new feed's address holds
its secret token, so it is shown once, on the page that answers the POST that made it: never
behind a redirect to a GET address that a browser history, a proxy log or a bookmark would
keep, and never stored by a cache (``Cache-Control: no-store``). A form with errors is shown
again with status 200.

The feed file (``/calendar/feeds/<token>.ics``) is fetched by calendar apps, which do not sign
in: the token is the key. It answers 404 alike for an unknown token, a revoked feed and a
deactivated owner, read from the database on every fetch so a revocation holds at once on every
server. Calendar apps poll for ever, so an unchanged feed answers 304 after that one query — its
ETag and Last-Modified are cached until the content changes (``core.caching``) — without being
rendered; fetched in full, it is sent as the file written for that ETag
(``calendars.calendar_files``); a changed one is rendered from cached VEVENTs in a fixed number
of queries, whatever its size.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calendars import services
from calendars.calendar_files import calendar_response
from calendars.feeds import (
    FEED_FILTER_NAMES,
    feed_address,
    feed_by_token,
    feed_events,
    feed_filters_in_words,
    feed_get,
    feed_list,
    feed_window_start,
)
from calendars.forms import FeedForm
from calendars.ical import calendar_bytes, feed_validators
from calendars.models import CalendarFeed
from core.forms import add_service_error
from core.ratelimits import (
    count_unknown_feed,
    feed_rate_limit,
    rate_limited,
    unknown_feeds_exhausted,
)

# Raise when what a feed file holds changes shape, so calendar apps fetch it again in full.
FEED_FORMAT = 1


def _filters_from_query(request) -> dict[str, str]:
    """The calendar's current filters, passed along in the query string by its "subscribe"
    link, to start the form from. Values the form does not offer are simply not selected."""
    return {name: request.GET[name] for name in FEED_FILTER_NAMES if request.GET.get(name)}


def _list_page(request, form: FeedForm):
    feeds = list(feed_list(user=request.user))
    words = feed_filters_in_words(feeds, user=request.user)
    return render(
        request,
        "calendars/feeds_list.html",
        {"form": form, "feed_rows": [(feed, words[feed.pk]) for feed in feeds]},
    )


def _ready_page(request, new_feed: services.NewFeed):
    """The one page that ever shows the feed's address. Never stored by a browser or proxy."""
    feed = new_feed.feed
    response = render(
        request,
        "calendars/feeds_ready.html",
        {
            "feed": feed,
            "address": feed_address(token=new_feed.token),
            "filter_words": feed_filters_in_words([feed], user=request.user)[feed.pk],
        },
    )
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def feeds(request):
    if request.method != "POST":
        form = FeedForm(user=request.user, initial=_filters_from_query(request))
        return _list_page(request, form)
    form = FeedForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            new_feed = services.feed_create(
                owner=request.user, name=form.cleaned_data["name"], filters=form.feed_filters()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _ready_page(request, new_feed)
    return _list_page(request, form)


@require_POST
def feed_revoke(request, pk: int):
    try:
        feed = feed_get(user=request.user, pk=pk)
    except CalendarFeed.DoesNotExist as exc:
        raise Http404 from exc
    if services.feed_revoke(feed=feed, actor=request.user):
        messages.success(
            request,
            _("The feed “%(name)s” was revoked: its address no longer works.") % {"name": feed},
        )
    else:
        messages.info(request, _("The feed “%(name)s” was already revoked.") % {"name": feed})
    return redirect("calendars:feeds")


def _feed_cache_key(feed: CalendarFeed) -> str:
    """What shapes a feed besides its events: a rename or another language is a new file."""
    filters = "&".join(f"{name}={feed.filters[name]}" for name in sorted(feed.filters))
    language = translation.get_language() or ""
    # The window of a feed without ``from`` moves once a month: a new month is a new file.
    window = feed.filters.get("from") or feed_window_start().isoformat()
    return f"{FEED_FORMAT}|{feed.pk}|{feed.name}|{filters}|{window}|{language}"


@login_not_required
@require_safe
@feed_rate_limit
def feed_file(request, token: str):
    if unknown_feeds_exhausted(request):
        return rate_limited(request, None)
    try:
        feed = feed_by_token(token=token)
    except CalendarFeed.DoesNotExist:
        count_unknown_feed(request)
        raise Http404 from None
    cache_key = _feed_cache_key(feed)
    # The events are read only when the validators are not cached or the file not on disk.
    etag, last_modified = feed_validators(lambda: feed_events(feed=feed), cache_key=cache_key)
    # Most fetches end here as a 304: while nothing changed, nothing more is read or rendered.
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp())
    )
    if response is None:
        response = calendar_response(
            cache_key=cache_key,
            etag=etag,
            make=lambda: calendar_bytes(
                feed_events(feed=feed),
                name=_("Dostlik — %(name)s") % {"name": feed.name},
                description=_("Events of joint cultural programmes, from Dostlik."),
            ),
            content_type="text/calendar; charset=utf-8",
            request=request,
        )
        services.feed_touch(feed=feed)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # The feed holds what its owner may see: shared caches keep none of it, and a calendar
    # app asks again (cheaply, with its ETag) instead of trusting an old copy.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response
