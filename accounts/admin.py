from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.admin_utils import DostlikAdminMixin
from institutions.admin import MembershipInline
from institutions.models import NationalCoordinator, Viewer


class NationalCoordinatorInline(admin.TabularInline):
    model = NationalCoordinator
    extra = 0
    autocomplete_fields = ["country"]
    readonly_fields = ["created_at"]
    verbose_name = _("national coordinator for")
    verbose_name_plural = _("national coordinator for")


class ViewerInline(admin.StackedInline):
    model = Viewer
    extra = 0
    max_num = 1
    autocomplete_fields = ["country", "institution"]
    readonly_fields = ["created_at"]


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
class UserAdmin(DostlikAdminMixin, DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "time_zone")}),
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

    def get_inlines(self, request, obj):
        # Roles are given on the change page, once the person exists (as with the password).
        return self.inlines if obj is not None else []
