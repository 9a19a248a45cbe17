"""Invitations, read: they are made, sent again, withdrawn and accepted on the site, whose
services write the history each change leaves."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import DostlikAdminMixin, HistoryReadOnlyMixin, ReadOnlyAdminMixin
from invitations.models import Invitation, State


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


@admin.register(Invitation)
class InvitationAdmin(
    HistoryReadOnlyMixin, ReadOnlyAdminMixin, DostlikAdminMixin, SimpleHistoryAdmin
):
    list_display = [
        "email",
        "role",
        "institution",
        "country",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_filter = [StateFilter, "role", "country", "created_at"]
    list_select_related = ["institution", "country", "invited_by"]
    search_fields = ["email", "institution__name"]
    readonly_fields = [
        "email",
        "role",
        "institution",
        "country",
        "state",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "withdrawn_at",
    ]
    fields = readonly_fields
    date_hierarchy = "created_at"

    def may_view(self, user, obj=None) -> bool:
        return user.is_superuser

    @admin.display(description=_("state"))
    def state(self, invitation: Invitation) -> str:
        return invitation.get_state_display()
