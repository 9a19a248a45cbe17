from django import template
from django.utils.html import format_html

from accounts.once import FIELD, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token_field(context) -> str:
    """The hidden field that makes the form it is in create once (``accounts.once``)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, form_token(context["request"])
    )
