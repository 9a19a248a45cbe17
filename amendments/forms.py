"""The national coordinators' decision on an amendment."""

from django.utils.translation import gettext_lazy as _

from programmes.forms import DecisionForm
from programmes.models import Decision

Kind = Decision.Kind


class AmendmentDecisionForm(DecisionForm):
    """Approve or reject: an amendment is not sent back with changes requested; a country that
    wants another change rejects this one and says which."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (Kind.APPROVED, _("Approve the amendment")),
            (Kind.REJECTED, _("Reject it: the programme stays as approved")),
        ]
        self.fields["comment"].help_text = _("Required when rejecting: say why.")
