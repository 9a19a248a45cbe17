"""The report filters, read from the query string under the site's filter names.

Every field may be left out: the year then defaults to the current one and the rest to "all".
A value that cannot be understood (``year=soon``, ``country=XX``, a programme the reader may not
see) makes the form invalid with a message that says which filter is wrong.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from institutions.models import Country, Institution
from institutions.permissions import role_ids
from institutions.selectors import country_list
from programmes.models import Decision, Programme
from programmes.selectors import programme_choices
from reports.selectors import BALANCE_YEARS, RegisterFilters, ReportFilters, earliest_year

# Both countries became independent in 1991; nothing the desk records is older.
MIN_YEAR = 1991
MAX_YEAR = 2100
# The year picker offers at least this many years back from the current one.
YEARS_OFFERED_BACK = BALANCE_YEARS - 1


class CountryCodeField(forms.ModelChoiceField):
    """A country by its ISO code, in either case: ``?country=kz`` is Kazakhstan too."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    country = CountryCodeField(
        label=_("Country"),
        queryset=country_list(),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.order_by("name", "pk"),
        required=False,
        empty_label=_("All institutions"),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    kind = forms.ChoiceField(
        label=_("Programme kind"),
        choices=[("", _("Any kind")), *Programme.Kind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Programme status"),
        choices=[("", _("Any status")), *Programme.Status.choices],
        required=False,
    )

    def __init__(self, data, *, user: User):
        if not str(data.get("year", "")).strip():
            # The picker shows the year the report is for, not the first year it offers.
            data = data.copy()
            data["year"] = str(timezone.localdate().year)
        super().__init__(data)
        # Only programmes the reader may see: a draft's title must not leak through a list.
        self.fields["programme"].queryset = programme_choices(user=user)
        self.user = user
        # A callable: the years are looked up only when the picker is drawn, not for a download.
        self.fields["year"].widget = forms.Select(choices=self._year_choices)

    def _year_choices(self) -> list[tuple[str, str]]:
        """From next year back to the first programme the reader may see (at least a
        balance's worth of years), plus a valid year asked for outside that range."""
        this_year = timezone.localdate().year
        first = min(earliest_year(user=self.user) or this_year, this_year - YEARS_OFFERED_BACK)
        years = set(range(max(first, MIN_YEAR), this_year + 2))
        asked = str(self.data.get("year", "")).strip()
        if asked.isdigit() and MIN_YEAR <= int(asked) <= MAX_YEAR:
            years.add(int(asked))
        # Plain digits: a year is never written with a thousands separator.
        return [(str(year), str(year)) for year in sorted(years, reverse=True)]

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            year=data.get("year") or timezone.localdate().year,
            country=data.get("country"),
            institution=data.get("institution"),
            programme=data.get("programme"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
        )

    def query(self) -> dict[str, str]:
        """The filters as given, under their URL names, for links to exports and to the
        other report; the year always, so a saved link keeps meaning the same year."""
        filters = self.filters()
        query = {"year": str(filters.year)}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if name == "year" or value in (None, ""):
                continue
            query[name] = value.code if name == "country" else str(getattr(value, "pk", value))
        return query

    def described(self) -> list[tuple[str, str]]:
        """Each filter and its value in words, for the "About" sheet of a download."""
        filters = self.filters()
        lines = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if name == "year":
                words = str(filters.year)
            elif isinstance(field, forms.ModelChoiceField):
                words = str(value) if value else str(field.empty_label)
            else:
                words = str(dict(field.choices).get(value or "", value))
            lines.append((str(field.label), words))
        return lines

    def error_lines(self) -> list[str]:
        """Each wrong filter with what is wrong with it, for the page and the export."""
        return [
            f"{self.fields[name].label}: {error}" if name in self.fields else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]


class BalanceFilterForm(ReportFilterForm):
    """The balance compares every country with all the others, so it takes neither a country
    nor an institution: either would turn every share into 100 %."""

    # The filters the two reports share, carried over when the reader switches between them.
    shared_filters = ("year", "programme", "kind", "status")

    def __init__(self, data, *, user: User):
        super().__init__(data, user=user)
        del self.fields["country"]
        del self.fields["institution"]


class DecisionRegisterForm(forms.Form):
    """The filters of the decision register. A national coordinator who names no country reads
    their own country's register; ``country=`` (empty) asks for every country."""

    country = CountryCodeField(
        label=_("Country"),
        queryset=country_list(),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Any decision")), *Decision.Kind.choices],
        required=False,
    )
    standing = forms.ChoiceField(
        label=_("Standing"),
        choices=[
            ("", _("Standing or superseded")),
            ("standing", _("Standing")),
            ("superseded", _("Superseded by a newer version")),
        ],
        required=False,
    )
    taken = forms.ChoiceField(
        label=_("Taken"),
        choices=[
            ("", _("On the site or on paper")),
            ("site", _("On the site")),
            ("paper", _("On paper")),
        ],
        required=False,
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, user: User):
        if "country" not in data:
            own = sorted(role_ids(user).country_ids)
            if len(own) == 1:
                data = data.copy()
                data["country"] = Country.objects.get(pk=own[0]).code
        super().__init__(data)
        # Only programmes the reader may see that were decided on.
        self.fields["programme"].queryset = programme_choices(user=user).filter(
            pk__in=Decision.objects.values("programme")
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The last day comes before the first."))
        return data

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data
        return RegisterFilters(
            country=data.get("country"),
            decision=data.get("decision") or "",
            standing=data.get("standing") or "",
            taken=data.get("taken") or "",
            programme=data.get("programme"),
            since=data.get("since"),
            until=data.get("until"),
        )

    def query(self) -> dict[str, str]:
        """The filters as given, for the download links; the country always, even empty, so
        a download asks for what the page shows."""
        query = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                if name == "country":
                    query[name] = ""
                continue
            if name == "country":
                query[name] = value.code
            elif isinstance(value, datetime.date):
                query[name] = value.isoformat()
            else:
                query[name] = str(getattr(value, "pk", value))
        return query

    def described(self) -> list[tuple[str, str]]:
        """Each filter and its value in words, for the "About" sheet of a download."""
        lines = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(field, forms.ModelChoiceField):
                words = str(value) if value else str(field.empty_label)
            elif isinstance(field, forms.DateField):
                words = value.isoformat() if value else "—"
            else:
                words = str(dict(field.choices).get(value or "", value))
            lines.append((str(field.label), words))
        return lines

    error_lines = ReportFilterForm.error_lines
