"""What waits for the signed-in person, for the navigation's badge and the home page's list."""

import dataclasses

from django.http import HttpRequest

from amendments.selectors import amendments_waiting
from programmes.selectors import WorkWaiting, work_waiting


def waiting_for(request: HttpRequest) -> WorkWaiting:
    """Read once per request, however often a page asks."""
    if not hasattr(request, "_work_waiting"):
        user = request.user
        request._work_waiting = dataclasses.replace(
            work_waiting(user=user), amendments=amendments_waiting(user=user)
        )
    return request._work_waiting
