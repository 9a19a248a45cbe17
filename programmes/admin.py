from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_utils import DostlikAdminMixin
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
from programmes.services import approval_record, programme_create


class ReadOnlyInlineMixin:
    """An inline that shows rows written elsewhere (by a service or another page)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        fields = [
            "title",
            "kind",
            "reference",
            "summary",
            "signed_on",
            "valid_from",
            "valid_until",
            "terminated_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "valid_from" in self.fields:
            self.fields["valid_from"].required = False
            self.fields["valid_from"].help_text = _("Empty: in force from signing.")

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("valid_from") and cleaned_data.get("signed_on"):
            cleaned_data["valid_from"] = cleaned_data["signed_on"]
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
    def status_label(self, agreement: Agreement) -> str | None:
        # An agreement being added has no dates yet, so no status.
        if agreement.valid_from is None:
            return None
        return agreement.get_status_display()


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


class EventInline(ReadOnlyInlineMixin, admin.TabularInline):
    """A compact list of the programme's events; each is edited on its own page, where a change
    raises the event's calendar SEQUENCE."""

    model = Event
    fields = [
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "host_institution",
        "status",
        "visibility",
    ]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host_institution")


class ApprovalInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Approval
    fields = ["country", "decision", "decided_by", "decided_at", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country", "decided_by")


class ProgrammeTransitionInline(ReadOnlyInlineMixin, admin.TabularInline):
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
        obj.pk = programme.pk
        obj._state.adding = False
        obj.refresh_from_db()

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
        obj.pk = approval.pk
        obj._state.adding = False
        obj.refresh_from_db()


@admin.register(ProgrammeTransition)
class ProgrammeTransitionAdmin(DostlikAdminMixin, admin.ModelAdmin):
    """Status changes are written by the workflow only; here they are read."""

    list_display = ["programme", "from_status", "to_status", "actor", "at"]
    readonly_fields = ["programme", "from_status", "to_status", "actor", "at", "comment"]
    list_filter = ["to_status", "from_status", "at"]
    list_select_related = ["programme", "actor"]
    search_fields = ["programme__title", "comment", "actor__username"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
