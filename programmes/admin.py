from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_utils import DostlikAdminMixin, ReadOnlyAdminMixin, take_over_saved_row
from events.admin import EventLocalTimesMixin
from events.models import Event
from institutions.models import Institution
from programmes.models import (
    Agreement,
    AgreementParty,
    Approval,
    Partnership,
    Programme,
    ProgrammeTransition,
)
from programmes.services import agreement_create, approval_record, programme_create

# What a new agreement is made of in the admin; its parties come from the inline.
AGREEMENT_ADD_FIELDS = [
    "title",
    "kind",
    "reference",
    "summary",
    "signed_on",
    "valid_from",
    "valid_until",
]


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Rows of the programme written by a service or on another page, listed here."""

    extra = 0


# --- Agreements -------------------------------------------------------------------------------


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    min_num = 2
    extra = 0
    autocomplete_fields = ["institution"]

    def get_formset(self, request, obj=None, **kwargs):
        # An agreement has at least two parties, also after a party row is deleted.
        kwargs["validate_min"] = True
        return super().get_formset(request, obj, **kwargs)


class AgreementStatusFilter(admin.SimpleListFilter):
    """Filters on the status derived from the dates, by the same rule the model states."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Agreement.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Agreement.Status.values:
            return queryset.with_status(self.value())
        return queryset


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [*AGREEMENT_ADD_FIELDS, "terminated_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and "valid_from" in self.fields:
            # agreement_create puts it in force from signing when no date is given.
            self.fields["valid_from"].required = False
            self.fields["valid_from"].help_text = _("Empty: in force from signing.")

    def clean(self):
        cleaned_data = super().clean()
        if (
            self.instance._state.adding
            and cleaned_data.get("valid_until")
            and not cleaned_data.get("valid_from")
            and "valid_from" not in self.errors
        ):
            # The start left empty is set by the service after this form is checked; with an
            # end date the two are checked together here, so the start is asked for.
            self.add_error(
                "valid_from", gettext("With an end date, give the date it takes effect too.")
            )
        return cleaned_data


@admin.register(Agreement)
class AgreementAdmin(DostlikAdminMixin, SimpleHistoryAdmin):
    form = AgreementForm
    list_display = [
        "title",
        "kind",
        "signed_on",
        "valid_from",
        "valid_until",
        "party_count",
        "status_label",
    ]
    list_filter = ["kind", AgreementStatusFilter, "signed_on"]
    search_fields = ["title", "reference", "party_rows__institution__name"]
    date_hierarchy = "signed_on"
    ordering = ["-signed_on", "title"]
    readonly_fields = ["status_label", "created_at"]
    add_fieldsets = [
        (None, {"fields": ["title", "kind", "reference", "summary"]}),
        (_("Dates"), {"fields": ["signed_on", "valid_from", "valid_until"]}),
    ]
    fieldsets = [
        (None, {"fields": ["title", "kind", "reference", "summary"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "signed_on",
                    "valid_from",
                    "valid_until",
                    "terminated_on",
                    "status_label",
                    "created_at",
                ]
            },
        ),
    ]
    inlines = [AgreementPartyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(party_total=Count("party_rows"))

    @admin.display(description=_("parties"), ordering="party_total")
    def party_count(self, agreement: Agreement) -> int:
        return agreement.party_total

    @admin.display(description=_("status"))
    def status_label(self, agreement: Agreement) -> str:
        return agreement.get_status_display()

    def get_fieldsets(self, request, obj=None):
        # Termination and the derived status belong to an agreement that exists.
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        # A new agreement is written by agreement_create together with its parties, which are
        # known only in save_related.
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        (party_formset,) = formsets
        parties = [
            row["institution"]
            for row in party_formset.cleaned_data
            if row and not row.get("DELETE")
        ]
        agreement = agreement_create(
            actor=request.user,
            parties=parties,
            **{name: form.cleaned_data[name] for name in AGREEMENT_ADD_FIELDS},
        )
        take_over_saved_row(form.instance, agreement)
        # The admin's log entry lists what the inline saved; here the service saved it.
        party_formset.new_objects = list(agreement.party_rows.select_related("institution"))
        party_formset.changed_objects = []
        party_formset.deleted_objects = []


# --- Programmes -------------------------------------------------------------------------------


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


class PartnershipInline(admin.TabularInline):
    model = Partnership
    formset = PartnershipFormSet
    extra = 0
    autocomplete_fields = ["institution"]
    fields = ["institution", "role", "contribution", "funding_amount", "funding_currency"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution__country")


class EventInline(EventLocalTimesMixin, ReadOnlyInline):
    """A compact list of the programme's events; each is edited on its own page, where a change
    raises the event's calendar SEQUENCE."""

    model = Event
    fields = [
        "title",
        "kind",
        "local_start",
        "local_end",
        "host_institution",
        "status",
        "visibility",
    ]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host_institution")


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = ["country", "decision", "decided_by", "decided_at", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country", "decided_by")


class ProgrammeTransitionInline(ReadOnlyInline):
    model = ProgrammeTransition
    fields = ["from_status", "to_status", "actor", "at", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ProgrammeAddForm(forms.ModelForm):
    """A new programme starts as a draft led by one institution; partners are added after."""

    lead = forms.ModelChoiceField(
        label=_("lead institution"),
        queryset=Institution.objects.all(),
        widget=AutocompleteSelect(Partnership._meta.get_field("institution"), admin.site),
        help_text=_("Partners are added on the next page."),
    )

    class Meta:
        model = Programme
        fields = [
            "title",
            "kind",
            "summary",
            "agreement",
            "starts_on",
            "ends_on",
            "budget_amount",
            "budget_currency",
            "enrolled_students",
        ]


@admin.register(Programme)
class ProgrammeAdmin(DostlikAdminMixin, SimpleHistoryAdmin):
    add_form = ProgrammeAddForm
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
    inlines = [PartnershipInline, EventInline, ApprovalInline, ProgrammeTransitionInline]

    def get_queryset(self, request):
        lead_name = Partnership.objects.filter(
            programme=OuterRef("pk"), role=Partnership.Role.LEAD
        ).values("institution__name")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(lead_name=Subquery(lead_name))
            .prefetch_related(
                Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.select_related("institution__country"),
                )
            )
        )

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
            partnership.institution.country.name for partnership in programme.partnerships.all()
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
            super().save_model(request, obj, form, change)
            return
        # Creation goes through the service: it makes the lead partnership and records the
        # first status (draft) with who created it.
        programme = programme_create(
            actor=request.user,
            lead=form.cleaned_data["lead"],
            title=obj.title,
            kind=obj.kind,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            summary=obj.summary,
            agreement=obj.agreement,
            budget_amount=obj.budget_amount,
            budget_currency=obj.budget_currency,
            enrolled_students=obj.enrolled_students,
        )
        take_over_saved_row(obj, programme)

    def response_add(self, request, obj, post_url_continue=None):
        # Partners are added on the change page, so go there (as the user admin does after the
        # password step).
        if "_addanother" not in request.POST and IS_POPUP_VAR not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = 1
        return super().response_add(request, obj, post_url_continue)


@admin.register(Partnership)
class PartnershipAdmin(DostlikAdminMixin, admin.ModelAdmin):
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
    autocomplete_fields = ["programme", "institution"]
    ordering = ["programme__title", "role", "institution__name"]

    @admin.display(description=_("country"), ordering="institution__country__name")
    def country(self, partnership: Partnership):
        return partnership.institution.country


@admin.register(Approval)
class ApprovalAdmin(DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "country", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "country", "decided_at"]
    list_select_related = ["programme", "country", "decided_by"]
    search_fields = ["programme__title", "comment", "decided_by__username"]
    autocomplete_fields = ["programme", "country"]
    readonly_fields = ["decided_by", "decided_at"]
    date_hierarchy = "decided_at"
    ordering = ["-decided_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A decision belongs to one country on one programme; a different pair is a new row.
        if obj is not None:
            readonly += ["programme", "country"]
        return readonly

    def save_model(self, request, obj, form, change):
        # The service stamps who decided and when.
        approval = approval_record(
            programme=obj.programme,
            country=obj.country,
            decision=obj.decision,
            actor=request.user,
            comment=obj.comment,
        )
        take_over_saved_row(obj, approval)


@admin.register(ProgrammeTransition)
class ProgrammeTransitionAdmin(ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin):
    """Status changes are written by the workflow only; here they are read."""

    list_display = ["programme", "from_status", "to_status", "actor", "at"]
    readonly_fields = ["programme", "from_status", "to_status", "actor", "at", "comment"]
    list_filter = ["to_status", "from_status", "at"]
    list_select_related = ["programme", "actor"]
    search_fields = ["programme__title", "comment", "actor__username"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]
