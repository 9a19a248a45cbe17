"""Who may see and change an event: whoever may see its programme sees it; the coordinators of
its host institution (and of the programme's lead) change it while the programme is open."""

import rules

from events.models import Event
from institutions.permissions import is_administrator, is_signed_in, role_ids
from programmes.models import Programme
from programmes.permissions import (
    can_change_programme,
    can_view_programme,
    coordinates_the_lead,
    partner_institution_ids,
)

# Events of a completed programme still take their attendance figures; those of a programme
# that will not go ahead (``Programme.Status.abandoned_states``) are closed.


def hostable_institution_ids(user, programme: Programme) -> set[int]:
    """The partners of ``programme`` that ``user`` may name as the host of one of its events:
    every partner for an administrator or a coordinator of the lead, otherwise only the partners
    they coordinate."""
    partner_ids = partner_institution_ids(programme)
    if is_administrator.test(user) or coordinates_the_lead.test(user, programme):
        return partner_ids
    return partner_ids & role_ids(user).institution_ids


@rules.predicate
def can_view_event(user, event: Event) -> bool:
    if event is None:
        return False
    return can_view_programme(user, event.programme)


@rules.predicate
def coordinates_the_host(user, event: Event) -> bool:
    if event is None:
        return False
    return event.host_institution_id in role_ids(user).institution_ids


@rules.predicate
def coordinates_the_programme_lead(user, event: Event) -> bool:
    if event is None:
        return False
    return coordinates_the_lead(user, event.programme)


@rules.predicate
def programme_takes_events(user, event: Event) -> bool:
    if event is None:
        return False
    return event.programme.status not in Programme.Status.abandoned_states


can_change_event = (
    is_signed_in
    & (is_administrator | coordinates_the_host | coordinates_the_programme_lead)
    & programme_takes_events
)
# Adding an event to a programme: whoever may change the programme.
can_add_event = can_change_programme
