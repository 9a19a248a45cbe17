"""The translations of a record on its admin page, next to the original texts."""

from django.utils.translation import gettext_lazy as _

from multilingual.forms import translation_fieldset


class TranslationsAdminMixin:
    """Adds a "Translations" fieldset after the first one: a text field per language and
    translated field for whoever may change the record (the form must come from
    ``multilingual.forms.with_translations``), the stored translations for whoever may only
    look.

    ``translations_on_add = False`` leaves them off the add page, for records that a service
    creates without translations: they are given once the record exists.
    """

    translations_on_add = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None and not self.translations_on_add:
            return fieldsets
        if obj is None or self.has_change_permission(request, obj):
            translations = translation_fieldset(self.model)
        else:
            translations = (_("Translations"), {"fields": ["translations"]})
        return [*fieldsets[:1], translations, *fieldsets[1:]]
