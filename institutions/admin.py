from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_sessions_end
from core.admin import DostlikAdminMixin, FollowsParentInlineMixin, take_over_saved_row
from core.admin_input import AdminInputMixin
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from institutions.permissions import can_manage_coordinators, is_national_coordinator, role_ids
from institutions.services import (
    country_create,
    membership_add,
    membership_remove,
    place_shown_changed,
)
from multilingual.admin import TranslationsAdminMixin
from multilingual.forms import with_translations

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
            if {"name", "code"} & set(form.changed_data):
                place_shown_changed(country=obj)
            return
        country = country_create(code=obj.code, name=obj.name, time_zone=obj.time_zone)
        take_over_saved_row(obj, country)


class MembershipInline(FollowsParentInlineMixin, admin.TabularInline):
    """Coordinators of an institution on its page, and the institutions a person coordinates on
    theirs: the same rows, seen from either side. Edited with the page, so by superusers; a
    national coordinator names coordinators on the coordinators' own list."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user", "institution"]
    readonly_fields = ["created_at"]


class MembershipsThroughServicesMixin:
    """Coordinators named or removed in the membership inline of a page go through the
    services, which record who named or removed whom."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership_remove(membership=membership, actor=request.user)
        for membership, _changed in formset.changed_objects:
            membership.save()
        for membership in formset.new_objects:
            added = membership_add(
                user=membership.user, institution=membership.institution, actor=request.user
            )
            take_over_saved_row(membership, added)


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "short_name",
            "kind",
            "is_active",
            "country",
            "city",
            "website",
            "description",
        ]


@admin.register(Institution)
class InstitutionAdmin(
    TranslationsAdminMixin, MembershipsThroughServicesMixin, DostlikAdminMixin, admin.ModelAdmin
):
    form = with_translations(InstitutionForm)
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            place_shown_changed(institution=obj)


@admin.register(Membership)
class MembershipAdmin(DostlikAdminMixin, admin.ModelAdmin):
    """Institution coordinators. A national coordinator names and removes the coordinators of
    their country's institutions (``can_manage_coordinators``) and sees only those rows."""

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

    def get_queryset(self, request):
        memberships = super().get_queryset(request)
        if request.user.is_superuser:
            return memberships
        return memberships.filter(institution__country__in=role_ids(request.user).country_ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "institution" and not request.user.is_superuser:
            kwargs["queryset"] = Institution.objects.filter(
                country__in=role_ids(request.user).country_ids
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def may_view(self, user, obj=None) -> bool:
        return self.may_change(user, obj)

    def may_add(self, user) -> bool:
        return user.is_superuser or is_national_coordinator.test(user)

    def may_change(self, user, obj=None) -> bool:
        if obj is None:
            return self.may_add(user)
        return can_manage_coordinators.test(user, obj.institution)

    def may_delete(self, user, obj=None) -> bool:
        return self.may_change(user, obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        membership = membership_add(user=obj.user, institution=obj.institution, actor=request.user)
        take_over_saved_row(obj, membership)

    def delete_model(self, request, obj):
        membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "institution"):
            membership_remove(membership=membership, actor=request.user)


class OperatorsOnlyMixin:
    """Who decides for a country and who reads everything are the platform operator's to set
    and to see."""

    def may_view(self, user, obj=None) -> bool:
        return user.is_superuser


@admin.register(NationalCoordinator)
class NationalCoordinatorAdmin(OperatorsOnlyMixin, DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["user", "country", "created_at"]
    list_filter = ["country", "created_at"]
    list_select_related = ["user", "country"]
    search_fields = [*USER_SEARCH_FIELDS, "country__name"]
    autocomplete_fields = ["user", "country"]
    readonly_fields = ["created_at"]
    ordering = ["country__name", "user__username"]


@admin.register(Viewer)
class ViewerAdmin(OperatorsOnlyMixin, DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["user", "country", "institution", "created_at"]
    list_filter = ["country", "created_at"]
    list_select_related = ["user", "country", "institution"]
    search_fields = [*USER_SEARCH_FIELDS, "institution__name"]
    autocomplete_fields = ["user", "country", "institution"]
    readonly_fields = ["created_at"]
    ordering = ["user__username"]


# ---------- People and their roles ----------
# A person's page in the admin shows the roles they hold, which are this app's rows: the admin
# of users is registered here rather than in accounts, which knows nothing of roles.


class NationalCoordinatorInline(FollowsParentInlineMixin, admin.TabularInline):
    model = NationalCoordinator
    extra = 0
    autocomplete_fields = ["country"]
    readonly_fields = ["created_at"]
    verbose_name = _("national coordinator for")
    verbose_name_plural = _("national coordinator for")
    superusers_only = True


class ViewerInline(FollowsParentInlineMixin, admin.StackedInline):
    model = Viewer
    extra = 0
    max_num = 1
    autocomplete_fields = ["country", "institution"]
    readonly_fields = ["created_at"]
    superusers_only = True


class RoleFilter(admin.SimpleListFilter):
    """What a person may do comes from role rows; this finds people by the rows they hold."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [
            ("coordinator", _("Institution coordinator")),
            ("national", _("National coordinator")),
            ("viewer", _("Viewer")),
            ("none", _("No role")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "coordinator":
                return queryset.filter(memberships__isnull=False).distinct()
            case "national":
                return queryset.filter(national_roles__isnull=False).distinct()
            case "viewer":
                return queryset.filter(viewer_role__isnull=False)
            case "none":
                return queryset.filter(
                    memberships__isnull=True, national_roles__isnull=True, viewer_role__isnull=True
                )
        return queryset


@admin.register(User)
class UserAdmin(MembershipsThroughServicesMixin, DostlikAdminMixin, DjangoUserAdmin):
    """People and their roles, given by superusers. A national coordinator may look people up
    (to name the coordinators of their country's institutions) and read who they are, not
    their password, flags or permissions."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "email", "time_zone", "language")},
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "email", "first_name", "last_name", "time_zone", "is_staff"]
    list_filter = [RoleFilter, "is_staff", "is_superuser", "is_active", "groups"]
    inlines = [MembershipInline, NationalCoordinatorInline, ViewerInline]

    # What a national coordinator reads of a person.
    public_fieldsets = (
        (None, {"fields": ("username",)}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "email", "time_zone", "language")},
        ),
    )

    def may_view(self, user, obj=None) -> bool:
        return user.is_superuser or is_national_coordinator.test(user)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.public_fieldsets
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        # Roles are given on the change page, once the person exists (as with the password).
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Deactivated: signed out everywhere at once (their feeds stop with the content
            # version the admin's save moves: ``calendars.feeds``).
            user_sessions_end(user=obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AdminInputMixin, DjangoGroupAdmin):
    """Django's admin of groups, reading what a browser sends as every admin of the project
    does."""
