"""Programmes in the admin, as on the site: a staff member sees the programmes the site shows
them and changes those the site lets them change. Every write goes through the services, so a
change of scope after submission puts the programme back before the national coordinators, and
an edit made from a stale page is refused."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    LOADED_VERSION,
    DostlikAdminMixin,
    FollowsParentInlineMixin,
    HistoryReadOnlyMixin,
    ReadOnlyAdminMixin,
    VersionedAdminMixin,
    VersionedModelForm,
    export_as_csv,
    take_over_saved_row,
)
from core.admin_input import AutocompleteSelect
from institutions.models import Institution
from institutions.permissions import is_coordinator, role_ids
from multilingual.admin import TranslationsAdminMixin
from multilingual.forms import with_translations
from programmes.admin.workflow import RECORD_DECISION, WORKFLOW_ACTIONS, ProgrammeWorkflowMixin
from programmes.models import (
    Decision,
    Partnership,
    Programme,
    ProgrammeTransition,
    ProgrammeVersion,
)
from programmes.permissions import (
    can_change_programme,
    can_create_programme,
    can_view_programme,
)
from programmes.selectors import programme_visibility
from programmes.services import PartnerRow, programme_create, programme_update


class ProgrammeScopedMixin:
    """Rows that belong to a programme are seen by whoever may see the programme, by the same
    rule as the site (``programme_visibility`` for lists, ``can_view_programme`` for one)."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(programme_visibility(user=request.user, prefix="programme__"))
        )

    def may_view(self, user, obj=None) -> bool:
        return obj is None or can_view_programme.test(user, obj.programme)


class ReadOnlyInline(ReadOnlyAdminMixin, FollowsParentInlineMixin, admin.TabularInline):
    """Rows of the programme written by a service or on another page, listed here."""

    extra = 0


class PartnershipFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        leads = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Partnership.Role.LEAD
        ]
        if len(leads) != 1:
            raise ValidationError(
                gettext("A programme has exactly one lead institution; %(count)d are marked lead.")
                % {"count": len(leads)}
            )

    def partner_rows(self) -> list[PartnerRow]:
        """The partners as the form leaves them, for ``programme_update``."""
        return [
            PartnerRow(
                institution=row["institution"],
                role=row["role"],
                contribution=row.get("contribution", ""),
                funding_amount=row.get("funding_amount"),
                funding_currency=row.get("funding_currency", ""),
            )
            for row in self.cleaned_data
            if row and not row.get("DELETE")
        ]

    def note_saved_by_service(self) -> None:
        """Fill in what the admin's log entry lists as added, changed and deleted, as
        ``save()`` would have: the service wrote the rows instead."""
        deleted = [form for form in self.initial_forms if form.cleaned_data.get("DELETE")]
        self.deleted_objects = [form.instance for form in deleted]
        self.changed_objects = [
            (form.instance, form.changed_data)
            for form in self.initial_forms
            if form not in deleted and form.has_changed()
        ]
        self.new_objects = [
            form.instance
            for form in self.extra_forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]


class PartnershipInline(FollowsParentInlineMixin, admin.TabularInline):
    """The partners, edited with the programme and saved with it by ``programme_update``."""

    model = Partnership
    formset = PartnershipFormSet
    extra = 0
    autocomplete_fields = ["institution"]
    fields = ["institution", "role", "contribution", "funding_amount", "funding_currency"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution__country")


class DecisionInline(ReadOnlyInline):
    """The register of the programme's decisions, every one of them, superseded ones too."""

    model = Decision
    fields = [
        "country",
        "decision",
        "version",
        "superseded_by",
        "decided_by",
        "decided_at",
        "on_paper",
        "registry_number",
        "comment",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("country", "decided_by", "version", "superseded_by")
        )


class ProgrammeVersionInline(ReadOnlyInline):
    """The versions of the approved content put before the national coordinators."""

    model = ProgrammeVersion
    fields = ["number", "made", "fingerprint", "reason", "created_by", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class ProgrammeTransitionInline(ReadOnlyInline):
    model = ProgrammeTransition
    fields = ["from_status", "to_status", "actor", "at", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ProgrammeAddForm(forms.ModelForm):
    """A new programme starts as a draft led by one institution; partners are added after. A
    coordinator starts programmes their own institution leads."""

    actor = None

    lead = forms.ModelChoiceField(
        label=_("lead institution"),
        queryset=Institution.objects.all(),
        widget=AutocompleteSelect(Partnership._meta.get_field("institution"), admin.site),
        help_text=_("Partners are added on the next page."),
    )

    class Meta:
        model = Programme
        fields = Programme.EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.actor is not None and not self.actor.is_superuser:
            self.fields["lead"].queryset = Institution.objects.filter(
                pk__in=role_ids(self.actor).institution_ids
            )


class ProgrammeChangeForm(VersionedModelForm):
    class Meta:
        model = Programme
        fields = Programme.EDITABLE_FIELDS


@admin.register(Programme)
class ProgrammeAdmin(
    TranslationsAdminMixin,
    ProgrammeWorkflowMixin,
    VersionedAdminMixin,
    HistoryReadOnlyMixin,
    DostlikAdminMixin,
    SimpleHistoryAdmin,
):
    form = with_translations(ProgrammeChangeForm)
    add_form = ProgrammeAddForm
    # programme_create takes no translations: they are given once the programme exists.
    translations_on_add = False
    actions = [export_as_csv, *WORKFLOW_ACTIONS, RECORD_DECISION]
    list_display = [
        "title",
        "kind",
        "status",
        "lead_institution",
        "countries",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["status", "kind", "institutions__country", "starts_on"]
    search_fields = ["title", "summary", "institutions__name", "institutions__short_name"]
    autocomplete_fields = ["agreement"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    date_hierarchy = "starts_on"
    ordering = ["-starts_on", "title"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "summary", "agreement"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on"]}),
        (_("Means"), {"fields": ["budget_amount", "budget_currency", "enrolled_students"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["title", "kind", "lead", "summary", "agreement"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on"]}),
        (_("Means"), {"fields": ["budget_amount", "budget_currency", "enrolled_students"]}),
    ]
    # The events app lists the programme's events after its partners (``events.admin``).
    inlines = [
        PartnershipInline,
        ProgrammeVersionInline,
        DecisionInline,
        ProgrammeTransitionInline,
    ]

    def get_queryset(self, request):
        lead_name = Partnership.objects.filter(
            programme=OuterRef("pk"), role=Partnership.Role.LEAD
        ).values("institution__name")[:1]
        return (
            super()
            .get_queryset(request)
            .filter(programme_visibility(user=request.user))
            .annotate(lead_name=Subquery(lead_name))
            .prefetch_related(
                Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.select_related("institution__country"),
                )
            )
        )

    def may_view(self, user, obj=None) -> bool:
        return obj is None or can_view_programme.test(user, obj)

    def may_add(self, user) -> bool:
        return can_create_programme.test(user)

    def may_change(self, user, obj=None) -> bool:
        if obj is None:
            return user.is_superuser or is_coordinator.test(user)
        return can_change_programme.test(user, obj)

    @admin.display(description=_("lead institution"), ordering="lead_name")
    def lead_institution(self, programme: Programme) -> Institution | None:
        return next(
            (
                partnership.institution
                for partnership in programme.partnerships.all()
                if partnership.role == Partnership.Role.LEAD
            ),
            None,
        )

    @admin.display(description=_("countries"))
    def countries(self, programme: Programme) -> str:
        names = {
            str(partnership.institution.country) for partnership in programme.partnerships.all()
        }
        return ", ".join(sorted(names))

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            # Saved in save_related, together with its partners, by one programme_update.
            return
        # Creation goes through the service: it makes the lead partnership and records the
        # first status (draft) with who created it. A refusal is shown on the form
        # (``DostlikAdminMixin``).
        programme = programme_create(
            actor=request.user,
            lead=form.cleaned_data["lead"],
            **{name: form.cleaned_data[name] for name in Programme.EDITABLE_FIELDS},
        )
        take_over_saved_row(obj, programme)

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            return
        partners = next(
            (formset for formset in formsets if isinstance(formset, PartnershipFormSet)), None
        )
        for formset in formsets:
            if formset is not partners:
                self.save_formset(request, form, formset, change)
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        fields.pop(LOADED_VERSION, None)
        saved = programme_update(
            programme=form.instance,
            actor=request.user,
            version=form.cleaned_data[LOADED_VERSION],
            partners=(
                partners.partner_rows() if partners is not None and partners.has_changed() else None
            ),
            **fields,
        )
        if partners is not None:
            partners.note_saved_by_service()
        if saved.returned_for_decision:
            self.message_user(
                request,
                gettext(
                    "The partners, dates or budget of “%(programme)s” changed after it was "
                    "submitted: the national coordinators decide on the new version "
                    "%(number)s, and were told."
                )
                % {
                    "programme": saved.programme,
                    "number": saved.programme.current_version.number,
                },
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        # Partners are added on the change page, so go there (as the user admin does after the
        # password step).
        if "_addanother" not in request.POST and IS_POPUP_VAR not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = 1
        return super().response_add(request, obj, post_url_continue)


@admin.register(Partnership)
class PartnershipAdmin(
    ProgrammeScopedMixin, ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin
):
    """Partners across programmes, for finding and export. They are edited on their programme's
    page, where ``programme_update`` clears the decisions a change of partners calls for."""

    list_display = [
        "programme",
        "institution",
        "role",
        "country",
        "funding_amount",
        "funding_currency",
    ]
    list_filter = ["role", "institution__country", "programme__status", "funding_currency"]
    list_select_related = ["programme", "institution__country"]
    search_fields = ["programme__title", "institution__name", "institution__short_name"]
    readonly_fields = [
        "programme",
        "institution",
        "role",
        "contribution",
        "funding_amount",
        "funding_currency",
    ]
    ordering = ["programme__title", "role", "institution__name"]

    @admin.display(description=_("country"), ordering="institution__country__name")
    def country(self, partnership: Partnership):
        return partnership.institution.country


@admin.register(Decision)
class DecisionAdmin(ProgrammeScopedMixin, ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin):
    """The decision register, read. A decision taken on paper is recorded from the programme
    (the action "Record a decision taken on paper"), through the workflow, so that the last
    approval approves the programme and a rejection rejects it."""

    list_display = [
        "programme",
        "country",
        "decision",
        "version",
        "superseded_by",
        "decided_by",
        "decided_at",
        "on_paper",
    ]
    list_filter = ["decision", "country", "on_paper", "decided_at"]
    list_select_related = ["programme", "country", "decided_by", "version", "superseded_by"]
    search_fields = ["programme__title", "comment", "decided_by__username", "registry_number"]
    readonly_fields = [
        "programme",
        "country",
        "decision",
        "version",
        "superseded_by",
        "decided_by",
        "decided_at",
        "comment",
        "on_paper",
        "registry_number",
        "letter_date",
        "letter",
        "recorded_by",
    ]
    date_hierarchy = "decided_at"
    ordering = ["-decided_at", "-pk"]


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(
    ProgrammeScopedMixin, ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin
):
    """The versions of programmes' approved content, read: the workflow writes them."""

    list_display = ["programme", "number", "made", "fingerprint", "created_by", "created_at"]
    list_filter = ["made", "created_at"]
    list_select_related = ["programme", "created_by"]
    search_fields = ["programme__title", "fingerprint", "reason"]
    readonly_fields = [
        "programme",
        "number",
        "made",
        "fingerprint",
        "content",
        "reason",
        "created_by",
        "created_at",
    ]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]


@admin.register(ProgrammeTransition)
class ProgrammeTransitionAdmin(
    ProgrammeScopedMixin, ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin
):
    """Status changes are written by the workflow only; here they are read."""

    list_display = ["programme", "from_status", "to_status", "actor", "at"]
    readonly_fields = ["programme", "from_status", "to_status", "actor", "at", "comment"]
    list_filter = ["to_status", "from_status", "at"]
    list_select_related = ["programme", "actor"]
    search_fields = ["programme__title", "comment", "actor__username"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]
