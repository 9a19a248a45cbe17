"""``{% work_waiting as waiting %}``: what waits for the signed-in person (decisions to take,
requests for changes to answer), for the badge of the navigation on every page."""

from django import template

from programmes.selectors import WorkWaiting, work_waiting

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_for_me(context) -> WorkWaiting | None:
    """Read once per request, however often a page asks."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    if not hasattr(request, "_work_waiting"):
        request._work_waiting = work_waiting(user=request.user)
    return request._work_waiting
