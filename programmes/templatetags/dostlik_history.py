"""``{% change_history_for record %}``: the "Changes" card of an agreement, programme or event
page. A tag, so a page shows its record's history without its view having to fetch it."""

from django import template

from programmes.history import change_history

register = template.Library()


@register.inclusion_tag("includes/change_history.html", takes_context=True)
def change_history_for(context, record):
    """Render the change history of ``record`` (a model with django-simple-history) as the
    page's reader may see it."""
    return {"history": change_history(record, reader=context["request"].user)}
