"""``{{ programme|localized:"title" }}``: a title, name or description in the reader's
language where an editor gave it, else the original (see ``multilingual.content``).
``{% interface_languages as languages %}``: the languages of the interface, for a switch."""

from django import template
from django.conf import settings

from multilingual.content import localized as localized_text

register = template.Library()


@register.filter
def localized(record, field: str) -> str:
    return localized_text(record, field)


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    """(code, name) of each language, the name written in that language and never translated
    (Django's ``get_available_languages`` would translate "English"): a reader looks for the
    name of their own language."""
    return list(settings.LANGUAGES)
