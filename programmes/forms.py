"""Forms of the coordinators' workspace: a programme with its partners, a workflow step, a
national decision (and, in the admin, one taken on paper).

Forms check what a person can correct on the page (a missing lead, the same institution twice,
a lead that is not theirs); the services remain the one place the workflow's rules are enforced,
and their refusals are shown on these same forms.
"""

from collections.abc import Iterable, Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, LayoutObject, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.forms.formsets import DELETION_FIELD_NAME
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from institutions.models import Country, Institution
from institutions.permissions import role_ids
from programmes import documents
from programmes.models import Currency, Decision, Partnership, Programme
from programmes.services import PaperLetter, PartnerRow
from programmes.warnings import ProgrammeWarning, agreement_warnings

Role = Partnership.Role
NO_CURRENCY = [("", "—")]
# Empty partner rows offered below the filled ones; more rows come after saving.
EXTRA_PARTNER_ROWS = 3
COMMENT_MAX_LENGTH = 2000


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ProgrammeWarnings(LayoutObject):
    """The warnings of the programme as the form holds it, above its fields."""

    def render(self, form, context, **kwargs):
        return render_to_string(
            "programmes/includes/programme_warnings.html", {"warnings": form.warnings()}
        )


class ProgrammeForm(forms.ModelForm):
    """The programme's own fields. Built without an instance even when editing, so a refused
    edit never changes the programme object the page is drawn from."""

    class Meta:
        model = Programme
        fields = Programme.EDITABLE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "starts_on": _date_input(),
            "ends_on": _date_input(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        budget = self.fields["budget_amount"]
        budget.validators.append(MinValueValidator(0))
        budget.widget.attrs["min"] = "0"
        self.fields["agreement"].queryset = self.fields["agreement"].queryset.order_by(
            "-signed_on", "title"
        )
        self.helper = FormHelper()
        # The page's own <form> holds this form and the partners formset, with one CSRF token.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            _ProgrammeWarnings(),
            "title",
            Row(Column("kind", css_class="col-md-6"), Column("agreement", css_class="col-md-6")),
            "summary",
            Row(Column("starts_on", css_class="col-md-6"), Column("ends_on", css_class="col-md-6")),
            Row(
                Column("budget_amount", css_class="col-md-4"),
                Column("budget_currency", css_class="col-md-4"),
                Column("enrolled_students", css_class="col-md-4"),
            ),
            *[Field(name) for name in self.fields if name not in self.Meta.fields],
        )

    def clean(self):
        cleaned = super().clean()
        amount, currency = cleaned.get("budget_amount"), cleaned.get("budget_currency")
        if amount is not None and not currency:
            self.add_error("budget_currency", _("Choose the currency of the budget."))
        elif currency and amount is None and "budget_amount" not in self.errors:
            self.add_error("budget_amount", _("Give the amount of the budget, or no currency."))
        return cleaned

    def warnings(self) -> list[ProgrammeWarning]:
        """What to know about the programme as typed (or, unsent, as stored): a programme that
        runs past its agreement's end. Never a reason to refuse it."""
        if self.is_bound:
            values = getattr(self, "cleaned_data", {})
            agreement = values.get("agreement")
        else:
            values = self.initial
            agreement = values.get("agreement")
            if agreement is not None and not hasattr(agreement, "pk"):
                agreement = self.fields["agreement"].queryset.filter(pk=agreement).first()
        if values.get("ends_on") is None:
            return []
        return agreement_warnings(ends_on=values["ends_on"], agreement=agreement)

    def programme_fields(self) -> dict:
        """The cleaned values, named as the services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProgrammeChangeForm(ProgrammeForm):
    """Editing carries the version the editor started from, so a change made meanwhile by
    someone else is not silently overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PartnerForm(forms.Form):
    """One institution's part in the programme. The institution list is built once for the
    whole formset and handed to every row, so a page with many rows runs one query for it."""

    institution = forms.TypedChoiceField(label=_("Institution"), coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTNER)
    contribution = forms.CharField(
        label=_("What this partner brings"), max_length=300, required=False
    )
    funding_amount = forms.DecimalField(
        label=_("Funding"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    funding_currency = forms.ChoiceField(
        label=_("Currency"), choices=NO_CURRENCY + Currency.choices, required=False
    )

    def __init__(self, *args, institutions: dict[int, Institution], institution_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions = institutions
        self.fields["institution"].choices = institution_choices

    def clean_institution(self) -> Institution | None:
        pk = self.cleaned_data["institution"]
        return None if pk is None else self.institutions[pk]

    def clean(self):
        cleaned = super().clean()
        amount, currency = cleaned.get("funding_amount"), cleaned.get("funding_currency")
        if amount is not None and not currency:
            self.add_error("funding_currency", _("Choose the currency of the funding."))
        elif currency and amount is None and "funding_amount" not in self.errors:
            self.add_error("funding_amount", _("Give the amount of the funding, or no currency."))
        return cleaned

    def partner_row(self) -> PartnerRow:
        return PartnerRow(
            institution=self.cleaned_data["institution"],
            role=self.cleaned_data["role"],
            contribution=self.cleaned_data["contribution"],
            funding_amount=self.cleaned_data["funding_amount"],
            funding_currency=self.cleaned_data["funding_currency"] or "",
        )


def institution_choices(institutions: Iterable[Institution]) -> list:
    """Institutions grouped by country, for a drop-down that reads like the partner tables."""
    groups: dict[str, list] = {}
    for institution in institutions:
        groups.setdefault(str(institution.country), []).append((institution.pk, institution.name))
    return [("", "—"), *groups.items()]


class BasePartnerFormSet(forms.BaseFormSet):
    """The partners of a programme: exactly one lead, each institution once, and a lead the
    person coordinates — unless it is the lead the programme already has, so that a partner's
    coordinator can edit a programme another institution leads."""

    def __init__(
        self,
        *args,
        user,
        institutions: Sequence[Institution],
        current_lead: Institution | None = None,
        **kwargs,
    ):
        self.user = user
        self.current_lead = current_lead
        kwargs["form_kwargs"] = {
            "institutions": {institution.pk: institution for institution in institutions},
            "institution_choices": institution_choices(institutions),
        }
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = _("Remove this partner")

    def _kept_forms(self) -> list[PartnerForm]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]

    def partner_rows(self) -> list[PartnerRow]:
        return [form.partner_row() for form in self._kept_forms()]

    def clean(self):
        forms_kept = self._kept_forms()
        leads = [form for form in forms_kept if form.cleaned_data.get("role") == Role.LEAD]
        # A lead that is not the person's is said at once, even while other rows need fixing.
        if len(leads) == 1:
            lead = leads[0].cleaned_data.get("institution")
            if lead is not None and not self._may_lead(lead):
                leads[0].add_error("institution", self._lead_refusal())
        if any(self.errors):
            return
        if len(leads) != 1:
            raise ValidationError(_("Name exactly one lead institution."), code="one_lead")
        seen: set[int] = set()
        for form in forms_kept:
            institution = form.cleaned_data["institution"]
            if institution.pk in seen:
                raise ValidationError(
                    _("%(institution)s is listed twice: each institution takes part once.")
                    % {"institution": institution.name},
                    code="twice",
                )
            seen.add(institution.pk)

    def _may_lead(self, institution: Institution) -> bool:
        """A new programme is led by an institution of the person's own; who leads an existing
        one is changed only by its lead's coordinators (``programme_update`` says it too)."""
        if self.user.is_superuser:
            return True
        own = role_ids(self.user).institution_ids
        if self.current_lead is None:
            return institution.pk in own
        return institution.pk == self.current_lead.pk or self.current_lead.pk in own

    def _lead_refusal(self) -> str:
        own = sorted(
            name
            for pk, name in self._institution_names().items()
            if pk in role_ids(self.user).institution_ids
        )
        if not own:
            return _("The lead must be an institution you coordinate, and you coordinate none.")
        return _("The lead must be an institution you coordinate: %(institutions)s.") % {
            "institutions": ", ".join(own)
        }

    def _institution_names(self) -> dict[int, str]:
        return {
            pk: institution.name for pk, institution in self.form_kwargs["institutions"].items()
        }


NewPartnerFormSet = forms.formset_factory(
    PartnerForm, formset=BasePartnerFormSet, extra=EXTRA_PARTNER_ROWS
)
# Editing: an existing partner is removed by ticking its row; the empty rows have nothing to remove.
PartnerFormSet = forms.formset_factory(
    PartnerForm,
    formset=BasePartnerFormSet,
    extra=EXTRA_PARTNER_ROWS,
    can_delete=True,
    can_delete_extra=False,
)


class WorkflowStepForm(forms.Form):
    """The note recorded with a workflow step. Whether a step needs one (cancelling does) is
    the service's rule, so a refusal reads the same here, in the admin and in commands."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(WorkflowStepForm):
    """Cancelling asks for the reason; the browser asks before sending, the service refuses a
    cancellation without one whatever the browser does."""

    comment = forms.CharField(
        label=_("Why is the programme cancelled?"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


class ResubmitForm(WorkflowStepForm):
    """Answering a request for changes asks what was changed, for the national coordinators;
    the service refuses a resubmission without it."""

    comment = forms.CharField(
        label=_("What was changed?"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


class DecisionForm(forms.Form):
    """A national coordinator's decision for one of their countries taking part. The country is
    asked only of someone who decides for several of them."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting or requesting changes: say what should change."),
    )
    country = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Country.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("You do not decide for this country here.")},
    )
    # The version the decider was shown: a decision on any other is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, countries: Sequence[Country], version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.countries = list(countries)
        if version is not None:
            self.fields["version"].initial = version
        country_field = self.fields["country"]
        country_field.queryset = Country.objects.filter(
            pk__in=[country.pk for country in self.countries]
        ).order_by("name")
        if len(self.countries) == 1:
            country_field.widget = forms.HiddenInput()
            country_field.initial = self.countries[0].pk
        else:
            country_field.required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_country(self) -> Country:
        country = self.cleaned_data.get("country")
        if country is None and len(self.countries) == 1:
            return self.countries[0]
        return country

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != Decision.Kind.APPROVED and not cleaned.get("comment"):
            self.add_error("comment", _("Say why, so that the coordinators know what to change."))
        return cleaned


class AmendmentNoteForm(forms.Form):
    """Why an approved or active programme should change: asked with its edit form and with its
    events', and needed only when the change touches what the countries approved, which then
    goes to them as an amendment."""

    note = forms.CharField(
        label=_("Why this change (for an amendment)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A change of partners, dates, budget, or of an event's dates, place, host or whether "
            "it goes ahead is proposed to the countries as an amendment: the programme stays as "
            "approved until every country approves it. Other changes are saved at once."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PaperDecisionForm(DecisionForm):
    """A country's decision as its ministry's letter says it, recorded in the admin by an
    administrator or the country's national coordinator: the site's decision, with the letter's
    registry number, its date and its scan. The service checks the date."""

    field_order = ["country", "decision", "comment", "registry_number", "letter_date", "letter"]

    registry_number = forms.CharField(
        label=_("Registry number"),
        max_length=Decision._meta.get_field("registry_number").max_length,
    )
    letter_date = forms.DateField(
        label=_("Letter date"),
        widget=_date_input(),
        help_text=_("The day the letter was signed: from the submission of the version to today."),
    )
    letter = forms.FileField(
        label=_("Scanned letter"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(documents.ACCEPTED_EXTENSIONS)}),
        help_text=_("PDF or an image of the letter, as for an agreement's documents."),
    )

    def paper_letter(self) -> PaperLetter:
        return PaperLetter(
            registry_number=self.cleaned_data["registry_number"],
            letter_date=self.cleaned_data["letter_date"],
            scan=self.cleaned_data.get("letter"),
        )


class AgreementDocumentForm(forms.Form):
    """A file for an agreement, checked for size and type by its content
    (``programmes.documents``) before anything is stored."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: the file's name."),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(documents.ACCEPTED_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        documents.check_upload(upload)
        return upload
