"""Creating and changing programmes and their partners."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core.caching import changes_content
from core.exceptions import StaleVersion
from institutions.models import Institution, Membership
from programmes.models import Agreement, Partnership, Programme, ProgrammeTransition
from programmes.selectors import coordinates_the_lead_of
from programmes.services.proposals import require_content_open
from programmes.services.workflow import (
    programme_content_changed,
    programme_events_shown_changed,
)
from programmes.versions import PROGRAMME_FIELDS

Status = Programme.Status
Role = Partnership.Role

# What programme_update changes: what a person fills in, and the translations of its texts.
PROGRAMME_EDITABLE_FIELDS = frozenset({*Programme.EDITABLE_FIELDS, "translations"})


@dataclass(frozen=True)
class PartnerRow:
    """One institution's part in a programme, as a form or a command gives it."""

    institution: Institution
    role: str = Role.PARTNER
    contribution: str = ""
    funding_amount: Decimal | None = None
    funding_currency: str = ""

    @property
    def scope(self) -> tuple:
        return (self.institution.pk, self.role, self.funding_amount, self.funding_currency or "")


@dataclass(frozen=True)
class ProgrammeSaved:
    programme: Programme
    # The change touched the approved content of a submitted programme: the decisions on it were
    # superseded and the programme waits for the national coordinators again.
    returned_for_decision: bool = False


def _row_of(partnership: Partnership) -> PartnerRow:
    return PartnerRow(
        institution=partnership.institution,
        role=partnership.role,
        contribution=partnership.contribution,
        funding_amount=partnership.funding_amount,
        funding_currency=partnership.funding_currency,
    )


def _check_partner_rows(rows: Sequence[PartnerRow]) -> None:
    if sum(row.role == Role.LEAD for row in rows) != 1:
        raise ValidationError(_("A programme has exactly one lead institution."))
    institution_ids = [row.institution.pk for row in rows]
    if len(set(institution_ids)) != len(institution_ids):
        raise ValidationError(_("Each institution takes part in a programme only once."))
    for row in rows:
        Partnership(
            institution=row.institution,
            role=row.role,
            contribution=row.contribution,
            funding_amount=row.funding_amount,
            funding_currency=row.funding_currency,
        ).full_clean(exclude=["programme"])


def _require_right_to_change_partners(
    programme: Programme,
    actor: User | None,
    before: Sequence[PartnerRow],
    rows: Sequence[PartnerRow],
) -> None:
    """Who takes part and who leads is for the lead institution's coordinators (and
    administrators); the coordinators of another partner change their own institution's
    contribution and funding only. The system (``actor`` None: demo data, imports) may."""
    if actor is None or actor.is_superuser or coordinates_the_lead_of(actor, programme):
        return
    own = set(Membership.objects.filter(user=actor).values_list("institution_id", flat=True))
    old = {row.institution.pk: row for row in before}
    new = {row.institution.pk: row for row in rows}
    same_partners = old.keys() == new.keys() and all(old[pk].role == new[pk].role for pk in old)
    others_kept = all(old[pk] == new[pk] for pk in old.keys() & new.keys() if pk not in own)
    if not (same_partners and others_kept):
        raise ValidationError(
            _(
                "Only the lead institution's coordinators change who takes part and who leads; "
                "you may change your own institution's contribution and funding."
            )
        )


def _write_partners(programme: Programme, rows: Sequence[PartnerRow]) -> None:
    """Make the programme's partnerships those of ``rows``. An institution that hosts events of
    the programme cannot be removed from it."""
    wanted = {row.institution.pk: row for row in rows}
    existing = {p.institution_id: p for p in programme.partnerships.select_related("institution")}
    removed = [p for institution_id, p in existing.items() if institution_id not in wanted]
    hosting = sorted(
        {
            event.host_institution.name
            for event in programme.events.filter(
                host_institution__in=[p.institution_id for p in removed]
            ).select_related("host_institution")
        }
    )
    if hosting:
        raise ValidationError(
            ngettext(
                "%(institutions)s hosts events of this programme: move those events first.",
                "%(institutions)s host events of this programme: move those events first.",
                len(hosting),
            )
            % {"institutions": ", ".join(hosting)}
        )
    Partnership.objects.filter(pk__in=[p.pk for p in removed]).delete()
    # Partners first, the lead last: the old lead steps down before the new one takes over, so
    # the one-lead rule holds at every step.
    for row in sorted(rows, key=lambda row: row.role == Role.LEAD):
        partnership = existing.get(row.institution.pk) or Partnership(
            programme=programme, institution=row.institution
        )
        partnership.role = row.role
        partnership.contribution = row.contribution
        partnership.funding_amount = row.funding_amount
        partnership.funding_currency = row.funding_currency
        partnership.full_clean()
        partnership.save()


@changes_content
@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    title: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    lead: Institution | None = None,
    partners: Sequence[PartnerRow] = (),
    summary: str = "",
    agreement: Agreement | None = None,
    budget_amount: Decimal | None = None,
    budget_currency: str = "",
    enrolled_students: int | None = None,
    at: datetime.datetime | None = None,
) -> Programme:
    """Create a draft programme with its partners: ``partners`` with exactly one lead, or just
    a ``lead`` (more partners come with ``partnership_add`` or ``programme_update``). ``at``
    dates the opening of the draft when it was started before being entered here."""
    rows = list(partners)
    if lead is not None and not any(row.institution == lead for row in rows):
        rows.insert(0, PartnerRow(institution=lead, role=Role.LEAD))
    _check_partner_rows(rows)
    programme = Programme(
        title=title,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary,
        agreement=agreement,
        budget_amount=budget_amount,
        budget_currency=budget_currency,
        enrolled_students=enrolled_students,
        created_by=actor,
    )
    programme.full_clean()
    programme._history_user = actor
    programme.save()
    _write_partners(programme, rows)
    ProgrammeTransition.objects.create(
        programme=programme,
        from_status="",
        to_status=Status.DRAFT,
        actor=actor,
        at=at or timezone.now(),
    )
    return programme


@changes_content
@transaction.atomic
def partnership_add(
    *,
    actor: User | None,
    programme: Programme,
    institution: Institution,
    contribution: str = "",
    funding_amount: Decimal | None = None,
    funding_currency: str = "",
) -> Partnership:
    """Add ``institution`` as a partner (not the lead) of a draft ``programme``. Partners of a
    submitted programme change through ``programme_update``, which handles the decisions."""
    if programme.status != Status.DRAFT:
        raise ValidationError(_("Partners are added this way to drafts only."))
    partnership = Partnership(
        programme=programme,
        institution=institution,
        role=Role.PARTNER,
        contribution=contribution,
        funding_amount=funding_amount,
        funding_currency=funding_currency,
    )
    partnership.full_clean()
    partnership.save()
    return partnership


@changes_content
@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    actor: User | None,
    version: int,
    partners: Sequence[PartnerRow] | None = None,
    **changes,
) -> ProgrammeSaved:
    """Change a programme's fields and, when ``partners`` is given, its partners, in one step.

    ``version`` is the version the editor started from: if the programme changed since, nothing
    is saved (``StaleVersion``), so no one's work is silently overwritten. A change to the
    approved content (partners, dates, budget; ``programmes.versions``) of a submitted programme
    puts it before the national coordinators again as a new version; of an approved or active
    programme it is refused but as part of an amendment every country approved
    (``programmes.services.proposals``).
    """
    unknown = changes.keys() - PROGRAMME_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"programme_update cannot change {sorted(unknown)}")
    stored = Programme.objects.select_for_update().get(pk=programme.pk)
    if stored.version != version:
        raise StaleVersion()
    if stored.status not in Status.open_states:
        raise ValidationError(
            _("This programme is %(status)s and can no longer be changed.")
            % {"status": stored.get_status_display().lower()}
        )
    changed = {name for name, value in changes.items() if getattr(stored, name) != value}
    before = [_row_of(p) for p in stored.partnerships.select_related("institution")]
    rows = before if partners is None else list(partners)
    if partners is not None:
        _check_partner_rows(rows)
        _require_right_to_change_partners(stored, actor, before, rows)
        # Only a draft may lose its last partner of a country: the submission rule would
        # otherwise be undone by an edit, and one country's approval would approve it.
        if stored.status in Status.reviewed_states and (
            len({row.institution.country_id for row in rows}) < 2
        ):
            raise ValidationError(
                _(
                    "A submitted programme keeps partners from at least two countries: "
                    "withdraw it to draft first."
                )
            )
    partners_changed = {(*row.scope, row.contribution) for row in rows} != {
        (*row.scope, row.contribution) for row in before
    }
    if not changed and not partners_changed:
        return ProgrammeSaved(programme=stored)
    content_changed = bool(changed & set(PROGRAMME_FIELDS)) or partners_changed
    if content_changed:
        require_content_open(stored)
    for name in changed:
        setattr(stored, name, changes[name])
    stored.version += 1
    stored.full_clean()
    stored._history_user = actor
    stored.save()
    if "title" in changed:
        programme_events_shown_changed(programme=stored)
    if partners_changed:
        _write_partners(stored, rows)
    returned = content_changed and programme_content_changed(programme=stored, actor=actor)
    programme.refresh_from_db()
    return ProgrammeSaved(programme=programme, returned_for_decision=returned)
