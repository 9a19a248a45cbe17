"""The invitation's e-mail, queued when the transaction commits (``core.mail``).

It is written in the language active when it is queued: the inviter's, on the page they sent
it from. The link carries the token, which exists nowhere else.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.mail import queued_again
from core.validators import single_line
from invitations.models import Invitation

logger = logging.getLogger(__name__)


@task
def send_invitation_mail(*, subject: str, body: str, recipient: str, attempt: int = 1) -> int:
    try:
        return send_mail(single_line(subject), body, None, [recipient])
    except Exception as error:
        message = {"subject": subject, "body": body, "recipient": recipient}
        # The mail server refused or could not be reached (smtplib's errors are OSErrors).
        if isinstance(error, OSError) and queued_again(
            send_invitation_mail, attempt=attempt, **message
        ):
            logger.warning(
                "Could not send the invitation %r (attempt %d); it is queued again",
                subject,
                attempt,
                exc_info=True,
            )
            return 0
        logger.exception("Could not send the invitation %r", subject)
        raise


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitations:accept", args=[token])


def invitation_mailed(*, invitation: Invitation, token: str, actor) -> None:
    """Queue the invitation's mail, with its link, once the transaction commits."""
    expires = timezone.localtime(invitation.expires_at)
    subject = _("Dostlik: you are invited as %(role)s") % {"role": invitation.role_display}
    body = _(
        "%(inviter)s invites you to Dostlik, the platform of joint cultural programmes, as:\n\n"
        "%(role)s\n\n"
        "Accept the invitation here:\n%(url)s\n\n"
        "The link can be used once and expires on %(expires)s (%(zone)s).\n"
        "If you did not expect this invitation, ignore this message.\n"
    ) % {
        "inviter": actor.get_full_name() or actor.username,
        "role": invitation.role_display,
        "url": invitation_url(token),
        "expires": formats.date_format(expires, "DATETIME_FORMAT"),
        "zone": expires.tzname(),
    }
    recipient = invitation.email

    def queue() -> None:
        try:
            send_invitation_mail.enqueue(subject=subject, body=body, recipient=recipient)
        except Exception:
            logger.exception("Could not queue the invitation %r", subject)

    transaction.on_commit(queue)
