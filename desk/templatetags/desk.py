"""``{% waiting_for_me as waiting %}``: what waits for the signed-in person (decisions to take,
requests for changes to answer, amendments to decide on), for the badge of the navigation on
every page."""

from django import template

from desk.waiting import waiting_for
from programmes.selectors import WorkWaiting, decision_count_waiting

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_for_me(context) -> WorkWaiting | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return waiting_for(request)


@register.simple_tag(takes_context=True)
def decisions_waiting_count(context) -> int:
    """The badge of "Decisions" in the navigation: as many programmes as the decision queue
    lists as waiting for the reader."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return decision_count_waiting(user=request.user)
