import datetime
import zoneinfo
from typing import NamedTuple

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    LOADED_VERSION,
    DostlikAdminMixin,
    HistoryReadOnlyMixin,
    ReadOnlyAdminMixin,
    VersionedAdminMixin,
    VersionedModelForm,
    take_over_saved_row,
)
from core.validators import validate_time_zone
from events.models import Event, Venue, WarningAcknowledgement, all_day_bounds
from events.permissions import can_add_event, can_change_event, can_view_event
from events.services import event_create, event_delete, event_update
from institutions.permissions import is_coordinator
from multilingual.admin import TranslationsAdminMixin
from multilingual.forms import with_translations
from programmes.admin.programmes import (
    DecisionInline,
    PartnershipInline,
    ProgrammeAdmin,
    ProgrammeTransitionInline,
    ProgrammeVersionInline,
    ReadOnlyInline,
)
from programmes.models import Programme
from programmes.selectors import programme_visibility

# Left empty on a new event, these come from the venue, else from the host (as the service does).
PLACE_DEFAULTED_FIELDS = ("city", "country", "time_zone")

EVENT_TIMES = ("starts_at", "ends_at")


@admin.register(WarningAcknowledgement)
class WarningAcknowledgementAdmin(ReadOnlyAdminMixin, DostlikAdminMixin, admin.ModelAdmin):
    """Who saved an event despite which warning, and when: written by the event services when
    a person ticks "save anyway", for the operators to read."""

    list_display = ["event", "kind", "message", "acknowledged_by", "acknowledged_at"]
    list_filter = ["kind", "acknowledged_at"]
    list_select_related = ["event", "acknowledged_by"]
    autocomplete_fields = ["event", "acknowledged_by"]
    search_fields = ["event__title", "acknowledged_by__username", "message"]
    date_hierarchy = "acknowledged_at"
    ordering = ["-acknowledged_at", "pk"]

    def may_view(self, user, obj=None) -> bool:
        # Every event's, drafts' too: not for the coordinators who may see only some.
        return user.is_superuser


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


class EventLocalTimesMixin:
    """An event's start and end as the clock at its place shows them, with the zone named: a
    concert at 19:00 in Almaty reads 19:00 to every record keeper, wherever they sit."""

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, event: Event) -> str:
        return f"{event.local_starts_at:%Y-%m-%d %H:%M} {event.time_zone}"

    @admin.display(description=_("ends (local time)"), ordering="ends_at")
    def local_end(self, event: Event) -> str:
        return f"{event.local_ends_at:%Y-%m-%d %H:%M} {event.time_zone}"


class WallClock(NamedTuple):
    """A day and, unless the event runs all day, a time, as typed: an instant only once the
    event's time zone is known."""

    day: datetime.date
    time: datetime.time | None


class LocalTimeWidget(AdminSplitDateTime):
    """The admin's date and time inputs without its note "enter times in the server's time
    zone", which would be wrong here: these times are read on the clock of the event's place.
    The admin's script leaves out its note where the field already has one, so an empty one is
    put in."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<div class="local-time"><span class="timezonewarning" hidden></span>{}</div>',
            super().render(name, value, attrs, renderer),
        )


class WallClockField(forms.MultiValueField):
    """A date and a time read on the clock at the event's place. Django's own split field reads
    them in the site's time zone as soon as the field is cleaned; the event's zone is known only
    when the whole form is, so the instant is made in ``EventAdminForm.clean``."""

    widget = LocalTimeWidget

    def __init__(self, **kwargs):
        super().__init__(
            fields=(forms.DateField(), forms.TimeField(required=False)),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list) -> WallClock | None:
        if not data_list:
            return None
        day, time = data_list
        return WallClock(day, time)


class EventAdminForm(VersionedModelForm):
    # Who fills the form in; set by the admin for each request.
    actor = None

    starts_at = WallClockField(label=_("starts"), help_text=_("Local time at the event's place."))
    ends_at = WallClockField(
        label=_("ends"),
        help_text=_("Local time at the event's place. For an all-day event, the last day."),
    )

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
        help_texts = {
            "all_day": _(
                "Whole days at the event's place, from the start date to the end date, both "
                "included; the times are ignored."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            for name in PLACE_DEFAULTED_FIELDS:
                if name in self.fields:
                    self.fields[name].required = False
                    self.fields[name].help_text = _("Empty: the venue's, else the host's.")
        else:
            self.initial.update(self.local_times(self.instance))

    @staticmethod
    def local_times(event: Event) -> dict[str, datetime.datetime]:
        """The stored instants as the clock at the event's place shows them. An all-day event
        is stored up to the midnight after its last day; the form shows that last day."""
        last = event.local_ends_at
        if event.all_day:
            last -= datetime.timedelta(days=1)
        return {
            "starts_at": event.local_starts_at.replace(tzinfo=None),
            "ends_at": last.replace(tzinfo=None),
        }

    def clean(self):
        cleaned_data = super().clean()
        self.check_may_add_to_programme(cleaned_data)
        self.read_times(cleaned_data)
        return cleaned_data

    def check_may_add_to_programme(self, cleaned_data) -> None:
        """A new event, or one moved to another programme, goes to a programme its author may
        add events to (``can_add_event``), as on the site."""
        programme = cleaned_data.get("programme")
        if (
            self.actor is None
            or programme is None
            or not (self.instance._state.adding or "programme" in self.changed_data)
        ):
            return
        if not can_add_event.test(self.actor, programme):
            self.add_error(
                "programme",
                gettext("You cannot add events to the programme “%(programme)s”.")
                % {"programme": programme},
            )

    def event_time_zone(self, cleaned_data) -> str | None:
        """The zone the typed times are read in: the one typed, else the one the event takes
        from its country, venue or host, in the order event_create takes it."""
        if "time_zone" in self.errors:
            return None
        typed = cleaned_data.get("time_zone")
        if typed:
            try:
                validate_time_zone(typed)
            except ValidationError as error:
                self.add_error("time_zone", error)
                return None
            return typed
        country = cleaned_data.get("country")
        if country is None:
            place = cleaned_data.get("venue") or cleaned_data.get("host_institution")
            country = place.country if place is not None else None
        return country.time_zone if country is not None else None

    def read_times(self, cleaned_data) -> None:
        """Turn the typed wall-clock times into instants in the event's zone. An all-day event
        runs from local midnight of its first day to local midnight after its last."""
        # Without a zone the form already carries an error (the zone or the host); the site's
        # zone then stands in so that the remaining checks, such as end after start, still run.
        zone_name = self.event_time_zone(cleaned_data) or timezone.get_current_timezone_name()
        all_day = cleaned_data.get("all_day", False)
        for name in EVENT_TIMES:
            wall_clock = cleaned_data.get(name)
            if wall_clock is None:
                continue
            if all_day:
                first_midnight, midnight_after = all_day_bounds(
                    wall_clock.day, wall_clock.day, zone_name
                )
                cleaned_data[name] = first_midnight if name == "starts_at" else midnight_after
            elif wall_clock.time is None:
                self.add_error(name, gettext("Enter a time, or tick “all day”."))
            else:
                cleaned_data[name] = datetime.datetime.combine(
                    wall_clock.day, wall_clock.time, tzinfo=zoneinfo.ZoneInfo(zone_name)
                )


@admin.register(Event)
class EventAdmin(
    TranslationsAdminMixin,
    VersionedAdminMixin,
    HistoryReadOnlyMixin,
    EventLocalTimesMixin,
    DostlikAdminMixin,
    SimpleHistoryAdmin,
):
    """Events as on the site: seen by whoever sees their programme, changed by the coordinators
    of the host (or of the programme's lead) while the programme takes events."""

    form = with_translations(EventAdminForm)
    # event_create takes no translations: they are given once the event exists.
    translations_on_add = False
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(programme_visibility(user=request.user, prefix="programme__"))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            # A programme the user may not see is no choice, and says nothing of its existence.
            kwargs["queryset"] = Programme.objects.filter(programme_visibility(user=request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def may_view(self, user, obj=None) -> bool:
        return obj is None or can_view_event.test(user, obj)

    def may_add(self, user) -> bool:
        return user.is_superuser or is_coordinator.test(user)

    def may_change(self, user, obj=None) -> bool:
        if obj is None:
            return self.may_add(user)
        return can_change_event.test(user, obj)

    def may_delete(self, user, obj=None) -> bool:
        # What the countries approved loses an event only by an amendment: an event of an
        # approved or active programme is cancelled there, not deleted here.
        return user.is_superuser and (
            obj is None or obj.programme.status not in Programme.Status.under_way_states
        )

    def save_model(self, request, obj, form, change):
        # Through the services: a change a calendar shows raises SEQUENCE, and a new event takes
        # its place and time zone from the venue or host when they are left empty.
        values = form.cleaned_data
        if change:
            changes = {name: values[name] for name in form.changed_data if name != LOADED_VERSION}
            # The instants follow the zone and "all day" as well as the typed clock, so they are
            # always handed over; event_update compares with the stored row and saves only what
            # moved, then refreshes ``obj``.
            changes.update({name: values[name] for name in EVENT_TIMES})
            event_update(event=obj, actor=request.user, version=values[LOADED_VERSION], **changes)
        else:
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
            take_over_saved_row(obj, event)

    def delete_model(self, request, obj):
        event_delete(event=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for event in queryset:
            event_delete(event=event, actor=request.user)


# ---------- A programme's events on its admin page ----------


class EventInline(EventLocalTimesMixin, ReadOnlyInline):
    """A compact list of the programme's events; each is edited on its own page, where a change
    raises the event's calendar SEQUENCE."""

    model = Event
    fields = [
        "title",
        "kind",
        "local_start",
        "local_end",
        "host_institution",
        "status",
        "visibility",
    ]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host_institution")


admin.site.unregister(Programme)


@admin.register(Programme)
class ProgrammeWithEventsAdmin(ProgrammeAdmin):
    """The programme admin, with the programme's events listed after its partners: the
    programmes app knows nothing of events, so the page is completed here."""

    inlines = [
        PartnershipInline,
        EventInline,
        ProgrammeVersionInline,
        DecisionInline,
        ProgrammeTransitionInline,
    ]
