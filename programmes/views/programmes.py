"""Programme pages, and creating and editing programmes."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.once import AlreadySent, already_sent, created_once
from core.conflicts import edit_conflict
from core.exceptions import StaleVersion
from core.forms import add_service_error
from institutions.models import Country, Institution
from institutions.permissions import role_ids
from institutions.selectors import institution_list
from programmes import selectors, services
from programmes.filters import ProgrammeFilter
from programmes.forms import (
    AmendmentNoteForm,
    DecisionForm,
    NewPartnerFormSet,
    PartnerFormSet,
    ProgrammeChangeForm,
    ProgrammeForm,
    WorkflowStepForm,
)
from programmes.models import Decision, Partnership, Programme, open_change_requests
from programmes.permissions import (
    can_change_programme,
    can_create_programme,
    can_decide_programme,
    coordinates_a_partner,
    is_national_coordinator_of_a_participant,
)
from programmes.steps import WORKFLOW_STEPS
from programmes.warnings import agreement_warnings

# A programme page lists this many of its events; all of them are on the filtered event list.
EVENTS_SHOWN = 25
PARTNERS_PREFIX = "partners"

Status = Programme.Status
Kind = Decision.Kind


# ---------- reading programmes ----------


@require_safe
def programme_list(request):
    filterset = ProgrammeFilter(
        request.GET, queryset=selectors.programme_list(user=request.user), request=request
    )
    programmes = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(programmes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "can_create": can_create_programme.test(request.user),
        },
    )


def visible_programme(request, pk: int) -> Programme:
    try:
        return selectors.programme_get(user=request.user, pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


def programme_page(programme: Programme):
    return redirect("programmes:detail", programme.pk)


def deciding_countries(user, programme: Programme) -> list[Country]:
    """The user's countries taking part in ``programme``: those they may decide for."""
    participating = {
        partnership.institution.country for partnership in programme.partnerships.all()
    }
    own = role_ids(user).country_ids
    return sorted((c for c in participating if c.pk in own), key=lambda country: country.name)


def render_programme(
    request, programme: Programme, *, decision_form=None, stale_decision=None, status=200
):
    """The programme page, with the steps and the decision the user may take on it.
    ``stale_decision`` is the refusal of a decision sent from a page showing an older version,
    with what changed since (answered 409)."""
    user = request.user
    events = selectors.programme_events(programme=programme)
    steps = [step for step in WORKFLOW_STEPS.values() if step.may.test(user, programme)]
    if decision_form is None and can_decide_programme.test(user, programme):
        decision_form = DecisionForm(
            countries=deciding_countries(user, programme),
            version=programme.current_version.number,
        )
    context = {
        "programme": programme,
        "events": events[:EVENTS_SHOWN],
        "event_count": events.count(),
        "can_edit": can_change_programme.test(user, programme),
        # Steps that take an optional comment share one form; a step that asks for words of its
        # own (a cancellation's reason, what a resubmission changed) has a form of its own.
        "steps": [step for step in steps if step.form_class is WorkflowStepForm],
        "step_form": WorkflowStepForm(auto_id="step_%s"),
        "form_steps": [
            (step, step.form_class(auto_id=f"{step.name}_%s"))
            for step in steps
            if step.form_class is not WorkflowStepForm
        ],
        "decision_form": decision_form,
        "stale_decision": stale_decision,
        # A national coordinator of a country taking part who also coordinates a partner: told
        # why they are not offered the decision.
        "decides_elsewhere": programme.status == Status.SUBMITTED
        and is_national_coordinator_of_a_participant.test(user, programme)
        and coordinates_a_partner.test(user, programme),
        "changes_requested": open_change_requests(programme),
        "standings": selectors.programme_standings(programme=programme),
        # Its events' warnings come from the events app ({% programme_event_warnings %}).
        "programme_warnings": agreement_warnings(
            ends_on=programme.ends_on, agreement=programme.agreement
        ),
    }
    return render(request, "programmes/programme_detail.html", context, status=status)


@require_safe
def programme_detail(request, pk: int):
    return render_programme(request, visible_programme(request, pk))


# ---------- creating and editing ----------


def _partner_institutions(*, user, programme: Programme | None = None) -> list[Institution]:
    """Institutions a partner row offers: the active ones, and the programme's own partners
    even when no longer active, so editing never drops them silently."""
    current = Q(partnerships__programme=programme) if programme is not None else Q(pk__in=[])
    return list(
        institution_list(user=user)
        .filter(Q(is_active=True) | current)
        .distinct()
        .order_by("country__name", "name", "pk")
    )


def _partner_initial(partnership: Partnership) -> dict:
    return {
        "institution": partnership.institution_id,
        "role": partnership.role,
        "contribution": partnership.contribution,
        "funding_amount": partnership.funding_amount,
        "funding_currency": partnership.funding_currency,
    }


def render_programme_form(
    request, *, form, formset, programme=None, note_form=None, conflict=None, status=200
):
    """The programme form page. ``note_form``, for an approved or active programme, asks why
    it changes; the page then posts to the amendments app, which saves a change outside the
    approved content and proposes one inside it as an amendment. ``conflict``: what the editor
    entered beside what someone else saved meanwhile (``core.conflicts``)."""
    return render(
        request,
        "programmes/programme_form.html",
        {
            "form": form,
            "formset": formset,
            "programme": programme,
            "note_form": note_form,
            "conflict": conflict,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def programme_create(request):
    user = request.user
    if not can_create_programme.test(user):
        raise PermissionDenied
    institutions = _partner_institutions(user=user)
    if request.method != "POST":
        own = [i.pk for i in institutions if i.pk in role_ids(user).institution_ids]
        lead = {"role": Partnership.Role.LEAD, "institution": own[0] if len(own) == 1 else None}
        form = ProgrammeForm()
        formset = NewPartnerFormSet(
            initial=[lead], user=user, institutions=institutions, prefix=PARTNERS_PREFIX
        )
        return render_programme_form(request, form=form, formset=formset)
    form = ProgrammeForm(request.POST)
    formset = NewPartnerFormSet(
        request.POST, user=user, institutions=institutions, prefix=PARTNERS_PREFIX
    )
    if all([form.is_valid(), formset.is_valid()]):
        try:
            with created_once(request) as created:
                programme = services.programme_create(
                    actor=user, partners=formset.partner_rows(), **form.programme_fields()
                )
                created(reverse("programmes:detail", args=[programme.pk]))
        except AlreadySent as sent:
            return already_sent(request, sent)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The programme “%(title)s” was created as a draft. Submit it for approval "
                    "once its partners from both countries are in."
                )
                % {"title": programme.title},
            )
            return programme_page(programme)
    return render_programme_form(request, form=form, formset=formset)


def programme_edit_forms(request, programme: Programme):
    """The programme's form and partners formset, bound to the POST if there is one."""
    partnerships = sorted(
        programme.partnerships.all(), key=lambda p: (p.role != Partnership.Role.LEAD,)
    )
    formset_kwargs = {
        "user": request.user,
        "institutions": _partner_institutions(user=request.user, programme=programme),
        "current_lead": next(
            (p.institution for p in partnerships if p.role == Partnership.Role.LEAD), None
        ),
        "prefix": PARTNERS_PREFIX,
    }
    if request.method == "POST":
        return ProgrammeChangeForm(request.POST), PartnerFormSet(request.POST, **formset_kwargs)
    form = ProgrammeChangeForm(
        initial={
            **model_to_dict(programme, fields=ProgrammeForm.Meta.fields),
            "version": programme.version,
        }
    )
    formset = PartnerFormSet(initial=[_partner_initial(p) for p in partnerships], **formset_kwargs)
    return form, formset


@require_http_methods(["GET", "HEAD", "POST"])
def programme_edit(request, pk: int):
    user = request.user
    programme = visible_programme(request, pk)
    if not can_change_programme.test(user, programme):
        raise PermissionDenied
    form, formset = programme_edit_forms(request, programme)
    note_form = AmendmentNoteForm() if programme.status in Status.under_way_states else None
    if request.method != "POST":
        return render_programme_form(
            request, form=form, formset=formset, programme=programme, note_form=note_form
        )
    status, conflict = 200, None
    if all([form.is_valid(), formset.is_valid()]):
        try:
            saved = services.programme_update(
                programme=programme,
                actor=user,
                version=form.cleaned_data["version"],
                partners=formset.partner_rows(),
                **form.programme_fields(),
            )
        except StaleVersion:
            conflict = edit_conflict(form, programme, form.programme_fields())
            status = 409
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if saved.returned_for_decision:
                messages.warning(
                    request,
                    _(
                        "The partners, dates or budget changed after submission: the national "
                        "coordinators decide on the new version %(number)s, and were told."
                    )
                    % {"number": saved.programme.current_version.number},
                )
            elif saved.programme.version == form.cleaned_data["version"]:
                messages.info(request, _("Nothing was changed."))
            elif saved.programme.status == Programme.Status.SUBMITTED:
                messages.success(
                    request,
                    _(
                        "The programme “%(title)s” was saved. Nothing the national coordinators "
                        "decide on changed: their decisions stand."
                    )
                    % {"title": saved.programme.title},
                )
            else:
                messages.success(
                    request,
                    _("The programme “%(title)s” was saved.") % {"title": saved.programme.title},
                )
            return programme_page(programme)
    return render_programme_form(
        request,
        form=form,
        formset=formset,
        programme=programme,
        note_form=note_form,
        conflict=conflict,
        status=status,
    )
