"""What every Dostlik admin shares: page size, an export the record keepers can open in a
spreadsheet, read-only pages for rows written elsewhere, and the hand-over from a service."""

import csv
import datetime
from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# A spreadsheet treats a cell that starts with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return are listed too, as some spreadsheets strip them first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel only reads a CSV file as UTF-8 (Cyrillic and Uzbek Latin names) when it starts with a BOM.
UTF8_BOM = "\ufeff"


def neutralise_formula(text: str) -> str:
    """Make a spreadsheet show ``text`` as text: a leading quote stops it being run as a
    formula."""
    if text.startswith(FORMULA_TRIGGERS):
        return f"'{text}"
    return text


def csv_cell(value, field: models.Field | None) -> str:
    """``value`` as the changelist means it: a choice's label, a related row's name, a date in
    ISO form, a datetime of a model field in the current time zone. Numbers are left as numbers
    (a negative amount is not a formula); any text is neutralised."""
    if field is not None and field.flatchoices and value is not None:
        value = dict(field.flatchoices).get(value, value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if field is not None and timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = strip_tags(value) if isinstance(value, SafeData) else str(value)
    return neutralise_formula(text)


def csv_filename(model: type[models.Model]) -> str:
    return f"{slugify(str(model._meta.verbose_name_plural)) or model._meta.model_name}.csv"


@admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
def export_as_csv(modeladmin: admin.ModelAdmin, request, queryset) -> HttpResponse:
    """Download the selected rows with the changelist's own columns, so what the record keeper
    sees is what the file holds."""
    model = modeladmin.model
    columns = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(model)}"'
    response.write(UTF8_BOM)
    writer = csv.writer(response)
    writer.writerow(
        neutralise_formula(capfirst(str(label_for_field(name, model, model_admin=modeladmin))))
        for name in columns
    )
    for row in queryset:
        cells = []
        for name in columns:
            field, _attr, value = lookup_field(name, row, modeladmin)
            cells.append(csv_cell(value, field))
        writer.writerow(cells)
    return response


class DostlikAdminMixin:
    """Defaults for every admin of the project: fifty rows a page and the CSV export."""

    list_per_page = 50
    actions = [export_as_csv]


class ReadOnlyAdminMixin:
    """Shows rows that a service or another page writes: nothing is added, changed or deleted
    here. Serves a model admin and an inline alike (an inline passes the parent object)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def take_over_saved_row(obj: models.Model, saved: models.Model) -> None:
    """Point the admin's ``obj`` at the row a service wrote as ``saved``, so the log entry, the
    redirect and the inlines that the admin saves next all refer to that row."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj.refresh_from_db()
