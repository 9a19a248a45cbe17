from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from config.admin_utils import DostlikAdminMixin, take_over_saved_row
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from institutions.services import country_create

# A role row is found by the person who holds it.
USER_SEARCH_FIELDS = ["user__username", "user__first_name", "user__last_name", "user__email"]


class CountryForm(forms.ModelForm):
    class Meta:
        model = Country
        fields = ["code", "name", "time_zone"]

    def clean_code(self) -> str:
        # ISO codes are capitals; "kz" typed in a hurry means KZ, as in country_create.
        return self.cleaned_data["code"].upper()


@admin.register(Country)
class CountryAdmin(DostlikAdminMixin, admin.ModelAdmin):
    form = CountryForm
    list_display = ["name", "code", "time_zone", "institution_count"]
    search_fields = ["name", "code"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(institution_total=Count("institutions"))

    @admin.display(description=_("institutions"), ordering="institution_total")
    def institution_count(self, country: Country) -> int:
        return country.institution_total

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        country = country_create(code=obj.code, name=obj.name, time_zone=obj.time_zone)
        take_over_saved_row(obj, country)


class MembershipInline(admin.TabularInline):
    """Coordinators of an institution on its page, and the institutions a person coordinates on
    theirs: the same rows, seen from either side."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user", "institution"]
    readonly_fields = ["created_at"]


@admin.register(Institution)
class InstitutionAdmin(DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "country", "city", "is_active"]
    list_filter = ["country", "kind", "is_active"]
    list_select_related = ["country"]
    search_fields = ["name", "short_name", "city"]
    autocomplete_fields = ["country"]
    readonly_fields = ["created_at"]
    ordering = ["name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "is_active"]}),
        (_("Place"), {"fields": ["country", "city", "website"]}),
        (None, {"fields": ["description", "created_at"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["user", "institution", "country", "created_at"]
    list_filter = ["institution__country", "institution__kind", "created_at"]
    list_select_related = ["user", "institution__country"]
    search_fields = [*USER_SEARCH_FIELDS, "institution__name", "institution__short_name"]
    autocomplete_fields = ["user", "institution"]
    readonly_fields = ["created_at"]
    ordering = ["institution__name", "user__username"]

    @admin.display(description=_("country"), ordering="institution__country__name")
    def country(self, membership: Membership) -> Country:
        return membership.institution.country


@admin.register(NationalCoordinator)
class NationalCoordinatorAdmin(DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["user", "country", "created_at"]
    list_filter = ["country", "created_at"]
    list_select_related = ["user", "country"]
    search_fields = [*USER_SEARCH_FIELDS, "country__name"]
    autocomplete_fields = ["user", "country"]
    readonly_fields = ["created_at"]
    ordering = ["country__name", "user__username"]


@admin.register(Viewer)
class ViewerAdmin(DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["user", "country", "institution", "created_at"]
    list_filter = ["country", "created_at"]
    list_select_related = ["user", "country", "institution"]
    search_fields = [*USER_SEARCH_FIELDS, "institution__name"]
    autocomplete_fields = ["user", "country", "institution"]
    readonly_fields = ["created_at"]
    ordering = ["user__username"]
