"""``awaited_countries``: the countries whose decision a submitted programme waits for, in words,
for the approvals panel of its page ("Kazakhstan and Uzbekistan")."""

from django import template
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from programmes.models import Programme
from programmes.selectors import CountryStanding

register = template.Library()


@register.filter
def awaited_countries(standings: list[CountryStanding], programme: Programme) -> str:
    """The countries that have not decided on the version now before them, by name; nothing
    unless ``programme`` is submitted."""
    if programme.status != Programme.Status.SUBMITTED:
        return ""
    names = [
        str(standing.country)
        for standing in standings
        if standing.decision is None or not standing.on_current_version
    ]
    return get_text_list(names, _("and")) if names else ""
