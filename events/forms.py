"""The event form of the coordinator workspace.

People type an event's times as the clock on the wall of the place shows them: a concert in
Almaty at 19:00 is entered as 19:00, whoever types it and wherever they sit. The form resolves
the place's time zone (the one typed, else the event's country's, the country being the one
typed, else the venue's, else the host's) and turns the local dates and times into instants; an
all-day event is entered as its first and last day, both included.

An event that overlaps another at its venue, or falls on a public holiday of a country taking
part, is saved only once the coordinator has read the warnings (``WarningsAcknowledgementForm``);
they never refuse it.
"""

import datetime
import zoneinfo
from collections.abc import Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.time_zones import country_zones, is_offered, zone_choices
from core.forms import add_service_error
from events.models import Event, Venue, all_day_bounds
from events.permissions import hostable_institution_ids
from events.recurrence import MAX_OCCURRENCES, Expansion, expand, rule_parts
from events.selectors import event_local_days
from events.warnings import EventWarning, event_warnings, warnings_digest
from institutions.models import Country, Institution
from institutions.permissions import role_ids
from programmes.models import Programme

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def time_zone_choices() -> list:
    """Real places only, Central Asia first (``accounts.time_zones``); empty: the place's."""
    return [("", _("The place's time zone")), *zone_choices()]


REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("DAILY", _("Daily")),
    ("WEEKLY", _("Weekly")),
    ("MONTHLY", _("Monthly, on the same day")),
    ("YEARLY", _("Yearly")),
]
# A rule made elsewhere (an imported calendar) with parts the form does not show is kept.
KEEP_RULE = "keep"
WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
REPEAT_END_CHOICES = [
    ("count", _("After a number of dates")),
    ("until", _("On a day")),
    ("never", _("Never")),
]
REPEAT_FIELDS = (
    "repeat",
    "repeat_interval",
    "repeat_days",
    "repeat_end",
    "repeat_until",
    "repeat_count",
    "repeat_skipped",
)
# How many dates the preview lists before saying how many more there are.
PREVIEW_DATES = 12

# The service speaks of instants; the form of the dates and times people type.
_FIELD_FOR_SERVICE_ERROR = {
    "starts_at": "start_date",
    "ends_at": "end_date",
    "recurrence_rule": "repeat",
}

# What the form hands to ``event_create`` and ``event_update``.
EVENT_FIELDS = (
    "title",
    "description",
    "kind",
    "host_institution",
    "venue",
    "city",
    "country",
    "time_zone",
    "all_day",
    "starts_at",
    "ends_at",
    "status",
    "visibility",
    "expected_attendance",
    "actual_attendance",
    "youth_attendance",
)


def host_choices(
    *, user: User, programme: Programme, current: Institution | None = None
) -> QuerySet[Institution]:
    """The institutions ``user`` may name as host of an event of ``programme``
    (``events.permissions.hostable_institution_ids``). ``current`` (the host of an event being
    edited) stays selectable, so an edit of other fields never forces a new host."""
    partner_ids = hostable_institution_ids(user, programme)
    if current is not None:
        partner_ids.add(current.pk)
    return Institution.objects.filter(pk__in=partner_ids).order_by("name", "pk")


class EventForm(forms.Form):
    """Add an event to ``programme`` or, given ``event``, edit it (with its ``version``)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=Event.Status.choices, initial=Event.Status.PLANNED
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Event.Visibility.choices,
        initial=Event.Visibility.INTERNAL,
        help_text=_("Public events of approved programmes appear on the public calendar."),
    )
    host_institution = forms.ModelChoiceField(
        label=_("Host institution"),
        queryset=Institution.objects.none(),
        error_messages={
            "invalid_choice": _("Choose one of the programme's partners that you may name.")
        },
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.order_by("name", "city"),
        required=False,
        empty_label=_("No venue yet"),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        help_text=_("Empty: the venue's city, else the host's."),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("The venue's or host's"),
        help_text=_("Empty: the venue's country, else the host's."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_("Empty: the time zone of the event's country."),
        error_messages={"invalid_choice": _("Choose the time zone of a place from the list.")},
    )
    all_day = forms.BooleanField(
        label=_("All day"),
        required=False,
        help_text=_("Give the first and last day; the times are not used."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Local time of the place."),
    )
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    end_time = forms.TimeField(
        label=_("End time"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Local time of the place."),
    )
    expected_attendance = forms.IntegerField(
        label=_("Expected attendance"), required=False, min_value=0
    )
    actual_attendance = forms.IntegerField(
        label=_("Actual attendance"), required=False, min_value=0
    )
    youth_attendance = forms.IntegerField(
        label=_("Youth attendance"),
        required=False,
        min_value=0,
        help_text=_("Of the actual attendance, people under 30."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"), choices=REPEAT_CHOICES, required=False, initial=""
    )
    repeat_interval = forms.IntegerField(
        label=_("Every"),
        min_value=1,
        max_value=99,
        initial=1,
        required=False,
        help_text=_("1: every day, week, month or year; 2: every other one…"),
    )
    repeat_days = forms.MultipleChoiceField(
        label=_("On"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a weekly repetition; none chosen: the weekday of the start."),
    )
    repeat_end = forms.ChoiceField(
        label=_("Ends"), choices=REPEAT_END_CHOICES, initial="count", required=False
    )
    repeat_until = forms.DateField(label=_("On the day"), required=False, widget=DATE_INPUT)
    repeat_count = forms.IntegerField(
        label=_("After this many dates"),
        min_value=1,
        max_value=MAX_OCCURRENCES,
        required=False,
    )
    repeat_skipped = forms.CharField(
        label=_("Dates left out"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One day per line (YYYY-MM-DD): the repetition does not take place then."),
    )

    def __init__(self, *args, user: User, programme: Programme, event: Event | None = None, **kw):
        self.user = user
        self.programme = programme
        self.event = event
        if event is not None:
            kw.setdefault("initial", self._initial_from(event))
        super().__init__(*args, **kw)
        hosts = host_choices(
            user=user,
            programme=programme,
            current=event.host_institution if event is not None else None,
        )
        self.fields["host_institution"].queryset = hosts
        if event is None:
            # The institution the person coordinates is the likely host; with one choice, it is.
            own = [host for host in hosts if host.pk in role_ids(user).institution_ids]
            likely = own if len(own) == 1 else list(hosts)
            if len(likely) == 1:
                self.fields["host_institution"].initial = likely[0]
                # The host's clock is the likely one too; the place's venue may say otherwise.
                host_zone = likely[0].country.time_zone
                if is_offered(host_zone):
                    self.fields["time_zone"].initial = host_zone
        elif not is_offered(event.time_zone):
            # A zone saved before only places were offered (``localtime``) is kept on edit.
            self.fields["time_zone"].choices = [
                *time_zone_choices()[:1],
                (event.time_zone, _("%(zone)s (as saved)") % {"zone": event.time_zone}),
                *time_zone_choices()[1:],
            ]
        if not self.repeats_here:
            for name in REPEAT_FIELDS:
                del self.fields[name]
        if event is not None and event.recurrence_rule:
            self.fields["repeat"].choices = [
                *REPEAT_CHOICES,
                (KEEP_RULE, _("As it is: %(rule)s") % {"rule": event.recurrence_rule}),
            ]
        if event is not None:
            # The version the editor started from: an edit of an older one is refused.
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        self.helper = self._helper()

    @staticmethod
    def _initial_from(event: Event) -> dict:
        """The event as its place's clock shows it. Times are cut to the minute, as the form
        shows them, so that leaving them alone leaves the stored instant alone too."""
        first_day, last_day = event_local_days(event)
        starts, ends = event.local_starts_at, event.local_ends_at
        return {
            "title": event.title,
            "description": event.description,
            "kind": event.kind,
            "status": event.status,
            "visibility": event.visibility,
            "host_institution": event.host_institution,
            "venue": event.venue,
            "city": event.city,
            "country": event.country,
            # Empty while the zone is the country's: it then follows a change of country.
            "time_zone": "" if event.time_zone == event.country.time_zone else event.time_zone,
            "all_day": event.all_day,
            "start_date": first_day,
            "start_time": None if event.all_day else starts.time().replace(second=0, microsecond=0),
            "end_date": last_day if event.all_day else ends.date(),
            "end_time": None if event.all_day else ends.time().replace(second=0, microsecond=0),
            "expected_attendance": event.expected_attendance,
            "actual_attendance": event.actual_attendance,
            "youth_attendance": event.youth_attendance,
            "version": event.version,
            **_repeat_initial(event),
        }

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset(
                _("The event"),
                "title",
                "description",
                Row(Column("kind"), Column("status"), Column("visibility")),
            ),
            Fieldset(
                _("Host and place"),
                "host_institution",
                "venue",
                Row(Column("city"), Column("country"), Column("time_zone")),
            ),
            Fieldset(
                _("When"),
                "all_day",
                Row(Column("start_date"), Column("start_time")),
                Row(Column("end_date"), Column("end_time")),
            ),
            *([self._repeat_fieldset()] if self.repeats_here else []),
            Fieldset(
                _("Attendance"),
                Row(
                    Column("expected_attendance"),
                    Column("actual_attendance"),
                    Column("youth_attendance"),
                ),
            ),
            *([Field("version")] if "version" in self.fields else []),
        )
        return helper

    @property
    def repeats_here(self) -> bool:
        """Whether the repetition is set on this form: not on one date of a series, which
        follows the rule of its first."""
        return self.event is None or self.event.series_id is None

    @property
    def previewing(self) -> bool:
        """The person asked to see the dates of the repetition, not to save."""
        return self.is_bound and "preview_dates" in self.data

    def _repeat_fieldset(self) -> Fieldset:
        return Fieldset(
            _("Repetition"),
            Row(Column("repeat"), Column("repeat_interval")),
            "repeat_days",
            Row(Column("repeat_end"), Column("repeat_until"), Column("repeat_count")),
            "repeat_skipped",
        )

    def clean(self):
        data = super().clean()
        if not data.get("all_day"):
            for name in ("start_time", "end_time"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give the time, or tick “All day”."))
        place = data.get("venue") or data.get("host_institution")
        if place is None:
            return data
        data["country"] = data.get("country") or place.country
        data["city"] = data.get("city") or place.city
        data["time_zone"] = data.get("time_zone") or data["country"].time_zone
        if not self.errors:
            self._set_instants(data, zoneinfo.ZoneInfo(data["time_zone"]))
        if not self.errors and self.repeats_here:
            data["recurrence_rule"] = self._rule(data)
            data["recurrence_skipped"] = self._skipped(data) if data["recurrence_rule"] else []
        return data

    def _skipped(self, data: dict) -> list[str]:
        """The starts of the days typed as left out, as the series keeps them (UTC, ISO); the
        preview leaves them out too."""
        days = [line.strip() for line in data.get("repeat_skipped", "").splitlines()]
        if not any(days) or self.errors:
            return []
        starts = data["starts_at"].astimezone(zoneinfo.ZoneInfo(data["time_zone"]))
        expansion = getattr(self, "preview", None)
        if expansion is None:
            try:
                expansion = expand(data["recurrence_rule"], first_start=starts)
            except ValidationError as error:
                self.add_error("repeat", error)
                return []
        by_day = {start.date(): start for start in expansion.starts}
        skipped = set()
        for day in filter(None, days):
            try:
                start = by_day.get(datetime.date.fromisoformat(day))
            except ValueError:
                self.add_error(
                    "repeat_skipped", _("“%(day)s” is not a day (YYYY-MM-DD).") % {"day": day}
                )
                continue
            if start is None:
                self.add_error(
                    "repeat_skipped",
                    _("No date of the repetition falls on %(day)s.") % {"day": day},
                )
                continue
            skipped.add(start)
        self.preview = Expansion(
            [start for start in expansion.starts if start not in skipped], expansion.complete
        )
        return sorted(start.astimezone(datetime.UTC).isoformat() for start in skipped)

    def _rule(self, data: dict) -> str:
        """The repetition chosen, as an iCalendar RRULE, checked; "" when it does not repeat."""
        frequency = data.get("repeat")
        if not frequency:
            return ""
        if frequency == KEEP_RULE:
            return self.event.recurrence_rule
        parts = [f"FREQ={frequency}"]
        if (data.get("repeat_interval") or 1) > 1:
            parts.append(f"INTERVAL={data['repeat_interval']}")
        starts = data["starts_at"].astimezone(zoneinfo.ZoneInfo(data["time_zone"]))
        if frequency == "WEEKLY" and data.get("repeat_days"):
            days = [code for code, _label in WEEKDAY_CHOICES if code in data["repeat_days"]]
            if WEEKDAY_CHOICES[starts.weekday()][0] not in days:
                self.add_error(
                    "repeat_days",
                    _("Include the weekday of the start, %(day)s: it is the first date.")
                    % {"day": WEEKDAY_CHOICES[starts.weekday()][1]},
                )
            parts.append(f"BYDAY={','.join(days)}")
        end = data.get("repeat_end") or "count"
        if end == "count":
            if not data.get("repeat_count"):
                self.add_error("repeat_count", _("Give the number of dates."))
                return ""
            parts.append(f"COUNT={data['repeat_count']}")
        elif end == "until":
            until = data.get("repeat_until")
            if until is None:
                self.add_error("repeat_until", _("Give the last day."))
                return ""
            last_moment = datetime.datetime.combine(
                until, datetime.time(23, 59, 59), starts.tzinfo
            ).astimezone(datetime.UTC)
            parts.append(f"UNTIL={last_moment:%Y%m%dT%H%M%SZ}")
        rule = ";".join(parts)
        try:
            self.preview = expand(rule, first_start=starts)
        except ValidationError as error:
            self.add_error("repeat", error)
        return rule

    def preview_dates(self) -> list[datetime.datetime]:
        """The first dates of the repetition, on the place's clock, for the preview."""
        expansion = getattr(self, "preview", None)
        return expansion.starts[:PREVIEW_DATES] if expansion else []

    def preview_more(self) -> int:
        expansion = getattr(self, "preview", None)
        return max(len(expansion.starts) - PREVIEW_DATES, 0) if expansion else 0

    def _set_instants(self, data: dict, zone: zoneinfo.ZoneInfo) -> None:
        """The local dates and times typed, read on the clock of ``zone``."""
        if data["all_day"]:
            data["starts_at"], data["ends_at"] = all_day_bounds(
                data["start_date"], data["end_date"], zone.key
            )
        else:
            data["starts_at"] = datetime.datetime.combine(
                data["start_date"], data["start_time"], zone
            )
            data["ends_at"] = datetime.datetime.combine(data["end_date"], data["end_time"], zone)
        self._keep_untouched_instants(data)

    def _keep_untouched_instants(self, data: dict) -> None:
        """An edit that leaves the start (or end) and the place's zone as they were keeps the
        stored instant, seconds included, so it is not recorded as a change of time."""
        event = self.event
        if event is None or data["time_zone"] != event.time_zone or "all_day" in self.changed_data:
            return
        if not {"start_date", "start_time"} & set(self.changed_data):
            data["starts_at"] = event.starts_at
        if not {"end_date", "end_time"} & set(self.changed_data):
            data["ends_at"] = event.ends_at

    def warnings(self) -> list[EventWarning]:
        """What the coordinator should know before the event, as typed, is saved. Only for a
        valid form: the warnings are about the instants and the place it resolved."""
        data = self.cleaned_data
        found = event_warnings(
            programme=self.programme,
            venue=data["venue"],
            country=data["country"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=data["time_zone"],
            status=data["status"],
            exclude_pk=self.event.pk if self.event is not None else None,
            reader=self.user,
        )
        return [*found, *self._zone_warnings()]

    def _zone_warnings(self) -> list[EventWarning]:
        """A warning when the zone chosen is not one of the event's country's: a Tashkent
        venue read on Berlin's clock. The country's own zone, and a country the tz tables do
        not know, are not judged."""
        data = self.cleaned_data
        zone, country = data["time_zone"], data["country"]
        zones = country_zones(country.code)
        if zone == country.time_zone or not zones or zone in zones:
            return []
        return [
            EventWarning(
                "time_zone",
                _(
                    "The time zone %(zone)s is not one of the zones of %(country)s (%(zones)s): "
                    "check that the times are those of the place's clock."
                )
                % {"zone": zone, "country": country.local_name, "zones": ", ".join(zones)},
                key=f"{zone} {country.code}",
            )
        ]

    def event_fields(self) -> dict:
        """The cleaned values, named as ``event_create`` and ``event_update`` take them."""
        fields = {name: self.cleaned_data[name] for name in EVENT_FIELDS}
        if self.repeats_here:
            fields["recurrence_rule"] = self.cleaned_data["recurrence_rule"]
            fields["recurrence_skipped"] = self.cleaned_data["recurrence_skipped"]
        return fields

    def add_service_error(self, error: ValidationError) -> None:
        """Show a refusal of the service on the field it concerns, or above the form."""
        add_service_error(self, error, field_names=_FIELD_FOR_SERVICE_ERROR)


def _repeat_initial(event: Event) -> dict:
    """The form's repetition fields for ``event``'s rule; a rule with parts they cannot show
    is offered as it is."""
    if not event.recurrence_rule:
        return {"repeat": "", "repeat_days": []}
    left_out = "\n".join(
        datetime.datetime.fromisoformat(moment).astimezone(event.zone).date().isoformat()
        for moment in sorted(event.recurrence_skipped)
    )
    parts = rule_parts(event.recurrence_rule)
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL"} or parts.get(
        "FREQ"
    ) not in dict(REPEAT_CHOICES):
        return {"repeat": KEEP_RULE, "repeat_days": [], "repeat_skipped": left_out}
    initial = {
        "repeat": parts["FREQ"],
        "repeat_interval": int(parts.get("INTERVAL") or 1),
        "repeat_days": [day for day in parts.get("BYDAY", "").split(",") if day],
        "repeat_end": "never",
        "repeat_skipped": left_out,
    }
    if "COUNT" in parts:
        initial.update(repeat_end="count", repeat_count=int(parts["COUNT"]))
    elif "UNTIL" in parts:
        until = datetime.datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ")
        until = until.replace(tzinfo=datetime.UTC).astimezone(event.zone)
        initial.update(repeat_end="until", repeat_until=until.date())
    return initial


class WarningsAcknowledgementForm(forms.Form):
    """The "save anyway" sent with the event form once its warnings were shown. It carries the
    digest of the warnings it answers, so it holds only for those: an event changed after them
    (other dates, another venue) that brings other warnings has them shown again."""

    acknowledge = forms.BooleanField(
        label=_("I have read these warnings; save anyway"), required=False
    )
    warnings_digest = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, warnings: Sequence[EventWarning] = (), **kwargs):
        self.warnings = list(warnings)
        if self.warnings:
            kwargs.setdefault("initial", {"warnings_digest": warnings_digest(self.warnings)})
        super().__init__(*args, **kwargs)
        # Rendered inside the event form, which carries the tag and the CSRF token.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def acknowledges(self, warnings: Sequence[EventWarning]) -> bool:
        """Whether the person read exactly ``warnings`` and chose to save anyway."""
        return (
            self.is_valid()
            and self.cleaned_data["acknowledge"]
            and self.cleaned_data["warnings_digest"] == warnings_digest(warnings)
        )
