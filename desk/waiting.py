"""What waits for the signed-in person, for the navigation's badges and the home page's list."""

import dataclasses

from django.http import HttpRequest

from amendments.selectors import amendments_waiting
from core.caching import cached
from programmes.selectors import WorkWaiting, decision_count_waiting, work_waiting


def waiting_for(request: HttpRequest) -> WorkWaiting:
    """Read once per request, however often a page asks."""
    if not hasattr(request, "_work_waiting"):
        user = request.user
        request._work_waiting = dataclasses.replace(
            work_waiting(user=user), amendments=amendments_waiting(user=user)
        )
    return request._work_waiting


@dataclasses.dataclass(frozen=True)
class Badges:
    """The counts the navigation shows on every page."""

    decisions: int  # programmes the decision queue lists as waiting for the reader
    waiting: int  # everything waiting for the reader (``WorkWaiting.count``)


def badges_for(request: HttpRequest) -> Badges:
    """The navigation's counts for the reader, cached until the content changes (a decision, a
    submission, a role given or taken): every page shows them, and reading them afresh costs a
    page more than the rest of a cached month calendar."""

    def count() -> Badges:
        return Badges(
            decisions=decision_count_waiting(user=request.user),
            waiting=waiting_for(request).count,
        )

    return cached(("navigation badges", request.user.pk), count)
