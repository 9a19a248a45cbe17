"""What every form of the site shares."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(
    form: forms.BaseForm, error: ValidationError, *, field_names: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on ``form``: under the field it names when the form has that
    field (``field_names`` maps a model field to the form field that edits it, where the names
    differ), else above the form, as for a rule that spans several fields."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_names = field_names or {}
    for name, errors in error.error_dict.items():
        field = field_names.get(name, name)
        form.add_error(field if field in form.fields else None, errors)
