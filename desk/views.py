"""Pages that put several apps together: the home page a signed-in person opens first, and an
institution's page with its programmes, events and agreements."""

import datetime
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from desk.waiting import waiting_for
from events.selectors import (
    event_attendance_in_year,
    event_count_between,
    event_list_hosted_upcoming,
    event_list_upcoming,
    start_of_today,
)
from institutions.models import Institution
from institutions.selectors import institution_get, user_roles
from programmes.selectors import (
    agreement_count_in_force,
    agreement_list_for_institution,
    programme_count_under_way,
    programme_list_for_institution,
    programme_list_worked_on,
)

UPCOMING_EVENTS_SHOWN = 10
OWN_PROGRAMMES_SHOWN = 8
# "Events ahead" on the home page counts this far forward.
EVENTS_AHEAD_DAYS = 30
# An institution's page lists this many of each; the rest are a click away on the filtered list.
RELATED_SHOWN = 10


@require_safe
def home(request):
    """The desk a person opens first: what happens next, their own programmes, the totals.
    Each figure is one query, and links to the list of exactly what it counts."""
    user = request.user
    today = start_of_today()
    context = {
        "roles": user_roles(user=user),
        "upcoming_events": list(event_list_upcoming(user=user)[:UPCOMING_EVENTS_SHOWN]),
        "own_programmes": list(programme_list_worked_on(user=user)[:OWN_PROGRAMMES_SHOWN]),
        "programmes_under_way": programme_count_under_way(user=user),
        "events_ahead": event_count_between(
            user=user, start=today, end=today + datetime.timedelta(days=EVENTS_AHEAD_DAYS)
        ),
        "events_ahead_days": EVENTS_AHEAD_DAYS,
        # The event list's filters for the same events; its ``to`` is the last day included.
        "events_ahead_query": urlencode(
            {
                "from": today.date().isoformat(),
                "to": (today.date() + datetime.timedelta(days=EVENTS_AHEAD_DAYS - 1)).isoformat(),
            }
        ),
        "agreements_in_force": agreement_count_in_force(),
        "attendance": event_attendance_in_year(user=user, year=today.year),
        "waiting": waiting_for(request),
        "year": today.year,
    }
    return render(request, "home.html", context)


@require_safe
def institution_detail(request, pk: int):
    user = request.user
    try:
        institution = institution_get(user=user, pk=pk)
    except Institution.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "institution": institution,
        "programmes": programme_list_for_institution(user=user, institution=institution)[
            :RELATED_SHOWN
        ],
        "upcoming_events": event_list_hosted_upcoming(user=user, institution=institution)[
            :RELATED_SHOWN
        ],
        "agreements": agreement_list_for_institution(user=user, institution=institution)[
            :RELATED_SHOWN
        ],
        "related_shown": RELATED_SHOWN,
    }
    return render(request, "institutions/institution_detail.html", context)
