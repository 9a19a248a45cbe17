"""How large a request body each URL takes, refused before a byte of it is read.

Django reads an upload to the end — to memory, then to a temporary file — before a form can
check its size; a proxy's limit is the only other guard. ``RequestBodyLimitMiddleware`` answers
413 to a request whose ``Content-Length`` is above its view's limit, before the CSRF check or
anything else reads the body. A view states its own limit with ``@body_limit(bytes)``; any other
takes ``settings.REQUEST_BODY_MAX_BYTES``, set for the largest upload anywhere (an agreement's
document or a decision's letter in the admin) with room for the rest of the form. A body sent
without a length is not read by Django at all.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# What a form sends besides its file: the other fields, the multipart boundaries.
FORM_OVERHEAD_BYTES = 64 * 1024


def body_limit(limit: int) -> Callable:
    """Refuse a request to the decorated view whose body is above ``limit`` bytes; give the
    largest file it takes: room for the rest of the form is added."""

    def decorate(view):
        view.body_limit = limit + FORM_OVERHEAD_BYTES
        return view

    return decorate


class RequestBodyLimitMiddleware:
    """Place it before ``CsrfViewMiddleware``, the first to read a POST's body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "body_limit", settings.REQUEST_BODY_MAX_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return None
        return HttpResponse(
            _("The request is larger than %(limit)s, so nothing was read or saved.")
            % {"limit": filesizeformat(limit - FORM_OVERHEAD_BYTES)},
            status=413,
            content_type="text/plain; charset=utf-8",
        )
