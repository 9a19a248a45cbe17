"""What every Dostlik admin shares: page size, an export the record keepers can open in a
spreadsheet, read-only pages for rows written elsewhere, the hand-over from a service, and who may
do what.

Who may do what comes from the same roles and predicates as the site, not from Django's model
permissions: a role is a row (Membership, NationalCoordinator), never an admin group, so a staff
member who is not a superuser sees in the admin what the site shows them and no more.
"""

import csv
import datetime
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
from django.utils.safestring import SafeData
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core.admin_input import AdminInputMixin, RowKeysMixin
from core.caching import content_changed
from core.forms import add_service_error
from core.spreadsheets import neutralise_formula

# Excel only reads a CSV file as UTF-8 (Cyrillic and Uzbek Latin names) when it starts with a BOM.
UTF8_BOM = "\ufeff"


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


def is_staff_member(user) -> bool:
    """The admin's own door: an active staff account. Past it, the roles decide."""
    return user.is_active and user.is_staff


# Where a service's refusal waits on the request while the page is made again
# (``DostlikAdminMixin.changeform_view``).
REFUSAL_ATTRIBUTE = "_dostlik_admin_refusal"


def form_for_request(form_class: type[forms.BaseForm], request) -> type[forms.BaseForm]:
    """``form_class`` knowing who fills it in (``actor``, for the choices and checks that depend
    on their roles) and carrying a service's refusal of the previous attempt, if any."""
    refusal = getattr(request, REFUSAL_ATTRIBUTE, None)

    class RequestForm(form_class):
        actor = request.user

        def clean(self):
            cleaned_data = super().clean()
            if refusal is not None:
                add_service_error(self, refusal)
            return cleaned_data

    RequestForm.__name__ = RequestForm.__qualname__ = form_class.__name__
    return RequestForm


class DostlikAdminMixin(AdminInputMixin):
    """Defaults for every admin of the project: fifty rows a page, the CSV export, permissions
    from roles, and service refusals shown on the form.

    An admin states its rules in ``may_view``, ``may_add``, ``may_change`` and ``may_delete``
    (``obj`` is None when the question is about the model as a whole, e.g. for the changelist).
    By default any staff member may look and only superusers write: reference data. An object
    outside ``get_queryset`` answers 404 whether it exists or not, so a hidden row does not leak.

    Saving goes through the services (from ``save_model``, ``save_related`` or
    ``save_formset``), which refuse what the form accepted (a stale version, a rule only they
    know) with a ``ValidationError``. An admin just lets it propagate: leaving Django's
    transaction around the page rolls the whole attempt back, and ``changeform_view`` makes the
    page again from the same posted data with the refusal on the form (``form_for_request``,
    through ``add_service_error``). The user's input is kept and the answer is 200, as for any
    form the admin refuses. This is the one place an admin catches a refusal.
    """

    list_per_page = 50
    actions = [export_as_csv]

    def may_view(self, user, obj=None) -> bool:
        return True

    def may_add(self, user) -> bool:
        return user.is_superuser

    def may_change(self, user, obj=None) -> bool:
        return user.is_superuser

    def may_delete(self, user, obj=None) -> bool:
        return user.is_superuser

    # Every write made here makes the cached pages stale (``core.caching``): additions and
    # changes once the admin logs them, after the row and its inlines are saved, whether or not
    # a service saved them; deletions once done. An admin that deletes through a service
    # instead of ``super()`` is covered by the service.

    def log_addition(self, request, obj, message):
        content_changed()
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        content_changed()
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()

    def has_module_permission(self, request):
        return is_staff_member(request.user) and any(self.get_model_perms(request).values())

    def has_view_permission(self, request, obj=None):
        user = request.user
        return is_staff_member(user) and (self.may_view(user, obj) or self.may_change(user, obj))

    def has_add_permission(self, request):
        return is_staff_member(request.user) and self.may_add(request.user)

    def has_change_permission(self, request, obj=None):
        return is_staff_member(request.user) and self.may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return is_staff_member(request.user) and self.may_delete(request.user, obj)

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404(
                gettext("No %(name)s matches the given query.")
                % {"name": self.model._meta.verbose_name}
            )
        return found

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_for_request(super().get_form(request, obj, change=change, **kwargs), request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The page is drawn from forms made deep inside Django's view, so it is made anew:
            # this time the form carries the refusal and nothing is saved.
            setattr(request, REFUSAL_ATTRIBUTE, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)


class FollowsParentInlineMixin(RowKeysMixin):
    """An inline is part of its page: whoever sees the page's object sees its rows, whoever may
    change the object edits them. ``superusers_only`` keeps rows such as national roles to the
    platform's operators even on a page others may see."""

    superusers_only = False

    def parent_admin(self) -> admin.ModelAdmin:
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request, obj=None):
        if self.superusers_only and not request.user.is_superuser:
            return False
        if obj is None:
            # Asked for the rows' queryset; the page around them has been checked already.
            return is_staff_member(request.user)
        return self.parent_admin().has_view_permission(request, obj)

    def may_write(self, request, obj) -> bool:
        if self.superusers_only and not request.user.is_superuser:
            return False
        parent = self.parent_admin()
        if obj is None:
            return parent.has_add_permission(request)
        return parent.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_write(request, obj)


class HistoryReadOnlyMixin:
    """History pages (django-simple-history) are read, never replayed: every write goes through
    a service, which a revert would skip, and the history of an object is shown only to who may
    see the object now. Superusers keep the history of deleted rows."""

    def revert_disabled(self, request, obj=None):
        return True

    def check_visible(self, request, object_id) -> None:
        if not request.user.is_superuser:
            self.get_object(request, unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        self.check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self.check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


# The version an edit started from travels with the form under this name (a model form cannot
# declare a field named like the model's non-editable ``version``).
LOADED_VERSION = "loaded_version"


class VersionedModelForm(forms.ModelForm):
    """A change form that carries the version of the row it was loaded from, so the service can
    refuse a save made from a stale page instead of overwriting someone else's change."""

    loaded_version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            del self.fields[LOADED_VERSION]
        else:
            self.initial.setdefault(LOADED_VERSION, self.instance.version)


class VersionedAdminMixin:
    """Puts the hidden version into the first fieldset of a change page its user may save."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], LOADED_VERSION]}), *rest]


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


# ---------- the task queue (core/mail.py) ----------


class TaskResultAdmin(AdminInputMixin, DBTaskResultAdmin):
    """django-tasks-db's list of queued, done and failed tasks, with a way to queue again the
    tasks that failed (a message whose every attempt the mail server refused, say), taking what
    is typed into its address as every Dostlik admin does (``AdminInputMixin``)."""

    # The task's path rather than django-tasks-db's name for it, which builds the task anew
    # with the time it was to run after: a queue that runs tasks at once refuses that.
    list_display = ("id", "task_path", "status", "enqueued_at", "started_at", "finished_at")
    actions = ["queue_again"]

    @admin.action(description=_("Queue the selected failed tasks again"))
    def queue_again(self, request, queryset):
        failed = list(queryset.failed())
        for result in failed:
            kwargs = result.args_kwargs["kwargs"]
            if "attempt" in kwargs:  # a message gets its attempts afresh
                kwargs = {**kwargs, "attempt": 1}
            import_string(result.task_path).enqueue(*result.args_kwargs["args"], **kwargs)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed task was queued again.",
                "%(count)d failed tasks were queued again.",
                len(failed),
            )
            % {"count": len(failed)},
        )


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
