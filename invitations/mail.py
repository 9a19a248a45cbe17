"""The invitation's e-mail, queued when the transaction commits (``core.mail``).

It is written in the language active when it is queued: the inviter's, on the page they sent
it from. The link carries the token, which exists nowhere else.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.mail import queue_one_mail
from invitations.models import Invitation


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
    queue_one_mail(subject=subject, body=body, recipient=invitation.email)
