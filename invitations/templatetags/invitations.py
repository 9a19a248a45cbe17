"""The invitations of an institution on its coordinators page, for those who may invite there:
``{% institution_invitations institution %}`` lists them, ``{% invite_coordinator institution %}``
is the form inviting a coordinator. Nothing for anyone else."""

from django import template

from invitations.forms import InviteForm
from invitations.permissions import can_invite_anyone, can_invite_to_institution
from invitations.selectors import institution_invitations as invitations_of

register = template.Library()


@register.inclusion_tag("invitations/includes/institution_invitations.html", takes_context=True)
def institution_invitations(context, institution) -> dict:
    user = context["request"].user
    if not can_invite_to_institution.test(user, institution):
        return {"may_invite": False}
    return {
        "may_invite": True,
        "is_administrator": can_invite_anyone.test(user),
        "institution": institution,
        "invitations": list(invitations_of(institution=institution)),
    }


@register.inclusion_tag("invitations/includes/invite_form.html", takes_context=True)
def invite_coordinator(context, institution) -> dict:
    user = context["request"].user
    if not can_invite_to_institution.test(user, institution):
        return {"may_invite": False}
    return {
        "may_invite": True,
        "institution": institution,
        "form": InviteForm(actor=user, institution=institution),
    }
