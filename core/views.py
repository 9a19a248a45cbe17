"""The health check, for load balancers and uptime monitors."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.outage import RETRY_AFTER_SECONDS


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, 503 otherwise.

    A query, not just a connection: a persistent connection (CONN_MAX_AGE) outlives a database
    restart as an open but dead socket, which only a round trip reveals.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (DatabaseError, InterfaceError):
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok\n", content_type="text/plain")
