"""Editing translations in a model form: one text field per language and translated field
(``title_ru``, ``summary_kk`` …), kept together in the record's ``translations``."""

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from multilingual.content import translated_fields


def translation_field_name(field: str, language: str) -> str:
    return f"{field}_{language}"


def translation_field_names(model: type[models.Model]) -> list[str]:
    """The form fields for ``model``'s translations, language by language."""
    return [
        translation_field_name(field, language)
        for language, _name in settings.LANGUAGES
        for field in translated_fields(model)
    ]


def translation_fieldset(model: type[models.Model]) -> tuple:
    """An admin fieldset with the translation fields of ``model``, folded away until opened."""
    return (
        _("Translations"),
        {
            "fields": translation_field_names(model),
            "classes": ["collapse"],
            "description": _(
                "Give the texts in other languages where you have them. A reader whose "
                "language has no translation sees the original above."
            ),
        },
    )


class TranslationsFormMixin:
    """Puts the translation fields' texts into the instance's ``translations`` (and into
    ``cleaned_data["translations"]``, for forms that hand their changes to a service).
    ``changed_data`` names ``translations`` rather than the single text fields, so a change
    reads as the model field it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language, _name in settings.LANGUAGES:
            for field in translated_fields(self._meta.model):
                name = translation_field_name(field, language)
                if name in self.fields:
                    self.initial.setdefault(name, self.stored_text(field, language))

    def stored_text(self, field: str, language: str) -> str:
        stored = self.instance.translations
        texts = stored.get(language) if isinstance(stored, dict) else None
        text = texts.get(field) if isinstance(texts, dict) else None
        return text if isinstance(text, str) else ""

    def clean(self):
        cleaned_data = super().clean()
        translations: dict[str, dict[str, str]] = {}
        for language, _name in settings.LANGUAGES:
            for field in translated_fields(self._meta.model):
                name = translation_field_name(field, language)
                if name not in self.fields:
                    continue
                # A page that does not show a translation leaves it as it was.
                if self.fields[name].widget.value_omitted_from_data(
                    self.data, self.files, self.add_prefix(name)
                ):
                    text = self.stored_text(field, language)
                else:
                    text = (cleaned_data.get(name) or "").strip()
                if text:
                    translations.setdefault(language, {})[field] = text
        cleaned_data["translations"] = translations
        self.instance.translations = translations
        return cleaned_data

    @property
    def changed_data(self) -> list[str]:
        text_fields = set(translation_field_names(self._meta.model))
        changed = super().changed_data
        names = [name for name in changed if name not in text_fields]
        if text_fields.intersection(changed):
            names.append("translations")
        return names

    def _update_errors(self, errors):
        # The model's own check of ``translations`` names a field this form does not have;
        # its message belongs to the form as a whole.
        if hasattr(errors, "error_dict") and "translations" in errors.error_dict:
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                errors.error_dict.pop("translations")
            )
        super()._update_errors(errors)


def translation_form_fields(model: type[models.Model]) -> dict[str, forms.Field]:
    """A text field for each language and translated field of ``model``, as long as the
    original may be."""
    language_names = dict(settings.LANGUAGES)
    fields = {}
    for language, language_name in language_names.items():
        for field in translated_fields(model):
            model_field = model._meta.get_field(field)
            fields[translation_field_name(field, language)] = forms.CharField(
                label=format_lazy("{} ({})", capfirst(model_field.verbose_name), language_name),
                required=False,
                max_length=model_field.max_length,
                widget=(
                    forms.Textarea(attrs={"rows": 3, "lang": language})
                    if isinstance(model_field, models.TextField)
                    else forms.TextInput(attrs={"class": "vTextField", "lang": language})
                ),
            )
    return fields


def with_translations(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """``form_class`` with the translation fields of its model declared on it (the admin
    accepts in its fieldsets only fields a form declares)."""
    return type(
        form_class.__name__,
        (TranslationsFormMixin, form_class),
        {
            **translation_form_fields(form_class._meta.model),
            "__module__": form_class.__module__,
            "__doc__": form_class.__doc__,
        },
    )
