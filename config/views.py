"""Site-wide pages: the signed-in home page and the health check."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.data_stamp import kept
from config.outage import RETRY_AFTER_SECONDS
from events.selectors import (
    event_attendance_between,
    event_count_between,
    event_list_upcoming,
    start_of_today,
)
from institutions.selectors import user_roles
from programmes.selectors import (
    agreement_count_in_force,
    programme_count_under_way,
    programme_list_worked_on,
)

UPCOMING_EVENTS_SHOWN = 10
OWN_PROGRAMMES_SHOWN = 8
# "Events ahead" on the home page counts this far forward.
EVENTS_AHEAD_DAYS = 30


@require_safe
def home(request):
    """The desk a person opens first: what happens next, their own programmes, the totals.
    Kept until the data changes, for each person and day (``config.data_stamp``)."""
    today = start_of_today()
    context = kept(("home", request.user.pk, today), lambda: _desk(request.user, today))
    return render(request, "home.html", context)


def _desk(user, today: datetime.datetime) -> dict:
    year_start = today.replace(month=1, day=1)
    next_year_start = year_start.replace(year=year_start.year + 1)
    return {
        "roles": user_roles(user=user),
        "upcoming_events": list(event_list_upcoming(user=user)[:UPCOMING_EVENTS_SHOWN]),
        "own_programmes": list(programme_list_worked_on(user=user)[:OWN_PROGRAMMES_SHOWN]),
        "programmes_under_way": programme_count_under_way(user=user),
        "events_ahead": event_count_between(
            user=user, start=today, end=today + datetime.timedelta(days=EVENTS_AHEAD_DAYS)
        ),
        "events_ahead_days": EVENTS_AHEAD_DAYS,
        "agreements_in_force": agreement_count_in_force(),
        "attendance": event_attendance_between(user=user, start=year_start, end=next_year_start),
        "year": year_start.year,
    }


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers and uptime checks: 200 while the database answers, 503 otherwise.

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
