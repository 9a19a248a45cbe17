from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_utils import DostlikAdminMixin
from events.models import Event, Venue
from events.services import event_create, event_update
from programmes.models import Partnership, Programme

# Left empty on a new event, these come from the venue, else from the host (as the service does).
PLACE_DEFAULTED_FIELDS = ("city", "country", "time_zone")


@admin.register(Venue)
class VenueAdmin(DostlikAdminMixin, admin.ModelAdmin):
    list_display = ["name", "city", "country", "institution"]
    list_filter = ["country", "city"]
    list_select_related = ["country", "institution"]
    search_fields = ["name", "city", "address", "institution__name"]
    autocomplete_fields = ["institution", "country"]
    ordering = ["name"]


class ProgrammeStatusFilter(admin.SimpleListFilter):
    title = _("programme status")
    parameter_name = "programme_status"

    def lookups(self, request, model_admin):
        return Programme.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Programme.Status.values:
            return queryset.filter(programme__status=self.value())
        return queryset


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "programme",
            "title",
            "kind",
            "description",
            "status",
            "visibility",
            "host_institution",
            "venue",
            "city",
            "country",
            "time_zone",
            "starts_at",
            "ends_at",
            "all_day",
            "expected_attendance",
            "actual_attendance",
            "youth_attendance",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            for name in PLACE_DEFAULTED_FIELDS:
                if name in self.fields:
                    self.fields[name].required = False
                    self.fields[name].help_text = _("Empty: the venue's, else the host's.")

    def clean(self):
        cleaned_data = super().clean()
        programme = cleaned_data.get("programme")
        host = cleaned_data.get("host_institution")
        if (
            programme is not None
            and host is not None
            and not Partnership.objects.filter(programme=programme, institution=host).exists()
        ):
            self.add_error(
                "host_institution",
                gettext(
                    "%(institution)s is not a partner of the programme “%(programme)s”. Choose "
                    "one of its partners as host, or add %(institution)s to the programme first."
                )
                % {"institution": host, "programme": programme},
            )
        return cleaned_data


@admin.register(Event)
class EventAdmin(DostlikAdminMixin, SimpleHistoryAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "programme",
        "kind",
        "local_start",
        "host_institution",
        "country",
        "status",
        "visibility",
    ]
    list_filter = [
        ProgrammeStatusFilter,
        "country",
        "kind",
        "status",
        "visibility",
        "starts_at",
    ]
    list_select_related = ["programme", "host_institution", "country"]
    search_fields = [
        "title",
        "uid",
        "city",
        "programme__title",
        "host_institution__name",
        "host_institution__short_name",
        "venue__name",
    ]
    autocomplete_fields = ["programme", "host_institution", "venue", "country"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "pk"]
    fieldsets = [
        (None, {"fields": ["programme", "title", "kind", "description", "status", "visibility"]}),
        (_("Place"), {"fields": ["host_institution", "venue", "city", "country", "time_zone"]}),
        (_("Time"), {"fields": ["starts_at", "ends_at", "all_day"]}),
        (
            _("Attendance"),
            {"fields": ["expected_attendance", "actual_attendance", "youth_attendance"]},
        ),
        (_("Calendar"), {"fields": ["uid", "sequence", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, event: Event) -> str:
        return f"{event.local_starts_at:%Y-%m-%d %H:%M} {event.time_zone}"

    def save_model(self, request, obj, form, change):
        # Through the services: a change a calendar shows raises SEQUENCE, and a new event takes
        # its place and time zone from the venue or host when they are left empty.
        if change:
            event_update(
                event=Event.objects.get(pk=obj.pk),
                actor=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        else:
            values = form.cleaned_data
            event = event_create(
                actor=request.user,
                programme=values["programme"],
                title=values["title"],
                kind=values["kind"],
                host_institution=values["host_institution"],
                starts_at=values["starts_at"],
                ends_at=values["ends_at"],
                venue=values.get("venue"),
                city=values.get("city", ""),
                country=values.get("country"),
                time_zone=values.get("time_zone", ""),
                all_day=values.get("all_day", False),
                status=values["status"],
                visibility=values["visibility"],
                description=values.get("description", ""),
                expected_attendance=values.get("expected_attendance"),
                actual_attendance=values.get("actual_attendance"),
                youth_attendance=values.get("youth_attendance"),
            )
            obj.pk = event.pk
            obj._state.adding = False
        obj.refresh_from_db()
