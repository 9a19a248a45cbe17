"""Reminders: agreements about to expire and events of the coming week, each mailed once.

National coordinators of every party's country hear of an agreement when its end comes within
90 days and again within 30 days; coordinators of an event's host institution hear of the event
in the week before it starts. ``send_reminders`` runs this every hour from cron, so a run must
be idempotent: what was sent is recorded as a ``Reminder`` row and never sent again.

Each reminder is recorded once. The row is written first, in its own transaction, and the mail is
handed to the mail queue only when that transaction commits. A run that crashes before the
commit records and sends nothing, and the next run tries again. Cron never sends a recorded
reminder again; the queue tries a mail the server refused again a few times (``core.mail``),
then logs it as failed. A missed reminder is cheaper than a duplicate every hour.

The two agreement thresholds are steps, not separate reminders owed: a run sends only the most
urgent threshold an agreement has reached. An agreement first seen 20 days before its end gets
the 30-day reminder alone, never a 90-day one after it. Both records are keyed on the agreement's
end (or the event's start), so an agreement that is extended, or an event that is moved, is
reminded of again when the new date comes near.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import MailKind, User
from accounts.notices import share
from core.mail import queued_again
from core.validators import single_line
from events.models import Event
from institutions.models import Country, Membership, NationalCoordinator
from programmes.models import Agreement, Programme
from reminders.models import Reminder

logger = logging.getLogger(__name__)

# Days before an agreement's end at which its national coordinators are reminded, most urgent
# first; the widest is the window in which an agreement counts as "expiring".
AGREEMENT_THRESHOLDS = (
    (30, Reminder.Kind.AGREEMENT_EXPIRING_30),
    (90, Reminder.Kind.AGREEMENT_EXPIRING_90),
)
# Events that start within this time from now are "in the coming week".
EVENT_HORIZON = datetime.timedelta(days=7)


@dataclass
class DueReminder:
    """A reminder that is due and not yet recorded, with its message in the recipient's
    language. ``failed`` is learnt after the commit when the mailer answers at once."""

    kind: str
    recipient: User
    subject: str
    body: str
    agreement: Agreement | None = None
    event: Event | None = None
    failed: bool | None = field(default=None, compare=False)

    @property
    def record_fields(self) -> dict:
        """The key of the ``Reminder`` row that records this reminder."""
        return {
            "kind": self.kind,
            "recipient": self.recipient,
            "agreement": self.agreement,
            "valid_until": self.agreement.valid_until if self.agreement else None,
            "event": self.event,
            "starts_at": self.event.starts_at if self.event else None,
        }


@task
def send_reminder_mail(*, subject: str, body: str, recipient: str, attempt: int = 1) -> int:
    try:
        return send_mail(single_line(subject), body, None, [recipient])
    except Exception as error:
        message = {"subject": subject, "body": body, "recipient": recipient}
        # The mail server refused or could not be reached (smtplib's errors are OSErrors):
        # later may do. Anything else is a fault of ours, which waiting does not mend.
        if isinstance(error, OSError) and queued_again(
            send_reminder_mail, attempt=attempt, **message
        ):
            logger.warning(
                "Could not send the reminder %r to %s (attempt %d); it is queued again",
                subject,
                recipient,
                attempt,
                exc_info=True,
            )
            return 0
        logger.exception(
            "Could not send the reminder %r to %s; it is recorded and will not be retried",
            subject,
            recipient,
        )
        raise


def reminders_due(*, now: datetime.datetime) -> list[DueReminder]:
    """Every reminder due at ``now`` that has not been recorded yet, agreements first."""
    return [*_agreement_reminders(now=now), *_event_reminders(now=now)]


def reminders_send(*, now: datetime.datetime | None = None) -> list[DueReminder]:
    """Record and mail every reminder due at ``now``; return those recorded by this run."""
    now = now or timezone.now()
    return [
        reminder for reminder in reminders_due(now=now) if reminder_send(reminder=reminder, now=now)
    ]


def reminder_send(*, reminder: DueReminder, now: datetime.datetime) -> bool:
    """Record one reminder and mail it when the record commits; False if it was recorded
    already.

    The record comes first, in its own transaction, and the mail leaves on commit: at most
    once, see the module's docstring. Two runs at once cannot both send one reminder: the
    database's unique constraint lets only one of them create the row, and the other skips it.
    """
    with transaction.atomic():
        _row, created = Reminder.objects.get_or_create(
            **reminder.record_fields, defaults={"sent_at": now}
        )
        # At once, in the person's daily summary, or not at all, as they chose; recorded
        # either way, so it is not due again.
        if created and share(
            kind=MailKind.REMINDERS,
            users=[reminder.recipient],
            subject=reminder.subject,
            body=reminder.body,
        ):
            transaction.on_commit(partial(_hand_over, reminder))
    return created


def _hand_over(reminder: DueReminder) -> None:
    try:
        result = send_reminder_mail.enqueue(
            subject=reminder.subject, body=reminder.body, recipient=reminder.recipient.email
        )
    except Exception:
        logger.exception("Could not queue the reminder %r", reminder.subject)
        reminder.failed = True
        return
    if result.status == TaskResultStatus.FAILED:
        reminder.failed = True
    elif result.status == TaskResultStatus.SUCCESSFUL:
        reminder.failed = False


def _language(user: User) -> str:
    """The recipient's language if the site speaks it, else the site's."""
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _site_url(view_name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(view_name, args=[pk])


def _agreement_reminders(*, now: datetime.datetime) -> list[DueReminder]:
    today = timezone.localdate(now)
    agreements = list(
        Agreement.objects.with_status(Agreement.Status.EXPIRING, today)
        .prefetch_related("party_rows__institution__country")
        .order_by("valid_until", "title", "pk")
    )
    countries_of = {
        agreement.pk: {row.institution.country for row in agreement.party_rows.all()}
        for agreement in agreements
    }
    nationals_of = defaultdict(list)
    for role in (
        NationalCoordinator.objects.filter(
            country__in={country for countries in countries_of.values() for country in countries},
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "country")
        .order_by("user__username", "country__name")
    ):
        nationals_of[role.country].append(role.user)
    recorded = set(
        Reminder.objects.filter(agreement__in=agreements).values_list(
            "kind", "recipient_id", "agreement_id", "valid_until"
        )
    )

    due = []
    for agreement in agreements:
        days_left = (agreement.valid_until - today).days
        kind = next(kind for days, kind in AGREEMENT_THRESHOLDS if days_left <= days)
        # One reminder a person, however many of the parties' countries they coordinate.
        their_countries = defaultdict(list)
        for country in sorted(countries_of[agreement.pk], key=lambda country: country.name):
            for user in nationals_of[country]:
                their_countries[user].append(country)
        for user, countries in sorted(their_countries.items(), key=lambda item: item[0].username):
            if (kind, user.pk, agreement.pk, agreement.valid_until) in recorded:
                continue
            with translation.override(_language(user)):
                subject, body = _agreement_message(agreement, days_left, countries)
            due.append(
                DueReminder(
                    kind=kind, recipient=user, subject=subject, body=body, agreement=agreement
                )
            )
    return due


def _agreement_message(
    agreement: Agreement, days_left: int, countries: list[Country]
) -> tuple[str, str]:
    date = formats.date_format(agreement.valid_until, "DATE_FORMAT")
    values = {
        "title": agreement.title,
        "date": date,
        "days": days_left,
        "parties": ", ".join(row.institution.name for row in agreement.party_rows.all()),
        "countries": ", ".join(str(country) for country in countries),
        "url": _site_url("programmes:agreement_detail", agreement.pk),
    }
    subject = _("Dostlik: the agreement “%(title)s” expires on %(date)s") % values
    if days_left == 0:
        when = _("The agreement “%(title)s” between %(parties)s expires today, %(date)s.") % values
    else:
        when = (
            ngettext(
                "The agreement “%(title)s” between %(parties)s expires on %(date)s, "
                "in %(days)s day.",
                "The agreement “%(title)s” between %(parties)s expires on %(date)s, "
                "in %(days)s days.",
                days_left,
            )
            % values
        )
    body = "\n\n".join(
        [
            when,
            _("If the cooperation is to go on, now is the time to prepare its extension."),
            _("See the agreement: %(url)s") % values,
            _("You receive this reminder as a national coordinator of %(countries)s.") % values,
        ]
    )
    return subject, body + "\n"


def _event_reminders(*, now: datetime.datetime) -> list[DueReminder]:
    events = list(
        Event.objects.filter(starts_at__gte=now, starts_at__lte=now + EVENT_HORIZON)
        .exclude(status=Event.Status.CANCELLED)
        .exclude(programme__status__in=Programme.Status.abandoned_states)
        .select_related("programme", "host_institution", "venue", "country")
        .order_by("starts_at", "pk")
    )
    coordinators_of = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            institution__in={event.host_institution_id for event in events},
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    ):
        coordinators_of[membership.institution_id].append(membership.user)
    recorded = set(
        Reminder.objects.filter(event__in=events).values_list(
            "kind", "recipient_id", "event_id", "starts_at"
        )
    )

    kind = Reminder.Kind.EVENT_COMING_WEEK
    due = []
    for event in events:
        for user in coordinators_of[event.host_institution_id]:
            if (kind, user.pk, event.pk, event.starts_at) in recorded:
                continue
            with translation.override(_language(user)):
                subject, body = _event_message(event)
            due.append(
                DueReminder(kind=kind, recipient=user, subject=subject, body=body, event=event)
            )
    return due


def _event_message(event: Event) -> tuple[str, str]:
    if event.all_day:
        starts = formats.date_format(event.local_starts_at, "DATE_FORMAT")
    else:
        starts = formats.date_format(event.local_starts_at, "DATETIME_FORMAT")
    values = {
        "title": event.title,
        "programme": event.programme.title,
        "institution": event.host_institution.name,
        "date": formats.date_format(event.local_starts_at, "DATE_FORMAT"),
        "starts": starts,
        "time_zone": event.time_zone,
        "place": str(event.venue) if event.venue else event.city,
        "country": str(event.country),
        "status": event.get_status_display(),
        "url": _site_url("events:detail", event.pk),
    }
    subject = _("Dostlik: “%(title)s” begins on %(date)s") % values
    body = "\n\n".join(
        [
            _(
                "“%(title)s” of the joint programme “%(programme)s”, hosted by %(institution)s, "
                "begins on %(starts)s (local time, %(time_zone)s) in %(place)s, %(country)s."
            )
            % values,
            _("Its status is: %(status)s.") % values,
            _("See the event: %(url)s") % values,
            _("You receive this reminder as a coordinator of %(institution)s.") % values,
        ]
    )
    return subject, body + "\n"
