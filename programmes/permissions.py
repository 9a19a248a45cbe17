"""Who may see, change and decide on a programme, and who may read an agreement's documents.

The same rule as ``programmes.selectors.programme_visibility`` decides who sees a programme: a
draft stays with the coordinators of its partners, the national coordinators of their countries
and administrators; afterwards every signed-in user sees it. Changing is for the coordinators of
its partners; deciding, for the national coordinators of the countries taking part.

Every signed-in user reads an agreement; its documents (the signed text, annexes) are for the
parties: the coordinators of its party institutions and the national coordinators of their
countries, who also add and remove them, read-only viewers, and administrators.
"""

import rules

from institutions.permissions import (
    is_administrator,
    is_coordinator,
    is_national_coordinator,
    is_signed_in,
    role_ids,
)
from programmes.models import Agreement, Programme, open_change_requests

Status = Programme.Status


def partner_institution_ids(programme: Programme) -> set[int]:
    return {partnership.institution_id for partnership in programme.partnerships.all()}


def participating_country_ids(programme: Programme) -> set[int]:
    return {
        partnership.institution.country_id
        for partnership in programme.partnerships.select_related("institution")
    }


@rules.predicate
def coordinates_a_partner(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return bool(role_ids(user).institution_ids & partner_institution_ids(programme))


@rules.predicate
def coordinates_the_lead(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return any(
        partnership.institution_id in role_ids(user).institution_ids
        for partnership in programme.partnerships.all()
        if partnership.role == partnership.Role.LEAD
    )


@rules.predicate
def is_national_coordinator_of_a_participant(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return bool(role_ids(user).country_ids & participating_country_ids(programme))


@rules.predicate
def is_draft(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status == Status.DRAFT


@rules.predicate
def is_submitted(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status == Status.SUBMITTED


@rules.predicate
def is_approved(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status == Status.APPROVED


@rules.predicate
def is_active(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status == Status.ACTIVE


@rules.predicate
def has_changes_requested(user, programme: Programme) -> bool:
    """A country asked for changes, and the programme was not resubmitted since."""
    if programme is None:
        return False
    return bool(open_change_requests(programme))


@rules.predicate
def is_rejected(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status == Status.REJECTED


@rules.predicate
def is_open(user, programme: Programme) -> bool:
    if programme is None:
        return False
    return programme.status in Status.open_states


works_on_it = is_administrator | coordinates_a_partner

can_view_programme = is_signed_in & (
    is_administrator | ~is_draft | coordinates_a_partner | is_national_coordinator_of_a_participant
)
can_create_programme = is_signed_in & (is_administrator | is_coordinator)
can_change_programme = is_signed_in & works_on_it & is_open
# Who takes the workflow's steps, whatever the status: the partners' coordinators take a
# programme through approval, the lead's take it on from there. Each step then asks for its
# status; a person who takes a step that the status no longer allows (someone else took it a
# moment before) is told so, not refused.
takes_approval_steps = is_signed_in & works_on_it
takes_lead_steps = is_signed_in & (is_administrator | coordinates_the_lead)
can_submit_programme = takes_approval_steps & is_draft
can_withdraw_programme = takes_approval_steps & is_submitted
can_reopen_programme = takes_approval_steps & is_rejected
can_resubmit_programme = takes_approval_steps & is_submitted & has_changes_requested
can_activate_programme = takes_lead_steps & is_approved
can_complete_programme = takes_lead_steps & is_active
can_cancel_programme = takes_lead_steps & is_open & ~is_draft
# Deciding is for the national coordinator of a country taking part, but not on a programme of
# an institution they coordinate themselves: another national coordinator of the country
# decides on that one. An administrator records a decision taken on paper through the Django
# admin, naming the country.
decides_on_programme = (
    is_signed_in & is_national_coordinator_of_a_participant & ~coordinates_a_partner
)
can_decide_programme = decides_on_programme & is_submitted
# A decision taken on paper is recorded in the admin: by an administrator for any participating
# country, by a national coordinator for their own, as they may decide on the site.
can_record_decision = is_signed_in & ((is_administrator & is_submitted) | can_decide_programme)

# The queue of programmes waiting for a country's decision.
can_view_decisions = is_signed_in & (is_administrator | is_national_coordinator)


@rules.predicate
def is_party_to_agreement(user, agreement: Agreement) -> bool:
    """Coordinates a party institution, or nationally coordinates a party's country."""
    if agreement is None:
        return False
    roles = role_ids(user)
    return any(
        party.institution_id in roles.institution_ids
        or party.institution.country_id in roles.country_ids
        for party in agreement.party_rows.all()
    )


@rules.predicate
def is_viewer(user) -> bool:
    return role_ids(user).is_viewer


can_manage_agreement_documents = is_signed_in & (is_administrator | is_party_to_agreement)
can_read_agreement_documents = can_manage_agreement_documents | (is_signed_in & is_viewer)

# The register of every decision, per country: for whoever reads on a state's behalf.
can_read_decision_register = is_signed_in & (is_administrator | is_national_coordinator | is_viewer)

# The menu asks these of every page through the ``rules`` template tags (``test_rule``).
rules.add_rule("programmes.view_decisions", can_view_decisions)
rules.add_rule("programmes.read_decision_register", can_read_decision_register)
