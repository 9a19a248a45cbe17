"""Agreements in the admin: written through their service, read by every staff member."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    DostlikAdminMixin,
    FollowsParentInlineMixin,
    HistoryReadOnlyMixin,
    take_over_saved_row,
)
from programmes.models import Agreement, AgreementDocument, AgreementParty
from programmes.services import agreement_create

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


class AgreementPartyInline(FollowsParentInlineMixin, admin.TabularInline):
    model = AgreementParty
    min_num = 2
    extra = 0
    autocomplete_fields = ["institution"]

    def get_formset(self, request, obj=None, **kwargs):
        # An agreement has at least two parties, also after a party row is deleted.
        kwargs["validate_min"] = True
        return super().get_formset(request, obj, **kwargs)


class AgreementDocumentInline(admin.TabularInline):
    """The agreement's documents, read-only: they are added and removed on the agreement's page,
    where each file is checked, and downloaded through it, never from MEDIA_URL."""

    model = AgreementDocument
    extra = 0
    fields = ["download", "size_label", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("document"))
    def download(self, document: AgreementDocument) -> str:
        if document.pk is None:  # a row a tampered POST names by a key no document has
            return self.get_empty_value_display()
        url = reverse("programmes:agreement_document", args=[document.agreement_id, document.pk])
        return format_html('<a href="{}">{}</a> ({})', url, document.title, document.original_name)

    @admin.display(description=_("size"))
    def size_label(self, document: AgreementDocument) -> str:
        return filesizeformat(document.size)


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
class AgreementAdmin(HistoryReadOnlyMixin, DostlikAdminMixin, SimpleHistoryAdmin):
    """Agreements are the legal basis every signed-in user reads; superusers record them."""

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
    inlines = [AgreementPartyInline, AgreementDocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(party_total=Count("party_rows"))

    @admin.display(description=_("parties"), ordering="party_total")
    def party_count(self, agreement: Agreement) -> int:
        return agreement.party_total

    @admin.display(description=_("status"))
    def status_label(self, agreement: Agreement) -> str:
        return agreement.get_status_display()

    def get_inlines(self, request, obj):
        # A new agreement has no documents yet; they are added on its page once it exists.
        return [AgreementPartyInline] if obj is None else self.inlines

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
