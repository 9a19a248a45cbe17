"""Who may propose, decide on, withdraw and read an amendment: the rules of the programme it
amends. Whoever may change an approved or active programme (or one of its events) proposes;
the national coordinators of the participating countries decide, as on a submission, but not on
a programme of an institution they coordinate; the partners' coordinators withdraw it while it
waits; whoever may see the programme reads it."""

import rules

from amendments.models import Amendment
from institutions.permissions import is_administrator, is_signed_in
from programmes.models import Programme
from programmes.permissions import (
    can_view_programme,
    coordinates_a_partner,
    is_national_coordinator_of_a_participant,
)


@rules.predicate
def is_under_way(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status in Programme.Status.under_way_states


@rules.predicate
def is_waiting(user, amendment: Amendment) -> bool:
    if amendment is None:
        return False
    return amendment.state == Amendment.State.OPEN


def _of_its_programme(predicate):
    """``predicate`` on a programme, asked of an amendment's programme."""

    @rules.predicate(name=f"amendment_{predicate.name}")
    def of_programme(user, amendment: Amendment) -> bool:
        return amendment is not None and predicate.test(user, amendment.programme)

    return of_programme


can_view_amendment = _of_its_programme(can_view_programme)
can_decide_amendment = (
    is_signed_in
    & _of_its_programme(is_national_coordinator_of_a_participant)
    & ~_of_its_programme(coordinates_a_partner)
    & is_waiting
)
can_withdraw_amendment = (
    is_signed_in & (is_administrator | _of_its_programme(coordinates_a_partner)) & is_waiting
)
