"""How each kind of mail reaches a person: at once, in one summary a day, or not at all.

A person chooses on their settings page, for each kind of mail (``MailKind``) the desk sends
about its work; mail that a person must get to act at all (an invitation, a password reset) is
not of these kinds and always leaves at once. Whoever sends one of these kinds hands the people
to ``share``: it gives back the addresses to mail now and keeps a ``Notice`` for each person who
reads that kind once a day. ``summaries_send`` (run with the reminders, every hour) mails each
such person one summary of what waits for them, once a day, after ``SUMMARY_HOUR`` in their
time zone.
"""

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Delivery, Notice, User
from core.mail import queue_one_mail

# The hour of the day, in each person's zone, from which their daily summary leaves.
SUMMARY_HOUR = 8


def delivery_of(user: User, kind: str) -> str:
    """How mail of ``kind`` reaches ``user``: at once unless they chose otherwise."""
    chosen = (user.mail_preferences or {}).get(kind)
    return chosen if chosen in Delivery.values else Delivery.IMMEDIATELY


def share(*, kind: str, users: Iterable[User], subject: str, body: str) -> set[str]:
    """The addresses of ``users`` to mail ``subject`` and ``body`` to now; for those who read
    ``kind`` once a day, a ``Notice`` kept for their next summary; nothing for those who chose
    not to get it. Inactive people and people without an address get nothing."""
    now, kept = set(), []
    for user in users:
        if not user.is_active or not user.email:
            continue
        delivery = delivery_of(user, kind)
        if delivery == Delivery.IMMEDIATELY:
            now.add(user.email)
        elif delivery == Delivery.DAILY:
            kept.append(Notice(user=user, kind=kind, subject=subject[:500], body=body))
    Notice.objects.bulk_create(kept)
    return now


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _language(user: User) -> str:
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _due(user: User, last_sent: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Whether ``user``'s summary may leave at ``now``: past the summary hour in their zone,
    and none left on their today yet."""
    local = now.astimezone(_zone(user))
    if local.hour < SUMMARY_HOUR:
        return False
    return last_sent is None or last_sent.astimezone(_zone(user)).date() < local.date()


def summary_of(user: User, notices: list[Notice]) -> tuple[str, str]:
    """The subject and body of ``user``'s summary of ``notices``, in their language."""
    with translation.override(_language(user)):
        count = len(notices)
        subject = ngettext(
            "Dostlik: your daily summary, %(count)d message",
            "Dostlik: your daily summary, %(count)d messages",
            count,
        ) % {"count": count}
        parts = [
            _(
                "What the desk had to tell you since your last summary. You chose to receive "
                "these messages once a day; change it on your settings page: %(url)s"
            )
            % {"url": settings.SITE_URL.rstrip("/") + reverse("accounts:settings")}
        ]
        for notice in notices:
            parts.append(f"— {notice.subject}\n\n{notice.body.strip()}")
    return subject, "\n\n".join(parts) + "\n"


def summaries_send(*, now: datetime.datetime | None = None) -> list[User]:
    """Mail each person whose summary is due (``_due``) one summary of their waiting
    notices, marking them sent; the people mailed. Two runs at once send one summary: the
    notices are taken under a row lock."""
    now = now or timezone.now()
    waiting = Notice.objects.filter(sent_at__isnull=True)
    last_sent = dict(
        Notice.objects.filter(user__in=waiting.values("user"), sent_at__isnull=False)
        .values_list("user")
        .annotate(last=models.Max("sent_at"))
    )
    people = User.objects.filter(pk__in=waiting.values("user"), is_active=True).order_by("pk")
    sent = []
    for user in people:
        if not user.email or not _due(user, last_sent.get(user.pk), now):
            continue
        with transaction.atomic():
            notices = list(
                waiting.filter(user=user).select_for_update(skip_locked=True).order_by("pk")
            )
            if not notices:
                continue
            Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(sent_at=now)
            subject, body = summary_of(user, notices)
            queue_one_mail(subject=subject, body=body, recipient=user.email)
        sent.append(user)
    return sent
