"""What a browser sends the admin, read where Django itself would raise (a server error) and
refused the way the admin refuses any other bad input: a form's error, the changelist's
"invalid lookup" notice, Django's "no items selected" message.

Every model admin and inline of the project has these through ``core.admin``;
Django's groups through ``institutions.admin``.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views import main
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def is_key(field: models.Field, value) -> bool:
    """Whether ``value``, as sent, could be a value of the key ``field``: of its type and
    within its column's range."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class AutocompleteSelect(widgets.AutocompleteSelect):
    """Django's autocomplete, which looks up the row a form names to draw it. A value that
    cannot be a key (text where a number goes, a number past the column's range), from a
    refused POST or a query string's initial value, names no row: it is left out of the lookup,
    where it would raise, and the form's own error says what was wrong."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", remote.model._meta.pk.attname)
        )
        return super().optgroups(name, [each for each in value if is_key(target, each)], attr)


class ModelKeysMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's choice of several rows, refusing a value that cannot be a key (a number past
    the column's range) as it refuses text, instead of leaving the database to raise."""

    def _check_values(self, value):
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name or model._meta.pk.name)
        for each in value:
            if not is_key(key, each):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": each},
                )
        return super()._check_values(value)


class RowKeysMixin:
    """For a model admin or an inline: the fields that look rows up by the keys a browser sent
    use the widget and the field above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelKeysMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class DateTimeListFilter(admin.DateFieldListFilter):
    """Django's date filter on a date-and-time column, reading a bound typed into the address
    as its own links are: a date and time without an offset is on the clock of the current time
    zone (Django would compare it as a naive datetime, with a warning)."""

    def queryset(self, request, queryset):
        for name in (self.lookup_kwarg_since, self.lookup_kwarg_until):
            if name in self.used_parameters:
                self.used_parameters[name] = [
                    self.moment(value) for value in self.used_parameters[name]
                ]
        return super().queryset(request, queryset)

    def moment(self, value) -> datetime.datetime:
        try:
            moment = self.field.to_python(value)
        except ValidationError as error:
            raise IncorrectLookupParameters(error) from error
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


admin.FieldListFilter.register(
    lambda field: isinstance(field, models.DateTimeField), DateTimeListFilter, take_priority=True
)


class ChangeList(main.ChangeList):
    """Django's changelist, refusing as an invalid lookup — the admin's own notice — the
    filters typed into its address that it would otherwise fail on: a value with a NUL character
    (no stored text holds one, and PostgreSQL cannot compare text with it), a date hierarchy's
    last year (``?starts_on__year=9999``: Django computes the period's end past the calendar) or
    a year before the first (``?starts_on__year=-2147483649``, which SQLite cannot hold),
    and numbers or moments SQLite cannot compare (past 64 bits; before year 1 once in UTC)."""

    def get_filters(self, request):
        values = (value for values in self.get_filters_params().values() for value in values)
        if any("\x00" in value for value in values):
            raise IncorrectLookupParameters("a NUL character")
        if self.date_hierarchy:
            try:
                year = int(self.params.get(f"{self.date_hierarchy}__year", ""))
            except ValueError:
                year = None  # none, or one Django refuses itself
            if year is not None and not datetime.MINYEAR <= year < datetime.MAXYEAR:
                raise IncorrectLookupParameters(f"year {year} is out of range")
        return super().get_filters(request)

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as error:  # raised by SQLite's driver on the query's parameters
            raise IncorrectLookupParameters(error) from error


class AdminInputMixin(RowKeysMixin):
    """For a model admin: the keys of rows (above), the changelist (above), an action's
    selection, a search term with a NUL character and an empty ``_to_field``."""

    def get_changelist(self, request, **kwargs):
        return ChangeList

    def response_action(self, request, queryset, *args, **kwargs):
        """Django applies an action to the rows whose keys are posted, filtering by them as
        sent; a value that cannot be a key names no row, as an unknown key names none, and is
        dropped rather than left to raise. With nothing left, Django says nothing was
        selected."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        keys = [each for each in selected if is_key(self.model._meta.pk, each)]
        if keys != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, keys)
        return super().response_action(request, queryset, *args, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        # No stored text holds a NUL character, and PostgreSQL cannot compare text with one:
        # such a term matches nothing. The changelist's search form refuses it already; the
        # autocomplete passes it on.
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_object(self, request, object_id, from_field=None):
        # Django refuses a ``_to_field`` that names a field it may not look rows up by, but lets
        # an empty one through to be looked up as a field called "": it names none, so the key
        # is meant, as without it.
        return super().get_object(request, object_id, from_field or None)
