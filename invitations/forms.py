"""Forms of invitations: inviting (at an institution, or into any role), and accepting."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.validators import validate_single_line
from institutions.models import Country, Institution
from invitations.models import Invitation
from invitations.permissions import may_invite

Role = Invitation.Role


class _Helped:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False


class InviteForm(_Helped, forms.Form):
    """An e-mail address and, unless the institution is given, the role and where it is held.
    Given ``institution``, the role is coordinator there."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.select_related("country").order_by("name", "pk"),
        required=False,
        help_text=_("For a coordinator."),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        required=False,
        help_text=_("For a national coordinator."),
    )

    def __init__(self, *args, actor: User, institution: Institution | None = None, **kwargs):
        self.actor = actor
        self.fixed_institution = institution
        super().__init__(*args, **kwargs)
        if institution is not None:
            for name in ("role", "institution", "country"):
                del self.fields[name]
        self._helper()

    def clean(self):
        cleaned = super().clean()
        if self.fixed_institution is not None:
            cleaned.update(role=Role.COORDINATOR, institution=self.fixed_institution, country=None)
        role = cleaned.get("role")
        institution, country = cleaned.get("institution"), cleaned.get("country")
        if role == Role.COORDINATOR:
            if institution is None:
                self.add_error("institution", _("Choose the institution to coordinate."))
                return cleaned
            cleaned["country"] = None
        elif role == Role.NATIONAL_COORDINATOR:
            if country is None:
                self.add_error("country", _("Choose the country to coordinate nationally."))
                return cleaned
            cleaned["institution"] = None
        elif role == Role.VIEWER:
            cleaned["institution"] = cleaned["country"] = None
        else:
            return cleaned
        if not may_invite(
            self.actor, role, institution=cleaned["institution"], country=cleaned["country"]
        ):
            raise forms.ValidationError(
                _("You may not invite anyone into this role."), code="not_allowed"
            )
        return cleaned


class NewAccountForm(_Helped, forms.Form):
    """The account an invited person without one makes: their name and a password."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[validate_single_line]
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self._helper()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            person = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                username=self.email.split("@")[0],
            )
            try:
                password_validation.validate_password(first, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
