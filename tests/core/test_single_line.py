"""A title or a name is one line: control characters are refused wherever people type them,
and a mail's subject stays one line whatever a title held before that rule."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from core.validators import single_line, validate_single_line
from programmes.models import Programme
from programmes.notifications import queue_mail
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "accounts",
    "institutions",
    "programmes",
    "events",
    "calendars",
    "reminders",
    "amendments",
}
# Text fields without choices that take no validate_single_line, and why.
EXEMPT = {
    "accounts.User.password": "a hash, never typed",
    "accounts.User.username": "Django's own validator allows letters, digits and @.+-_ only",
    "accounts.User.first_name": "Django's own field; names come from the administrator",
    "accounts.User.last_name": "Django's own field; names come from the administrator",
    "accounts.User.email": "an e-mail address (Django's EmailValidator)",
    "accounts.FormSubmission.url": "the address of a page, made by the app (reverse)",
    "accounts.Notice.subject": "a mail's subject, made by the app, sent through single_line",
    "institutions.Institution.website": "a URL (Django's URLValidator)",
    "accounts.User.time_zone": "one of the IANA names (validate_time_zone)",
    "institutions.Country.code": "two capital letters (a check constraint)",
    "institutions.Country.time_zone": "one of the IANA names (validate_time_zone)",
    "programmes.AgreementDocument.original_name": "the uploaded file's name, kept for downloads",
    "programmes.AgreementDocument.content_type": "set from the file's recognised type",
    "programmes.ProgrammeVersion.fingerprint": "a SHA-256 in hex, computed",
    "events.Event.time_zone": "one of the IANA names (validate_time_zone)",
    "events.Event.uid": "made by the app or checked by the import",
    "calendars.CalendarFeed.token_hash": "a hash, computed",
}


def text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and not field.choices:
                yield f"{model._meta.label}.{field.name}", field


def test_every_text_field_is_one_line_or_says_why_not():
    unchecked = {
        name
        for name, field in text_fields()
        if validate_single_line not in field.validators and name not in EXEMPT
    }

    assert unchecked == set()
    assert set(EXEMPT) <= {name for name, _field in text_fields()}


@pytest.mark.parametrize("title", ["Abay\nDays", "Abay\rDays", "Abay\tDays", "Abay\u2028Days"])
def test_a_title_with_a_control_character_is_refused(title):
    programme = ProgrammeFactory.build(title=title)

    with pytest.raises(ValidationError) as refused:
        programme.full_clean(validate_unique=False, validate_constraints=False)

    assert refused.value.message_dict["title"] == [
        "Line breaks, tabs and other control characters are not allowed here."
    ]


def test_text_from_outside_is_made_one_line():
    assert single_line("Abay\r\n Days\x00 in\u2028Almaty") == "Abay Days in Almaty"


def test_a_mail_about_a_title_typed_before_the_rule_is_still_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(title="Abay\nDays")

    with django_capture_on_commit_callbacks(execute=True):
        queue_mail(
            subject=f"Dostlik: “{programme.title}” waits for your decision",
            body="Decide on it.",
            recipients={"uz.national@example.org"},
        )

    assert [(mail.subject, mail.to) for mail in mailoutbox] == [
        ("Dostlik: “Abay Days” waits for your decision", ["uz.national@example.org"])
    ]
    assert Programme.objects.get(pk=programme.pk).title == "Abay\nDays"
