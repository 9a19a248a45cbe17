"""``{% programme_amendments programme %}``: the amendments card of a programme's page."""

from django import template

from amendments.selectors import programme_amendments as amendments_of

register = template.Library()


@register.inclusion_tag("amendments/includes/programme_amendments.html")
def programme_amendments(programme) -> dict:
    return {"amendments": amendments_of(programme=programme)}
