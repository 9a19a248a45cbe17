"""E-mail about amendments, queued as the programmes' mail is (``programmes.notifications``)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import MailKind
from amendments.models import Amendment
from institutions.models import Country, Membership, NationalCoordinator
from programmes.models import Decision
from programmes.notifications import notify, people_of


def _url(amendment: Amendment) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("amendments:detail", args=[amendment.pk])


def amendment_proposed(*, amendment: Amendment, countries: list[Country]) -> None:
    """Tell the national coordinators of the participating countries that an amendment waits
    for their decision."""
    programme = amendment.programme
    notify(
        kind=MailKind.DECISIONS_WAITING,
        subject=_("Dostlik: an amendment of “%(title)s” waits for your decision")
        % {"title": programme.title},
        body=_(
            "An amendment of the joint programme “%(title)s” (%(countries)s) was proposed:\n\n"
            "%(note)s\n\nThe programme stays as approved until every participating country "
            "approves the amendment. Decide on it here: %(url)s\n"
        )
        % {
            "title": programme.title,
            "countries": ", ".join(str(country) for country in countries),
            "note": amendment.note,
            "url": _url(amendment),
        },
        people=people_of(NationalCoordinator.objects.filter(country__in=countries)),
    )


def amendment_decided(*, amendment: Amendment, decision: Decision) -> None:
    """Tell the coordinators of the programme's partners what a country decided, and what
    became of the amendment."""
    programme = amendment.programme
    notify(
        kind=MailKind.DECISIONS_TAKEN,
        subject=_("Dostlik: %(country)s decided on the amendment of “%(title)s”: %(decision)s")
        % {
            "country": str(decision.country),
            "title": programme.title,
            "decision": decision.get_decision_display().lower(),
        },
        body=_(
            "%(country)s decided on the amendment of the joint programme “%(title)s”: "
            "%(decision)s.\n\n%(comment)s\n\nThe amendment is now: %(state)s. %(url)s\n"
        )
        % {
            "country": str(decision.country),
            "title": programme.title,
            "decision": decision.get_decision_display().lower(),
            "comment": decision.comment or _("No comment."),
            "state": amendment.get_state_display().lower(),
            "url": _url(amendment),
        },
        people=people_of(Membership.objects.filter(institution__partnerships__programme=programme)),
    )
