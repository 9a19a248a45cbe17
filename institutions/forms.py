"""Forms of the institution pages: naming a coordinator."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from institutions.models import Institution


class CoordinatorAddForm(forms.Form):
    """Find the person to name by username or e-mail address. Only existing, active accounts
    qualify: accounts are created by an administrator, not by naming someone here."""

    person = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        help_text=_("The person must already have an active Dostlik account."),
    )

    def __init__(self, *args, institution: Institution, **kwargs):
        self.institution = institution
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_person(self) -> User:
        given = self.cleaned_data["person"]
        candidates = list(
            User.objects.filter(is_active=True).filter(
                Q(username__iexact=given) | Q(email__iexact=given)
            )
        )
        # A username names one account; an e-mail address may be shared.
        people = (
            [person for person in candidates if person.username == given]
            or [person for person in candidates if person.username.lower() == given.lower()]
            or candidates
        )
        if not people:
            raise forms.ValidationError(
                _("No active account has the username or e-mail address “%(given)s”."),
                code="unknown",
                params={"given": given},
            )
        if len(people) > 1:
            raise forms.ValidationError(
                _("Several accounts match “%(given)s”: give the exact username instead."),
                code="ambiguous",
                params={"given": given},
            )
        person = people[0]
        if self.institution.memberships.filter(user=person).exists():
            raise forms.ValidationError(
                _("%(person)s already coordinates %(institution)s."),
                code="already",
                params={"person": person, "institution": self.institution},
            )
        return person
