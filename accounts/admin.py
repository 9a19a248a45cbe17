from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import DostlikAdminMixin, FollowsParentInlineMixin
from core.admin_input import AdminInputMixin
from institutions.admin import MembershipInline, MembershipsThroughServicesMixin
from institutions.models import NationalCoordinator, Viewer
from institutions.permissions import is_national_coordinator


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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AdminInputMixin, DjangoGroupAdmin):
    """Django's admin of groups, reading what a browser sends as every admin of the project
    does."""
