"""``{% navigation_badges as badges %}``: the counts of the navigation on every page, for the
signed-in person: the programmes waiting for their decision (the badge of "Decisions"), and
everything that waits for them (decisions to take, requests for changes to answer, amendments to
decide on)."""

from django import template

from desk.waiting import Badges, badges_for

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation_badges(context) -> Badges | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return badges_for(request)
