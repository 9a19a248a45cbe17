"""The search boxes of the public lists. Their choices come from public data only: a programme
that may be named in a query is a published one, so no drop-down or error can spell out the
title of an internal record."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import Event
from institutions.models import Country
from programmes.models import Programme
from public.selectors import published

# Each word of a search is looked for in several fields: a few words find anything a person
# looks for, and a hundred would only cost the database.
MAX_SEARCH_WORDS = 6


class SearchField(forms.CharField):
    """The words of a search, each once, at most ``MAX_SEARCH_WORDS`` of them."""

    def clean(self, value):
        words = list(dict.fromkeys(super().clean(value).split()))
        if len(words) > MAX_SEARCH_WORDS:
            raise ValidationError(
                _("Search with at most %(count)s words."),
                code="too_many_words",
                params={"count": MAX_SEARCH_WORDS},
            )
        return " ".join(words)


class PublicEventSearchForm(forms.Form):
    """``q``, ``country`` (ISO code of where the event happens), ``kind``, ``when`` and
    ``programme`` (pk of a published programme): the contract's filter names where they apply."""

    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"
    WHEN_CHOICES = [
        (UPCOMING, _("Upcoming")),
        (PAST, _("Past")),
        (ALL, _("All dates")),
    ]

    q = SearchField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title, city, venue or host")}
        ),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Any kind")), *Event.Kind.choices],
        required=False,
    )
    # Shown as tabs above the list; the search keeps the one chosen.
    when = forms.ChoiceField(
        label=_("When"), choices=WHEN_CHOICES, required=False, widget=forms.HiddenInput
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(published()),
        required=False,
        widget=forms.HiddenInput,
    )

    def clean_when(self) -> str:
        return self.cleaned_data["when"] or self.UPCOMING


class PublicProgrammeSearchForm(forms.Form):
    """``q`` over title and summary, ``country`` of a partner and ``kind``."""

    q = SearchField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or summary")}),
    )
    country = forms.ModelChoiceField(
        label=_("Partner country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Any kind")), *Programme.Kind.choices],
        required=False,
    )
