"""Filters of the institution list. Names are a URL contract: ``country`` (ISO code), ``kind``,
``q``."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Country, Institution


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, short name or city")}),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("All countries"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Institution.Kind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = Institution
        fields = ["q", "country", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(city__icontains=value)
        )
