import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.caching import changes_content
from institutions.models import Institution
from programmes.models import Agreement, AgreementParty


@changes_content
@transaction.atomic
def agreement_create(
    *,
    actor: User | None,
    title: str,
    kind: str,
    signed_on: datetime.date,
    parties: list[Institution],
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    reference: str = "",
    summary: str = "",
) -> Agreement:
    """Record an agreement between at least two distinct parties; it is in force from signing
    unless ``valid_from`` says otherwise."""
    if len(set(parties)) < 2:
        raise ValidationError(_("An agreement needs at least two different parties."))
    agreement = Agreement(
        title=title,
        kind=kind,
        signed_on=signed_on,
        valid_from=valid_from or signed_on,
        valid_until=valid_until,
        reference=reference,
        summary=summary,
    )
    agreement.full_clean()
    agreement._history_user = actor
    agreement.save()
    for institution in dict.fromkeys(parties):
        AgreementParty.objects.create(agreement=agreement, institution=institution)
    return agreement
