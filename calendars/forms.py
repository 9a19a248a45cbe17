"""The calendar's forms: the period of the calendar page (``view``, ``date``) and the checks of
its ``from`` and ``to``, a subscription feed's name and filters, and the upload of a calendar
file to import into a programme."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from calendars.models import CalendarFeed
from events.forms import host_choices
from events.models import Event
from institutions.models import Country, Institution
from institutions.permissions import role_ids
from programmes.models import Programme
from programmes.selectors import programme_choices

MONTH, WEEK, AGENDA = "month", "week", "agenda"
VIEW_CHOICES = [
    (MONTH, gettext_lazy("Month")),
    (WEEK, gettext_lazy("Week")),
    (AGENDA, gettext_lazy("Agenda")),
]

# Dates the calendar can show: far enough from the ends of Python's calendar that a period
# and its neighbours never overflow, wide enough for any programme's history and plans.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)
# The longest agenda a reader may ask for (about a quarter), so that one request never loads
# years of events.
LONGEST_AGENDA_DAYS = 92


def _check_calendar_date(value: datetime.date | None) -> None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s.")
            % {"first": date_format(FIRST_DAY), "last": date_format(LAST_DAY)}
        )


class CalendarPeriodForm(forms.Form):
    """Which view and which day: both optional, each falling back on its own when unreadable."""

    view = forms.ChoiceField(label=gettext_lazy("View"), choices=VIEW_CHOICES, required=False)
    date = forms.DateField(label=gettext_lazy("Date"), required=False, input_formats=["%Y-%m-%d"])

    def clean_date(self):
        _check_calendar_date(self.cleaned_data["date"])
        return self.cleaned_data["date"]


class CalendarFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        for name, value in (("from", first), ("to", last)):
            try:
                _check_calendar_date(value)
            except forms.ValidationError as error:
                self.add_error(name, error)
        if first and last and last < first:
            self.add_error("to", _("The end of the period comes before its start."))
        elif first and last and (last - first).days >= LONGEST_AGENDA_DAYS:
            self.add_error(
                "to", _("Choose a period of at most %(days)s days.") % {"days": LONGEST_AGENDA_DAYS}
            )
        return cleaned


class FeedForm(forms.Form):
    """A feed's name and the calendar's filters, with the same choices the calendar offers:
    programmes only those the person may see, so a draft's title never reaches a drop-down."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=CalendarFeed._meta.get_field("name").max_length,
        help_text=gettext_lazy("How your calendar app will call it, e.g. “Concerts in Almaty”."),
    )
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All countries"),
    )
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Host institution"),
        queryset=Institution.objects.order_by("name", "pk"),
        required=False,
        empty_label=gettext_lazy("All hosts"),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.none(),  # the person's own choices, set in __init__
        required=False,
        empty_label=gettext_lazy("All programmes"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("Any kind")), *Event.Kind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Event.Status.choices],
        required=False,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programme_choices(user=user)
        # ``from`` is a Python keyword: the calendar's filter name, added by name.
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"),
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=gettext_lazy(
                "Events starting on or after this day. Left empty, the feed holds the events "
                "of the last twelve months and all that are to come."
            ),
        )

    def clean_from(self):
        _check_calendar_date(self.cleaned_data["from"])
        return self.cleaned_data["from"]

    def feed_filters(self) -> dict[str, str]:
        """The chosen filters as the calendar's query string writes them."""
        values = self.cleaned_data
        chosen = {
            "country": values["country"].code if values["country"] else "",
            "institution": str(values["institution"].pk) if values["institution"] else "",
            "programme": str(values["programme"].pk) if values["programme"] else "",
            "kind": values["kind"],
            "status": values["status"],
            "from": values["from"].isoformat() if values["from"] else "",
        }
        return {name: value for name, value in chosen.items() if value}


class ImportUploadForm(forms.Form):
    """The file, and what the file may not say: who hosts its new events, their kind and their
    visibility. What the file says comes first; each event's kind and visibility can be changed
    in the preview."""

    calendar_file = forms.FileField(
        label=gettext_lazy("Calendar file"),
        help_text=gettext_lazy(
            "An iCalendar (.ics) or vCalendar (.vcs) file, as calendar apps export it, or a .gz "
            "or .zip of such files."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".ics,.ical,.ifb,.vcs,.gz,.zip,text/calendar,application/gzip,"
                "application/zip"
            }
        ),
    )
    host_institution = forms.ModelChoiceField(
        label=gettext_lazy("Host of the new events"),
        queryset=None,
        help_text=gettext_lazy(
            "Hosts the new events unless the file names another host that you may name."
        ),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose one of the programme's partners that you may name."
            )
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the new events"),
        choices=Event.Kind.choices,
        initial=Event.Kind.OTHER,
        help_text=gettext_lazy(
            "For the events whose kind the file does not give; you can change it for each "
            "event in the preview."
        ),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visibility of the new events"),
        choices=Event.Visibility.choices,
        initial=Event.Visibility.INTERNAL,
        # An upload made before the field existed still reads as internal.
        required=False,
        help_text=gettext_lazy(
            "For the events the file does not mark public or private (CLASS); you can change "
            "it for each event in the preview."
        ),
    )

    def __init__(self, *args, user: User, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        hosts = host_choices(user=user, programme=programme)
        self.fields["host_institution"].queryset = hosts
        own = [host for host in hosts if host.pk in role_ids(user).institution_ids]
        likely = own if len(own) == 1 else list(hosts)
        if len(likely) == 1:
            self.fields["host_institution"].initial = likely[0]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token

    def clean_visibility(self) -> str:
        return self.cleaned_data["visibility"] or Event.Visibility.INTERNAL
