import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import VersionedModel
from core.validators import validate_single_line, validate_time_zone
from events.recurrence import check_rule
from institutions.models import Country, Institution
from multilingual.content import translation_errors
from multilingual.models import TranslatedModel
from programmes.models import Programme


def new_event_uid() -> str:
    return f"{uuid.uuid4()}@dostlik"


def all_day_bounds(
    first_day: datetime.date, last_day: datetime.date, time_zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and exclusive end of an all-day event: local midnight of the first day and local
    midnight after the last, as calendars (RFC 5545) count whole days."""
    zone = zoneinfo.ZoneInfo(time_zone)
    midnight = datetime.time(0, tzinfo=zone)
    return (
        datetime.datetime.combine(first_day, midnight),
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), midnight),
    )


def _starts_a_day(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether ``moment`` is the first moment of a day in ``zone``: its midnight, or where
    clocks skip midnight (Beirut, 28 March 2027), the moment they skip to (01:00), as
    ``all_day_bounds`` gives it."""
    instant = moment.astimezone(datetime.UTC)
    midnight = datetime.datetime.combine(
        instant.astimezone(zone).date(), datetime.time(0, tzinfo=zone)
    )
    # Compared as instants: two times on the same zone's clock compare as wall times.
    return midnight.astimezone(datetime.UTC) == instant


def _zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=255, validators=[validate_single_line])
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("institution"),
        help_text=_("The institution that runs this venue, if any."),
    )
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[validate_single_line]
    )
    city = models.CharField(_("city"), max_length=100, validators=[validate_single_line])
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="venues", verbose_name=_("country")
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "city"],
                name="venue_unique_name_city",
                violation_error_message=_("A venue of that name already exists in this city."),
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}"


class Event(TranslatedModel, VersionedModel):
    """Something a programme holds on a date: an exhibition, a concert, a fair."""

    # The fields an editor may give in other languages (multilingual.content).
    TRANSLATED_FIELDS = ("title", "description")

    class Kind(models.TextChoices):
        EXHIBITION = "exhibition", _("Exhibition")
        CONCERT = "concert", _("Concert")
        FILM_SCREENING = "film_screening", _("Film screening")
        CONFERENCE = "conference", _("Conference")
        FAIR = "fair", _("Fair")
        LECTURE = "lecture", _("Lecture")
        PERFORMANCE = "performance", _("Performance")
        WORKSHOP = "workshop", _("Workshop")
        VISIT = "visit", _("Official visit")
        CEREMONY = "ceremony", _("Ceremony")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        POSTPONED = "postponed", _("Postponed")
        # The context keeps it apart from a cancelled programme: languages agree it by gender.
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")
        HELD = "held", _("Held")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        PUBLIC = "public", _("Public")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="events", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    host_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="hosted_events",
        verbose_name=_("host institution"),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("venue"),
    )
    city = models.CharField(_("city"), max_length=100, validators=[validate_single_line])
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="events", verbose_name=_("country")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name of the place where the event happens."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(
        _("all day"),
        default=False,
        help_text=_("Runs from the start date to the day before the end date, in local time."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    expected_attendance = models.PositiveIntegerField(
        _("expected attendance"), null=True, blank=True
    )
    actual_attendance = models.PositiveIntegerField(_("actual attendance"), null=True, blank=True)
    youth_attendance = models.PositiveIntegerField(
        _("youth attendance"), null=True, blank=True, help_text=_("Of the actual, under 30.")
    )
    uid = models.CharField(
        _("iCalendar UID"), max_length=255, default=new_event_uid, editable=False
    )
    sequence = models.PositiveIntegerField(_("iCalendar sequence"), default=0, editable=False)
    # A repeating event (``events.series``): the first occurrence holds the rule and the dates
    # skipped; every other occurrence is a row of its own that names it as its series, so
    # every page, warning and report sees each occurrence as it sees any event.
    recurrence_rule = models.CharField(
        _("repetition"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("An iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10."),
    )
    recurrence_skipped = models.JSONField(_("dates skipped"), default=list, blank=True)
    series = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
        editable=False,
        verbose_name=_("series"),
    )
    # The start the rule gives this occurrence (iCalendar's RECURRENCE-ID), whatever its own
    # start became; and whether it was changed on its own, so the series leaves it as it is.
    recurrence_id = models.DateTimeField(_("occurrence of"), null=True, blank=True, editable=False)
    detached = models.BooleanField(_("changed on its own"), default=False, editable=False)
    # The end of the series' last occurrence, on the first one: what a period's query reads.
    series_ends_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [
            # With the end: lists of what is under way or to come (``events.spans``) read
            # and count them from the index alone.
            models.Index(fields=["starts_at", "ends_at"], name="event_starts_with_end"),
            models.Index(fields=["programme", "starts_at"]),
            models.Index(fields=["host_institution", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["uid"],
                name="event_unique_uid",
                violation_error_message=_("Another event already has this calendar UID."),
            ),
            models.UniqueConstraint(
                fields=["series", "recurrence_id"],
                name="event_one_row_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True) | Q(recurrence_rule=""),
                name="event_rule_on_the_first_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(expected_attendance__isnull=True) | Q(expected_attendance__gte=0),
                name="event_expected_attendance_non_negative",
                violation_error_message=_("Attendance cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(actual_attendance__isnull=True) | Q(actual_attendance__gte=0),
                name="event_actual_attendance_non_negative",
                violation_error_message=_("Attendance cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(youth_attendance__isnull=True)
                | Q(youth_attendance__gte=0)
                & (
                    Q(actual_attendance__isnull=True)
                    | Q(youth_attendance__lte=F("actual_attendance"))
                ),
                name="event_youth_within_actual",
                violation_error_message=_("Youth attendance cannot exceed the actual attendance."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.venue_id and self.country_id and self.venue.country_id != self.country_id:
            errors["venue"] = _("The venue is in another country than the event.")
        zone = _zone_or_none(self.time_zone)
        if self.all_day and zone and self.starts_at and self.ends_at:
            for name in ("starts_at", "ends_at"):
                if not _starts_a_day(getattr(self, name), zone):
                    errors[name] = _("An all-day event runs from midnight to midnight, local time.")
        if problems := translation_errors(self):
            errors["translations"] = problems
        if self.recurrence_rule:
            try:
                check_rule(self.recurrence_rule)
            except ValidationError as error:
                errors["recurrence_rule"] = error.messages
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self):
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self):
        return self.ends_at.astimezone(self.zone)


class WarningAcknowledgement(models.Model):
    """A person read a warning about an event and chose to save it anyway (``events.warnings``):
    who, when, and which warning, named by its kind and a key that tells it from the others of
    its kind (the other event of a clash, the day and country of a holiday, the days outside the
    programme's period, the zone and country of a time zone that does not fit). A later edit
    that brings only warnings already acknowledged saves without asking again; a warning with
    another key is a new one."""

    class Kind(models.TextChoices):
        OVERLAP = "overlap", _("Same venue at the same time")
        HOLIDAY = "holiday", _("Public holiday")
        PERIOD = "period", _("Outside the programme's period")
        TIME_ZONE = "time_zone", _("Time zone not of the country")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="warning_acknowledgements",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("warning"), max_length=100, validators=[validate_single_line])
    message = models.TextField(_("text shown"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("warning acknowledgement")
        verbose_name_plural = _("warning acknowledgements")
        ordering = ["event", "acknowledged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "key"], name="warningacknowledgement_once_per_warning"
            ),
        ]

    def __str__(self):
        return f"{self.event_id} {self.kind} {self.key}"


class EventTally(models.Model):
    """The events of one programme in one year with one status, kind, country and host, counted
    with their attendance: what the reports add up, so a report reads as many rows as there are
    such combinations, whatever the number of events. The year is that of the start in the
    site's time zone (``TIME_ZONE``).

    Recounted by the services that write events (``events.tallies``); never edited by hand
    (``manage.py retally`` rebuilds the table from the events)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="event_tallies",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Event.Status.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Event.Kind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    host_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("host institution")
    )
    events = models.PositiveIntegerField(_("events"))
    audience = models.PositiveBigIntegerField(
        _("audience"), help_text=_("The actual attendance of the events that give it.")
    )
    with_both = models.PositiveIntegerField(
        _("events with both attendances"),
        help_text=_("Events that give both the actual and the youth attendance."),
    )
    audience_with_both = models.PositiveBigIntegerField(
        _("audience of the events with both attendances")
    )
    youth = models.PositiveBigIntegerField(
        _("youth audience"), help_text=_("Of the events that give both attendances, under 30.")
    )

    class Meta:
        verbose_name = _("event tally")
        verbose_name_plural = _("event tallies")
        indexes = [models.Index(fields=["year", "programme"], name="eventtally_year_programme")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "status", "kind", "country", "host_institution"],
                name="eventtally_unique_combination",
            ),
        ]

    def __str__(self):
        return f"{self.programme_id} {self.year} {self.status} {self.kind}: {self.events}"
