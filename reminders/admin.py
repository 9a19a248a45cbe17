from django.contrib import admin

from core.admin import DostlikAdminMixin, ReadOnlyAdminMixin
from reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin):
    """The reminders sent by ``send_reminders``, for the operators: who was told about what and
    when. Written only by the command, which relies on them to remind each person once."""

    list_display = [
        "kind",
        "recipient",
        "agreement",
        "valid_until",
        "event",
        "starts_at",
        "sent_at",
    ]
    list_filter = ["kind", "sent_at"]
    list_select_related = ["recipient", "agreement", "event"]
    autocomplete_fields = ["recipient", "agreement", "event"]
    search_fields = ["recipient__username", "recipient__email", "agreement__title", "event__title"]
    date_hierarchy = "sent_at"
    ordering = ["-sent_at", "pk"]

    def may_view(self, user, obj=None) -> bool:
        return user.is_superuser
