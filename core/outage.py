"""While the database is unreachable, every page answers 503 with a calm page instead of a 500.

A lost database is an outage of the whole site, not a fault of one page: the visitor is told to
come back shortly (``Retry-After``), load balancers and monitors see 503, and no traceback is
shown. Nothing here keeps state between requests, so the site recovers by itself as soon as the
database answers again: Django drops a connection that failed (and, with
``CONN_HEALTH_CHECKS``, a persistent connection that died while idle) and opens a new one.
"""

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from core.outage_log import is_outage

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
# Set on a request whose handling failed because the database could not be reached.
OUTAGE_MARK = "_dostlik_database_outage"


def database_outage_response(request) -> HttpResponse:
    """The 503 page. Rendered without a request context: nothing in it touches the database.

    Who is asking cannot be known without the database: the request is left with an anonymous
    user, so that middleware further out (the request log) does not query the database again.
    """
    request.user = AnonymousUser()
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def mark_outage(sender, request=None, **kwargs):
    """Remember on the request that it failed for want of a database.

    Middleware further in (sessions, authentication, the user's language) reads the database
    too, and Django turns their exceptions into a 500 before any outer middleware could catch
    them; this signal is sent while that exception is being handled, so it is still at hand.
    """
    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, OUTAGE_MARK, True)


got_request_exception.connect(mark_outage, dispatch_uid="dostlik-database-outage")


class DatabaseOutageMiddleware:
    """Turn a request that failed because the database is unreachable into the 503 page.

    Place it first after SecurityMiddleware, so that it wraps every middleware that may read
    the database. Errors raised by the view arrive in ``process_exception``; errors raised by
    other middleware arrive as a 500 that ``mark_outage`` has marked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, OUTAGE_MARK, False):
            return database_outage_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.warning("Database unavailable: %s", exception, exc_info=exception)
        return database_outage_response(request)
