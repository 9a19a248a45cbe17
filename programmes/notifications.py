"""E-mail about programmes, sent after the change is saved.

Each message is queued as a task (django.tasks) when the transaction commits, so a rolled-back
change sends nothing, no request waits on the mail server, and a mail server that fails or is
down loses nothing: the message is queued again later (``core.mail``).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import MailKind, User
from accounts.notices import share
from core.mail import queued_again
from core.validators import single_line
from institutions.models import Country, Membership, NationalCoordinator
from programmes.models import Decision, Programme

logger = logging.getLogger(__name__)


@task
def send_programme_mail(*, subject: str, body: str, recipients: list[str], attempt: int = 1) -> int:
    try:
        # A subject is one line whatever the titles in it hold: a line break would lose the mail.
        return send_mail(single_line(subject), body, None, recipients)
    except Exception as error:
        message = {"subject": subject, "body": body, "recipients": recipients}
        # The mail server refused or could not be reached (smtplib's errors are OSErrors):
        # later may do. Anything else is a fault of ours, which waiting does not mend.
        if isinstance(error, OSError) and queued_again(
            send_programme_mail, attempt=attempt, **message
        ):
            logger.warning(
                "Could not send the mail %r to %s (attempt %d); it is queued again",
                subject,
                ", ".join(recipients),
                attempt,
                exc_info=True,
            )
            return 0
        logger.exception("Could not send the mail %r to %s", subject, ", ".join(recipients))
        raise


def queue_mail(*, subject: str, body: str, recipients: set[str]) -> None:
    if not recipients:
        return

    def queue() -> None:
        try:
            send_programme_mail.enqueue(subject=subject, body=body, recipients=sorted(recipients))
        except Exception:
            logger.exception("Could not queue the mail %r", subject)

    transaction.on_commit(queue)


def programme_url(programme: Programme) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("programmes:detail", args=[programme.pk])


def people_of(roles) -> list[User]:
    """The active people with an address who hold ``roles`` (rows with a ``user``), once each."""
    return list(
        User.objects.filter(pk__in=roles.values("user"), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def notify(*, kind: str, people: list[User], subject: str, body: str) -> None:
    """Mail ``people`` about their work, each as they chose for ``kind`` (``accounts.notices``):
    at once, in their daily summary, or not at all."""
    queue_mail(
        subject=subject,
        body=body,
        recipients=share(kind=kind, users=people, subject=subject, body=body),
    )


def programme_submitted(*, programme: Programme, countries: list[Country], again=False) -> None:
    """Tell the national coordinators of the participating countries that a programme waits
    for their decision."""
    people = people_of(NationalCoordinator.objects.filter(country__in=countries))
    subject = (
        _("Dostlik: “%(title)s” changed and waits for your decision again")
        if again
        else _("Dostlik: “%(title)s” waits for your decision")
    ) % {"title": programme.title}
    body = _(
        "The joint programme “%(title)s” (%(countries)s) was submitted for the decision of "
        "each participating country.\n\nDecide on it here: %(url)s\n"
    ) % {
        "title": programme.title,
        "countries": ", ".join(str(country) for country in countries),
        "url": programme_url(programme),
    }
    notify(kind=MailKind.DECISIONS_WAITING, people=people, subject=subject, body=body)


def programme_decided(*, programme: Programme, approval: Decision) -> None:
    """Tell the coordinators of the programme's partners what a country decided."""
    people = people_of(Membership.objects.filter(institution__partnerships__programme=programme))
    subject = _("Dostlik: %(country)s decided on “%(title)s”: %(decision)s") % {
        "country": str(approval.country),
        "title": programme.title,
        "decision": approval.get_decision_display().lower(),
    }
    body = _(
        "%(country)s decided on the joint programme “%(title)s”: %(decision)s.\n\n"
        "%(comment)s\n\nThe programme is now %(status)s: %(url)s\n"
    ) % {
        "country": str(approval.country),
        "title": programme.title,
        "decision": approval.get_decision_display().lower(),
        "comment": approval.comment or _("No comment."),
        "status": programme.get_status_display().lower(),
        "url": programme_url(programme),
    }
    notify(kind=MailKind.DECISIONS_TAKEN, people=people, subject=subject, body=body)
