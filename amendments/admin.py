"""Amendments, read: they are proposed and decided on the site."""

from django.contrib import admin

from amendments.models import Amendment
from core.admin import DostlikAdminMixin, ReadOnlyAdminMixin
from programmes.admin.programmes import ProgrammeScopedMixin


@admin.register(Amendment)
class AmendmentAdmin(ProgrammeScopedMixin, ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "version", "subject", "state", "proposed_by", "proposed_at"]
    list_filter = ["state", "subject", "proposed_at"]
    list_select_related = ["programme", "version", "proposed_by"]
    search_fields = ["programme__title", "note"]
    readonly_fields = [
        "programme",
        "base_version",
        "version",
        "subject",
        "event",
        "changes",
        "note",
        "state",
        "proposed_by",
        "proposed_at",
        "closed_at",
    ]
    date_hierarchy = "proposed_at"
