"""Importing an iCalendar file into a programme: upload, preview, confirm.

Whoever may change the programme may import into it; a programme the user may not see is a
404, one they see but may not change a 403, on GET and POST alike. The upload answers with the
preview (status 200), or with the form and a clear error for a file that cannot be imported
(status 200, as every form with errors). The plan of the preview waits in the session, under a
random id, until the confirmation applies it — once, in one transaction — and redirects to the
programme; a confirmation of an unknown, used or expired plan redirects back to the upload form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calendars.forms import ImportUploadForm
from calendars.imports import (
    MAX_BYTES,
    MAX_EVENTS,
    MAX_FILES,
    MAX_UNPACKED_BYTES,
    SKIP,
    ImportPlan,
    ImportRejected,
    calendar_import_apply,
    calendar_import_preview,
    plan_keep,
    plan_take,
    read_upload,
)
from core.uploads import body_limit
from events.forms import host_choices
from events.models import Event
from programmes.models import Programme
from programmes.permissions import can_change_programme
from programmes.selectors import programme_get


def _changeable_programme(request, pk: int) -> Programme:
    try:
        programme = programme_get(user=request.user, pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    if not can_change_programme.test(request.user, programme):
        raise PermissionDenied
    return programme


def _render_form(request, *, form: ImportUploadForm, programme: Programme):
    return render(
        request,
        "calendars/import_form.html",
        {
            "form": form,
            "programme": programme,
            "max_bytes": MAX_BYTES,
            "max_unpacked_bytes": MAX_UNPACKED_BYTES,
            "max_files": MAX_FILES,
            "max_events": MAX_EVENTS,
        },
    )


@body_limit(MAX_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_import(request, pk: int):
    programme = _changeable_programme(request, pk)
    if request.method != "POST":
        form = ImportUploadForm(user=request.user, programme=programme)
        return _render_form(request, form=form, programme=programme)
    form = ImportUploadForm(request.POST, request.FILES, user=request.user, programme=programme)
    if not form.is_valid():
        return _render_form(request, form=form, programme=programme)
    upload = form.cleaned_data["calendar_file"]
    host = form.cleaned_data["host_institution"]
    try:
        plan = calendar_import_preview(
            programme=programme,
            user=request.user,
            content=read_upload(upload),
            host_institution=host,
            kind=form.cleaned_data["kind"],
            visibility=form.cleaned_data["visibility"],
            file_name=upload.name or "",
        )
    except ImportRejected as exc:
        form.add_error("calendar_file", exc)
        return _render_form(request, form=form, programme=programme)
    plan_id = plan_keep(session=request.session, plan=plan) if plan.importable else ""
    return render(
        request,
        "calendars/import_preview.html",
        {
            "programme": programme,
            "plan": plan,
            "plan_id": plan_id,
            "host": host,
            "kind_label": Event.Kind(plan.kind).label,
            "visibility_label": Event.Visibility(plan.visibility).label,
            "kinds": Event.Kind.choices,
            "visibilities": Event.Visibility.choices,
        },
    )


def _choices(request, plan: ImportPlan) -> dict[int, dict[str, str]]:
    """The kind and visibility chosen in the preview for each row, by the row's number."""
    choices = {}
    for index, row in enumerate(plan.rows):
        if row.action == SKIP:
            continue
        chosen = {
            name: request.POST[f"{name}-{index}"]
            for name in ("kind", "visibility")
            if f"{name}-{index}" in request.POST
        }
        if chosen:
            choices[index] = chosen
    return choices


@require_POST
def calendar_import_confirm(request, pk: int):
    programme = _changeable_programme(request, pk)
    plan = plan_take(
        session=request.session,
        plan_id=request.POST.get("plan", ""),
        programme=programme,
        user=request.user,
    )
    if plan is None:
        messages.error(
            request, _("This preview has expired or was already used. Upload the file again.")
        )
        return redirect("calendars:import", programme.pk)
    hosts = host_choices(user=request.user, programme=programme)
    if not hosts.filter(pk=plan.host_institution_pk).exists():
        messages.error(
            request,
            _("You may no longer name the chosen host. Nothing was imported; upload again."),
        )
        return redirect("calendars:import", programme.pk)
    try:
        result = calendar_import_apply(
            programme=programme, actor=request.user, plan=plan, choices=_choices(request, plan)
        )
    except (ValidationError, IntegrityError) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        messages.error(
            request,
            _("Nothing was imported. %(reason)s Upload the file again to see a new preview.")
            % {"reason": reason or _("Another change was saved at the same time.")},
        )
        return redirect("calendars:import", programme.pk)
    messages.success(
        request,
        _("Calendar file imported. New events: %(created)d; events updated: %(updated)d.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("programmes:detail", programme.pk)
