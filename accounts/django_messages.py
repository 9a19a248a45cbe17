"""Django's own messages that Django's catalogues leave untranslated in a language of the site,
marked here so that ``makemessages`` puts them in ours, which answer before Django's
(``LOCALE_PATHS``). Nothing imports this module; the strings must stay exactly as Django writes
them (tests/accounts/test_django_messages.py checks it).

Without them the Uzbek sign-in page said "Username" (Django has no Uzbek for its "username")
and every list of choices started with "- Select an option -" in every language (new in
Django 6.1, not yet translated by Django). A plural message is given a number only so that a
test can read its singular.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    # Every language: the empty choice of a select built from a model field's choices.
    gettext_noop("- Select an option -"),
    # Uzbek: the sign-in form's label and the names of a person.
    gettext_noop("username"),
    gettext_noop("first name"),
    gettext_noop("last name"),
    # Uzbek and Kazakh.
    gettext_noop("email address"),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists."
    ),
    ngettext_lazy(
        "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", 1
    ),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", 1),
    # Kazakh: what the sign-in form and the site's forms answer to wrong input.
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: "
        "%(allowed_extensions)s."
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        1,
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        1,
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        1,
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        1,
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        1,
    ),
)
