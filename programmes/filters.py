"""Filters of the agreement and programme lists. Names are a URL contract shared with the
calendar: ``country`` (ISO code), ``institution`` (pk), ``kind``, ``status`` (one status, or
``under_way`` for approved or active programmes, ``in_force_or_expiring`` for agreements in force),
``from`` and ``to`` (YYYY-MM-DD), and ``q``."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Country, Institution
from multilingual.search import search_translated
from programmes.models import Agreement, AgreementParty, Partnership, Programme

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Statuses that group others, as the home page's figures count them.
IN_FORCE_OR_EXPIRING = "in_force_or_expiring"
UNDER_WAY = "under_way"


def _countries(request):
    return Country.objects.order_by("name")


def _institutions(request):
    return Institution.objects.order_by("name", "pk")


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Title or reference")}),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=_countries,
        to_field_name="code",
        empty_label=_("All countries"),
        method="with_party_of_country",
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=_institutions,
        empty_label=_("All institutions"),
        method="with_party",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Agreement.Kind.choices, empty_label=_("Any kind")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*Agreement.Status.choices, (IN_FORCE_OR_EXPIRING, _("In force or expiring"))],
        empty_label=_("Any status"),
        method="with_status",
    )

    class Meta:
        model = Agreement
        fields = ["q", "country", "institution", "kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(reference__icontains=value))

    def with_party_of_country(self, queryset, name, value):
        parties = AgreementParty.objects.filter(institution__country=value)
        return queryset.filter(pk__in=parties.values("agreement"))

    def with_party(self, queryset, name, value):
        parties = AgreementParty.objects.filter(institution=value)
        return queryset.filter(pk__in=parties.values("agreement"))

    def with_status(self, queryset, name, value):
        # The status is derived from dates, so it is a query, not a column.
        if value == IN_FORCE_OR_EXPIRING:
            return queryset.with_status(Agreement.Status.IN_FORCE) | queryset.with_status(
                Agreement.Status.EXPIRING
            )
        return queryset.with_status(value)


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Title or summary")}),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=_countries,
        to_field_name="code",
        empty_label=_("All countries"),
        method="with_partner_of_country",
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=_institutions,
        empty_label=_("All institutions"),
        method="with_partner",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Programme.Kind.choices, empty_label=_("Any kind")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*Programme.Status.choices, (UNDER_WAY, _("Approved or active"))],
        empty_label=_("Any status"),
        method="with_status",
    )
    # ``from`` is a Python keyword; both dates are published under their contract names below.
    # A programme matches when it runs on any day between them: it ends on or after ``from``
    # and starts on or before ``to``.
    runs_from = django_filters.DateFilter(
        label=_("From"),
        field_name="ends_on",
        lookup_expr="gte",
        widget=DATE_INPUT,
    )
    runs_to = django_filters.DateFilter(
        label=_("To"),
        field_name="starts_on",
        lookup_expr="lte",
        widget=DATE_INPUT,
    )

    class Meta:
        model = Programme
        fields = ["q", "country", "institution", "kind", "status"]

    def search(self, queryset, name, value):
        return search_translated(queryset, value, ("title", "summary"))

    def with_partner_of_country(self, queryset, name, value):
        partners = Partnership.objects.filter(institution__country=value)
        return queryset.filter(pk__in=partners.values("programme"))

    def with_status(self, queryset, name, value):
        if value == UNDER_WAY:
            return queryset.filter(status__in=Programme.Status.under_way_states)
        return queryset.filter(status=value)

    def with_partner(self, queryset, name, value):
        partners = Partnership.objects.filter(institution=value)
        return queryset.filter(pk__in=partners.values("programme"))


ProgrammeFilter.base_filters["from"] = ProgrammeFilter.base_filters.pop("runs_from")
ProgrammeFilter.base_filters["to"] = ProgrammeFilter.base_filters.pop("runs_to")
