"""A person's own settings: their name, the time zone they read times in, the interface
language, and how each kind of mail reaches them."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Delivery, MailKind, User
from accounts.notices import delivery_of
from accounts.time_zones import is_offered, zone_choices
from core.validators import validate_single_line


class UserSettingsForm(forms.Form):
    """The settings of ``user``; empty fields hand the choice back to the browser."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[validate_single_line]
    )

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_(
            "Times on every page are shown in this zone. Not set: your browser's time zone, "
            "else that of your institution's country, else the site's."
        ),
        error_messages={"invalid_choice": _("Choose the time zone of a place from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Not set: the language your browser asks for, or the one last chosen in it."),
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "time_zone": user.time_zone,
                "language": user.language,
                **{self.mail_field(kind): delivery_of(user, kind) for kind in MailKind.values},
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user
        for kind, label in MailKind.choices:
            self.fields[self.mail_field(kind)] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                # Not sent (a form of before): as it was.
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose how this mail reaches you.")},
            )
        zones = [("", _("Not set")), *zone_choices()]
        if user.time_zone and not is_offered(user.time_zone):
            # A zone set before only places were offered stays until the person changes it.
            zones.insert(1, (user.time_zone, _("%(zone)s (as saved)") % {"zone": user.time_zone}))
        self.fields["time_zone"].choices = zones
        # Each language named in itself, as the language switch names it.
        self.fields["language"].choices = [("", _("Not set")), *settings.LANGUAGES]
        self.helper = FormHelper()
        self.helper.form_tag = False

    @staticmethod
    def mail_field(kind: str) -> str:
        return f"mail_{kind}"

    def mail_preferences(self) -> dict[str, str]:
        """How each kind of mail is to reach the person, as chosen (``accounts.notices``)."""
        return {
            kind: self.cleaned_data[self.mail_field(kind)] or delivery_of(self.user, kind)
            for kind in MailKind.values
        }
