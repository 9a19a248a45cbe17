"""Amendment pages. The edit forms of an approved or active programme and of its events post
here (``programmes.views.render_programme_form``): a change outside the approved content is
saved at once, as on any programme; one inside it, with a note of why, becomes an amendment the
countries decide on. Then: the amendment's page, the decisions, withdrawing it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.once import AlreadySent, already_sent, created_once
from amendments import selectors, services
from amendments.forms import AmendmentDecisionForm
from amendments.models import Amendment
from amendments.permissions import (
    can_decide_amendment,
    can_view_amendment,
    can_withdraw_amendment,
    is_under_way,
)
from core.exceptions import StaleVersion
from core.forms import add_service_error
from events import services as event_services
from events.forms import EventForm
from events.models import Event
from events.permissions import can_add_event, can_change_event
from events.selectors import event_get
from events.views import weigh_warnings
from programmes import services as programme_services
from programmes.forms import AmendmentNoteForm
from programmes.models import Decision, Programme
from programmes.permissions import can_change_programme
from programmes.selectors import programme_get
from programmes.versions import differences
from programmes.views.programmes import (
    deciding_countries,
    programme_edit_forms,
    render_programme_form,
)

Subject = Amendment.Subject


def _proposed(request, amendment: Amendment):
    messages.success(
        request,
        _(
            "The change was proposed as an amendment (version %(number)s): the programme stays "
            "as approved until every participating country approves it. Their national "
            "coordinators were told."
        )
        % {"number": amendment.version.number},
    )
    return redirect("amendments:detail", amendment.pk)


def _note_needed(note_form: AmendmentNoteForm) -> None:
    note_form.add_error(
        "note",
        _(
            "This changes what the countries approved: say why, and it is proposed to them as "
            "an amendment."
        ),
    )


def _visible_programme(request, pk: int) -> Programme:
    try:
        return programme_get(user=request.user, pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


@require_POST
def programme_amend(request, pk: int):
    """The edit form of an approved or active programme, sent."""
    user = request.user
    programme = _visible_programme(request, pk)
    if not (can_change_programme.test(user, programme) and is_under_way.test(user, programme)):
        raise PermissionDenied
    form, formset = programme_edit_forms(request, programme)
    note_form = AmendmentNoteForm(request.POST)
    status = 200
    if all([form.is_valid(), formset.is_valid(), note_form.is_valid()]):
        try:
            saved = programme_services.programme_update(
                programme=programme,
                actor=user,
                version=form.cleaned_data["version"],
                partners=formset.partner_rows(),
                **form.programme_fields(),
            )
        except StaleVersion as error:
            form.add_error(None, error)
            status = 409
        except programme_services.ContentClosed:
            if not note_form.cleaned_data["note"]:
                _note_needed(note_form)
            else:
                try:
                    amendment = services.amendment_propose(
                        programme=programme,
                        actor=user,
                        note=note_form.cleaned_data["note"],
                        subject=Subject.PROGRAMME,
                        changes=services.programme_changes(
                            programme=programme,
                            fields=form.programme_fields(),
                            partners=formset.partner_rows(),
                        ),
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    return _proposed(request, amendment)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if saved.programme.version == form.cleaned_data["version"]:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _(
                        "The programme “%(title)s” was saved. Nothing the countries approved "
                        "changed: it stays approved as it was."
                    )
                    % {"title": saved.programme.title},
                )
            return redirect("programmes:detail", programme.pk)
    return render_programme_form(
        request,
        form=form,
        formset=formset,
        programme=programme,
        note_form=note_form,
        status=status,
    )


def _render_event_form(request, *, form, programme, note_form, event=None, ack=None, status=200):
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "programme": programme,
            "event": event,
            "acknowledgement": ack,
            "note_form": note_form,
        },
        status=status,
    )


@require_POST
def event_amend(request, pk: int):
    """The edit form of an event of an approved or active programme, sent."""
    user = request.user
    try:
        event = event_get(user=user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    programme = event.programme
    if not (can_change_event.test(user, event) and is_under_way.test(user, programme)):
        raise PermissionDenied
    form = EventForm(request.POST, user=user, programme=programme, event=event)
    note_form = AmendmentNoteForm(request.POST)
    status, acknowledgement = 200, None
    if all([form.is_valid(), note_form.is_valid()]) and not form.previewing:
        if form.cleaned_data["version"] != event.version:
            form.add_error(None, StaleVersion())
            status = 409
        else:
            _warnings, acknowledgement = weigh_warnings(request, form)
        if acknowledgement is None and not form.errors:
            version_before = event.version
            try:
                event_services.event_update(
                    event=event,
                    actor=user,
                    version=form.cleaned_data["version"],
                    **form.event_fields(),
                )
            except StaleVersion as error:
                form.add_error(None, error)
                status = 409
            except programme_services.ContentClosed:
                event.refresh_from_db()
                if not note_form.cleaned_data["note"]:
                    _note_needed(note_form)
                else:
                    try:
                        amendment = services.amendment_propose(
                            programme=programme,
                            actor=user,
                            note=note_form.cleaned_data["note"],
                            subject=Subject.EVENT,
                            event=event,
                            changes=services.event_changes(event=event, fields=form.event_fields()),
                        )
                    except ValidationError as error:
                        form.add_service_error(error)
                    else:
                        return _proposed(request, amendment)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                if event.version == version_before:
                    messages.info(request, _("Nothing was changed."))
                else:
                    messages.success(
                        request,
                        _(
                            "The event “%(title)s” was saved. Nothing the countries approved "
                            "changed."
                        )
                        % {"title": event},
                    )
                return redirect("events:detail", event.pk)
    return _render_event_form(
        request,
        form=form,
        programme=programme,
        event=event,
        note_form=note_form,
        ack=acknowledgement,
        status=status,
    )


@require_POST
def event_propose(request):
    """The new-event form of an approved or active programme (``?programme=``), sent: a new
    event is always part of the approved content, so it is proposed as an amendment."""
    user = request.user
    try:
        programme = _visible_programme(request, int(request.GET.get("programme", "")))
    except ValueError as exc:
        raise Http404 from exc
    if not (can_add_event.test(user, programme) and is_under_way.test(user, programme)):
        raise PermissionDenied
    form = EventForm(request.POST, user=user, programme=programme)
    note_form = AmendmentNoteForm(request.POST)
    acknowledgement = None
    if all([form.is_valid(), note_form.is_valid()]) and not form.previewing:
        amendment = None
        try:
            # As on the event form: warnings once the form is known to be new.
            with created_once(request) as created:
                _warnings, acknowledgement = weigh_warnings(request, form)
                if acknowledgement is None and not note_form.cleaned_data["note"]:
                    _note_needed(note_form)
                elif acknowledgement is None:
                    amendment = services.amendment_propose(
                        programme=programme,
                        actor=user,
                        note=note_form.cleaned_data["note"],
                        subject=Subject.EVENT,
                        changes=services.event_changes(event=None, fields=form.event_fields()),
                    )
                    created(reverse("amendments:detail", args=[amendment.pk]))
        except AlreadySent as sent:
            return already_sent(request, sent)
        except ValidationError as error:
            form.add_service_error(error)
        if amendment is not None:
            return _proposed(request, amendment)
    return _render_event_form(
        request, form=form, programme=programme, note_form=note_form, ack=acknowledgement
    )


def _visible_amendment(request, pk: int) -> Amendment:
    amendment = get_object_or_404(
        Amendment.objects.select_related(
            "programme", "version", "base_version", "event", "proposed_by"
        ),
        pk=pk,
    )
    if not can_view_amendment.test(request.user, amendment):
        # A hidden programme's amendment looks like a missing one.
        raise Http404
    return amendment


def _render_amendment(request, amendment: Amendment, *, decision_form=None, status=200):
    user = request.user
    if decision_form is None and can_decide_amendment.test(user, amendment):
        decision_form = AmendmentDecisionForm(
            countries=deciding_countries(user, amendment.programme),
            version=amendment.version.number,
        )
    return render(
        request,
        "amendments/amendment_detail.html",
        {
            "amendment": amendment,
            "programme": amendment.programme,
            "differences": differences(amendment.base_version.content, amendment.version.content),
            "decisions": selectors.amendment_decisions(amendment=amendment),
            "decision_form": decision_form,
            "can_withdraw": can_withdraw_amendment.test(user, amendment),
        },
        status=status,
    )


@require_safe
def amendment_detail(request, pk: int):
    return _render_amendment(request, _visible_amendment(request, pk))


@require_POST
def amendment_decide(request, pk: int):
    user = request.user
    amendment = _visible_amendment(request, pk)
    if not can_decide_amendment.test(user, amendment):
        raise PermissionDenied
    form = AmendmentDecisionForm(
        request.POST, countries=deciding_countries(user, amendment.programme)
    )
    if form.is_valid():
        try:
            decision = services.amendment_decide(
                amendment=amendment,
                country=form.cleaned_data["country"],
                decision=form.cleaned_data["decision"],
                actor=user,
                version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            amendment.refresh_from_db()
            messages.success(request, _decided_message(amendment, decision))
            return redirect("amendments:detail", amendment.pk)
    return _render_amendment(request, amendment, decision_form=form)


def _decided_message(amendment: Amendment, decision: Decision) -> str:
    country = str(decision.country)
    if amendment.state == Amendment.State.APPROVED:
        return _(
            "Approved on behalf of %(country)s. Every participating country has approved: the "
            "amendment is applied as version %(number)s."
        ) % {"country": country, "number": amendment.version.number}
    if amendment.state == Amendment.State.REJECTED:
        return _("Rejected on behalf of %(country)s: the programme stays as it was approved.") % {
            "country": country
        }
    return _("Approved on behalf of %(country)s. The amendment waits for the other countries.") % {
        "country": country
    }


@require_POST
def amendment_withdraw(request, pk: int):
    amendment = _visible_amendment(request, pk)
    if not can_withdraw_amendment.test(request.user, amendment):
        raise PermissionDenied
    try:
        services.amendment_withdraw(amendment=amendment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The amendment was withdrawn: the programme stays as it is."))
    return redirect("amendments:detail", amendment.pk)
