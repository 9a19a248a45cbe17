from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calendars.feeds import feed_filters_in_words
from calendars.models import CalendarFeed
from calendars.services import feed_revoke
from core.admin import DostlikAdminMixin, ReadOnlyAdminMixin, export_as_csv


class FeedStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.action(description=_("Revoke selected feeds"), permissions=["revoke"])
def revoke_feeds(modeladmin, request, queryset):
    revoked = sum(feed_revoke(feed=feed, actor=request.user) for feed in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d feed revoked.", "%(count)d feeds revoked.", revoked)
        % {"count": revoked},
        messages.SUCCESS,
    )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin):
    """Subscription feeds, for the platform's operators only: a feed belongs to one person and
    says what they follow. Read here, revoked here (through the service), never written: a
    feed is made by its owner, who alone ever sees its token. Neither the token, which is not
    stored, nor its hash is shown."""

    list_display = ["name", "owner", "created_at", "last_fetched_at", "revoked_at"]
    list_filter = [FeedStatusFilter, "created_at", "last_fetched_at"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username", "owner__first_name", "owner__last_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "pk"]
    fields = ["owner", "name", "filters_in_words", "created_at", "last_fetched_at", "revoked_at"]
    readonly_fields = fields
    actions = [export_as_csv, revoke_feeds]

    def may_view(self, user, obj=None) -> bool:
        return user.is_superuser

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.is_superuser

    @admin.display(description=_("filters"))
    def filters_in_words(self, feed: CalendarFeed) -> str:
        words = feed_filters_in_words([feed], user=feed.owner)[feed.pk]
        if not words:
            return _("Every event the owner may see")
        return " · ".join(f"{word.label}: {word.value}" for word in words)
