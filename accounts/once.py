"""A form that creates something creates it once, however often it is sent.

A browser that lost the answer to a POST sends it again; a person who clicks twice sends it
twice. Each such form carries a token made when the form was shown (``{% form_token_field %}``,
kept when the form comes back with errors); the view checks and creates inside
``created_once``, which claims the token first and records with it the page of what was
created, in one transaction. A form sent again with a token already recorded raises
``AlreadySent`` with that page, and nothing is created: the second of two copies arriving at
the same instant waits on the first's claim (the token's unique constraint) before doing
anything, then finds it. A form without a valid token
(an old page, a script) is created as before. Tokens are kept for a day.
"""

import datetime
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FormSubmission
from core.db_router import reading_the_primary

FIELD = "form_token"
KEPT_FOR = datetime.timedelta(days=1)


class AlreadySent(Exception):
    """This form was sent before and created what is at ``url``."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def token_of(request) -> uuid.UUID | None:
    """The token the POSTed form carries; None if it carries none or not a valid one."""
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def form_token(request) -> str:
    """The token of a form about to be shown: the one it carried if it comes back with errors
    (sent again once corrected, it is still the same form), else a new one."""
    return str(token_of(request) or uuid.uuid4()) if request.method == "POST" else str(uuid.uuid4())


def _earlier(request, token: uuid.UUID) -> str | None:
    """Where the form with ``token`` led when it was sent before, read on the primary database
    (a replica a moment behind would not have it yet)."""
    with reading_the_primary():
        return (
            FormSubmission.objects.filter(
                user=request.user, token=token, created_at__gte=timezone.now() - KEPT_FOR
            )
            .values_list("url", flat=True)
            .first()
        )


@contextmanager
def created_once(request) -> Iterator[Callable[[str], None]]:
    """Create inside this block and call what it gives with the URL of what was created. Raises
    ``AlreadySent`` instead if this form was sent before.

    The token is claimed first, in the block's transaction: a second copy of the form sent at
    the same instant waits on the claim until the first commits, before doing anything, then
    finds what the first made. A block that creates nothing (a form shown again with a warning)
    gives its claim back."""
    token = token_of(request)
    if token is None:
        yield lambda url: None
        return
    if (url := _earlier(request, token)) is not None:
        raise AlreadySent(url)
    made: list[str] = []
    try:
        with transaction.atomic():
            # A claim older than KEPT_FOR no longer counts: the token may be used again.
            FormSubmission.objects.filter(
                user=request.user, token=token, created_at__lt=timezone.now() - KEPT_FOR
            ).delete()
            claim = FormSubmission.objects.create(user=request.user, token=token, url="")
            yield made.append
            if made:
                claim.url = made[0]
                claim.save(update_fields=["url"])
            else:
                claim.delete()
    except IntegrityError:
        # The same form, sent at the same instant, committed first: what it made stands.
        if (url := _earlier(request, token)) is not None:
            raise AlreadySent(url) from None
        raise
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()


def already_sent(request, sent: AlreadySent) -> HttpResponse:
    """The answer to a form sent again: what the first sending made, and why it is shown."""
    messages.info(request, _("This form had been sent already: here is what it made, once."))
    return redirect(sent.url)
