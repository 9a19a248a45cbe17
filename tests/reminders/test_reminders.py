"""Reminders reach the right people once: national coordinators before an agreement ends,
coordinators before their institution hosts an event; a moved date is reminded of again, and
a mail server that fails costs the mail, never a second copy."""

import datetime
import io
import logging

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Event
from events.services import event_update
from institutions.models import Institution
from programmes.models import Agreement, Programme
from programmes.services import agreement_create
from reminders.models import Reminder
from reminders.services import reminder_send, reminders_due, reminders_send
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE_URL = "https://dostlik.example.org"
# 11:00 in Tashkent, the site's time zone: "today" is 2 March 2026 there.
NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)
Kind = Reminder.Kind


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def uwed() -> Institution:
    return InstitutionFactory(
        name="University of World Economy and Diplomacy", country=CountryFactory(code="UZ")
    )


@pytest.fixture
def kaznu() -> Institution:
    return InstitutionFactory(
        name="Al-Farabi Kazakh National University", country=CountryFactory(code="KZ")
    )


@pytest.fixture
def people(uwed, kaznu) -> dict:
    """Everyone who might be told; only some of them should be."""
    uzbekistan, kazakhstan = uwed.country, kaznu.country
    kyrgyzstan = CountryFactory(code="KG")

    def national(username, *countries, **user):
        person = UserFactory(username=username, **user)
        for country in countries:
            NationalCoordinatorFactory(user=person, country=country)
        return person

    def coordinator(username, institution, **user):
        return MembershipFactory(
            user=UserFactory(username=username, **user), institution=institution
        ).user

    return {
        "uz national": national("uz.national", uzbekistan),
        "kz national": national("kz.national", kazakhstan),
        "envoy": national("envoy", uzbekistan, kazakhstan),
        "uz national, left": national("uz.former", uzbekistan, is_active=False),
        "kz national, no e-mail": national("kz.noemail", kazakhstan, email=""),
        "kg national": national("kg.national", kyrgyzstan),
        "uz coordinator": coordinator("uz.coordinator", uwed),
        "uz coordinator, left": coordinator("uz.former.coordinator", uwed, is_active=False),
        "uz coordinator, no e-mail": coordinator("uz.noemail.coordinator", uwed, email=""),
        "kz coordinator": coordinator("kz.coordinator", kaznu),
    }


NATIONALS = ["envoy@example.org", "kz.national@example.org", "uz.national@example.org"]


def agreement_ending(days: int | None, uwed, kaznu, today=TODAY, **fields) -> Agreement:
    return agreement_create(
        actor=None,
        title="Memorandum on academic mobility",
        kind=Agreement.Kind.MEMORANDUM,
        signed_on=datetime.date(2022, 12, 22),
        parties=[uwed, kaznu],
        valid_until=None if days is None else today + days * DAY,
        **fields,
    )


def event_starting(after: datetime.timedelta, host: Institution, now=NOW, **fields) -> Event:
    return EventFactory(
        title=fields.pop("title", "Abay. Heritage of Fraternal Peoples"),
        host_institution=host,
        starts_at=now + after,
        **fields,
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """Run the reminders at a moment; answer what was mailed by this run, as (to, subject)."""

    def run_at(now=NOW) -> list[tuple[list[str], str]]:
        already = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send(now=now)
        return [(mail.to, mail.subject) for mail in mailoutbox[already:]]

    return run_at


def expiry_subject(date: str) -> str:
    return f"Dostlik: the agreement “Memorandum on academic mobility” expires on {date}"


EVENT_SUBJECT = "Dostlik: “Abay. Heritage of Fraternal Peoples” begins on {date}"


# Agreements


def test_an_agreement_90_days_from_its_end_is_mailed_to_the_parties_nationals_once(
    uwed, kaznu, people, run
):
    agreement = agreement_ending(80, uwed, kaznu)

    first, second = run(), run()

    subject = expiry_subject("21 May 2026")
    assert first == [([address], subject) for address in NATIONALS]
    assert second == []
    assert sorted(
        Reminder.objects.values_list("kind", "recipient__username", "agreement", "valid_until")
    ) == [
        (Kind.AGREEMENT_EXPIRING_90, username, agreement.pk, datetime.date(2026, 5, 21))
        for username in ["envoy", "kz.national", "uz.national"]
    ]


def test_the_expiry_reminder_says_when_and_links_to_the_agreement(
    uwed, kaznu, people, run, mailoutbox
):
    agreement = agreement_ending(80, uwed, kaznu)

    run()

    agreement_url = reverse("programmes:agreement_detail", args=[agreement.pk])
    envoy_mail = mailoutbox[0]
    assert envoy_mail.to == ["envoy@example.org"]
    assert envoy_mail.body == (
        "The agreement “Memorandum on academic mobility” between Al-Farabi Kazakh National "
        "University, University of World Economy and Diplomacy expires on 21 May 2026, "
        "in 80 days.\n\n"
        "If the cooperation is to go on, now is the time to prepare its extension.\n\n"
        f"See the agreement: {SITE_URL}{agreement_url}\n\n"
        "You receive this reminder as a national coordinator of Kazakhstan, Uzbekistan.\n"
    )


def test_each_national_reads_the_reminder_in_their_own_language(
    uwed, kaznu, people, run, mailoutbox
):
    people["kz national"].language = "ru"
    people["kz national"].save(update_fields=["language"])
    agreement_ending(80, uwed, kaznu)

    run()

    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert by_address["uz.national@example.org"].subject == expiry_subject("21 May 2026")
    russian = by_address["kz.national@example.org"]
    # The wording is the translators'; the date is written the Russian way in any case.
    assert "21 мая 2026" in russian.subject
    assert "21 мая 2026" in russian.body
    assert "21 May 2026" not in russian.body


def test_the_30_day_reminder_follows_the_90_day_one_then_nothing_more(uwed, kaznu, people, run):
    agreement_ending(80, uwed, kaznu)

    at_80_days, at_31_days = run(), run(NOW + 49 * DAY)
    at_30_days, at_1_day = run(NOW + 50 * DAY), run(NOW + 79 * DAY)

    subject = expiry_subject("21 May 2026")
    assert at_80_days == [([address], subject) for address in NATIONALS]
    assert at_31_days == []
    assert at_30_days == [([address], subject) for address in NATIONALS]
    assert at_1_day == []
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == sorted(
        [Kind.AGREEMENT_EXPIRING_30] * 3 + [Kind.AGREEMENT_EXPIRING_90] * 3
    )


def test_an_agreement_first_seen_within_30_days_gets_only_the_30_day_reminder(
    uwed, kaznu, people, run
):
    agreement_ending(20, uwed, kaznu)

    first, later = run(), run(NOW + 10 * DAY)

    assert first == [([address], expiry_subject("22 March 2026")) for address in NATIONALS]
    assert later == []
    assert set(Reminder.objects.values_list("kind", flat=True)) == {Kind.AGREEMENT_EXPIRING_30}


def test_an_agreement_ending_today_is_still_reminded_of(uwed, kaznu, people, run, mailoutbox):
    agreement_ending(0, uwed, kaznu)

    assert run() == [([address], expiry_subject("2 March 2026")) for address in NATIONALS]
    assert mailoutbox[0].body.splitlines()[0] == (
        "The agreement “Memorandum on academic mobility” between Al-Farabi Kazakh National "
        "University, University of World Economy and Diplomacy expires today, 2 March 2026."
    )


@pytest.mark.parametrize(
    ("days", "fields"),
    [
        pytest.param(91, {}, id="more than 90 days away"),
        pytest.param(None, {}, id="open-ended"),
        pytest.param(-1, {}, id="expired yesterday"),
        pytest.param(40, {"valid_from": TODAY + DAY}, id="not yet in force"),
    ],
)
def test_agreements_not_expiring_get_no_reminder(uwed, kaznu, people, run, days, fields):
    agreement_ending(days, uwed, kaznu, **fields)

    assert run() == []
    assert Reminder.objects.count() == 0


def test_a_terminated_agreement_gets_no_reminder(uwed, kaznu, people, run):
    agreement = agreement_ending(20, uwed, kaznu)
    Agreement.objects.filter(pk=agreement.pk).update(terminated_on=TODAY - DAY)

    assert run() == []
    assert Reminder.objects.count() == 0


def test_an_extended_agreement_is_reminded_of_again_when_its_new_end_approaches(
    uwed, kaznu, people, run
):
    agreement = agreement_ending(20, uwed, kaznu)
    before_extension = run()
    new_end = TODAY + 365 * DAY
    Agreement.objects.filter(pk=agreement.pk).update(valid_until=new_end)

    right_after, near_new_end = run(), run(NOW + 300 * DAY)

    assert before_extension == [
        ([address], expiry_subject("22 March 2026")) for address in NATIONALS
    ]
    assert right_after == []
    assert near_new_end == [([address], expiry_subject("2 March 2027")) for address in NATIONALS]
    assert sorted(set(Reminder.objects.values_list("kind", "valid_until"))) == [
        (Kind.AGREEMENT_EXPIRING_30, TODAY + 20 * DAY),
        (Kind.AGREEMENT_EXPIRING_90, new_end),
    ]


def test_nationals_of_countries_that_are_not_parties_are_not_told(uwed, people, run):
    kyrgyz_theatre = InstitutionFactory(name="Kyrgyz theatre", country=CountryFactory(code="KG"))
    uzbek_gallery = InstitutionFactory(name="Fine Arts Gallery", country=uwed.country)
    agreement_create(
        actor=None,
        title="Memorandum on academic mobility",
        kind=Agreement.Kind.MEMORANDUM,
        signed_on=datetime.date(2022, 12, 22),
        parties=[uwed, uzbek_gallery, kyrgyz_theatre],
        valid_until=TODAY + 80 * DAY,
    )

    assert run() == [
        ([address], expiry_subject("21 May 2026"))
        for address in ["envoy@example.org", "kg.national@example.org", "uz.national@example.org"]
    ]


# Events


def test_coordinators_of_the_host_hear_of_its_events_in_the_coming_week_once(
    uwed, kaznu, people, run
):
    event_starting(6 * DAY, uwed)
    event_starting(8 * DAY, uwed, title="Too far ahead")
    event_starting(-DAY, uwed, title="Already held")
    event_starting(2 * DAY, uwed, title="Called off", status=Event.Status.CANCELLED)
    event_starting(
        3 * DAY,
        uwed,
        title="Of a cancelled programme",
        programme=ProgrammeFactory(status=Programme.Status.CANCELLED),
    )

    first, second = run(), run()

    # 11:00 in Tashkent on 8 March: within the week.
    assert first == [(["uz.coordinator@example.org"], EVENT_SUBJECT.format(date="8 March 2026"))]
    assert second == []


def test_the_event_reminder_says_when_and_where_in_local_time(uwed, people, run, mailoutbox):
    event = event_starting(6 * DAY, uwed)

    run()

    assert mailoutbox[0].body == (
        f"“Abay. Heritage of Fraternal Peoples” of the joint programme “{event.programme.title}”, "
        "hosted by University of World Economy and Diplomacy, begins on 8 March 2026, "
        "11:00 (local time, Asia/Tashkent) in Tashkent, Uzbekistan.\n\n"
        "Its status is: Planned.\n\n"
        f"See the event: {SITE_URL}{reverse('events:detail', args=[event.pk])}\n\n"
        "You receive this reminder as a coordinator of University of World Economy and "
        "Diplomacy.\n"
    )


def test_a_moved_event_is_reminded_of_again(uwed, people, run):
    event = event_starting(3 * DAY, uwed)
    before_move = run()
    event_update(event=event, actor=None, starts_at=NOW + 5 * DAY, ends_at=NOW + 5 * DAY + DAY)

    after_move, again = run(), run()

    assert before_move == [
        (["uz.coordinator@example.org"], EVENT_SUBJECT.format(date="5 March 2026"))
    ]
    assert after_move == [
        (["uz.coordinator@example.org"], EVENT_SUBJECT.format(date="7 March 2026"))
    ]
    assert again == []
    assert sorted(Reminder.objects.values_list("starts_at", flat=True)) == [
        NOW + 3 * DAY,
        NOW + 5 * DAY,
    ]


def test_inactive_users_and_users_without_e_mail_are_never_reminded(uwed, kaznu, people, run):
    # Only the people who cannot be mailed coordinate these institutions.
    for key in ["uz national", "kz national", "envoy", "uz coordinator"]:
        people[key].delete()
    agreement_ending(20, uwed, kaznu)
    event_starting(DAY, uwed)

    assert run() == []
    assert Reminder.objects.count() == 0


# Recording, delivery and the command


def test_a_reminder_is_recorded_once_per_recipient_and_date(uwed, people):
    event = event_starting(DAY, uwed)
    fields = {
        "kind": Kind.EVENT_COMING_WEEK,
        "recipient": people["uz coordinator"],
        "event": event,
        "starts_at": event.starts_at,
    }
    Reminder.objects.create(**fields)
    Reminder.objects.create(**{**fields, "starts_at": event.starts_at + DAY})

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields)


def test_a_reminder_is_about_an_agreement_or_an_event_not_both(uwed, kaznu, people):
    event = event_starting(DAY, uwed)
    agreement = agreement_ending(20, uwed, kaznu)

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=Kind.EVENT_COMING_WEEK,
            recipient=people["uz coordinator"],
            event=event,
            starts_at=event.starts_at,
            agreement=agreement,
            valid_until=agreement.valid_until,
        )


def test_a_reminder_another_run_recorded_meanwhile_is_not_sent_again(
    uwed, kaznu, people, mailoutbox, django_capture_on_commit_callbacks
):
    agreement_ending(20, uwed, kaznu)
    event_starting(DAY, uwed)
    # Both runs find the same reminders due; the other one records and sends them first.
    due = reminders_due(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        other_run = reminders_send(now=NOW)
    sent_by_other_run = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        this_run = [reminder_send(reminder=reminder, now=NOW) for reminder in due]

    assert (len(due), len(other_run), sent_by_other_run) == (4, 4, 4)
    assert this_run == [False] * 4
    assert (callbacks, len(mailoutbox), Reminder.objects.count()) == ([], 4, 4)


def test_nothing_leaves_before_the_record_commits(uwed, people, mailoutbox):
    event_starting(DAY, uwed)

    with transaction.atomic():
        reminders_send(now=NOW)
        assert Reminder.objects.count() == 1
        transaction.set_rollback(True)

    assert (mailoutbox, Reminder.objects.count()) == ([], 0)


def test_a_failed_mail_is_logged_and_not_retried(
    uwed, people, settings, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    event_starting(DAY, uwed)
    # Nothing listens on the discard port: the connection is refused.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }

    with (
        caplog.at_level(logging.ERROR, logger="reminders.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        recorded = reminders_send(now=NOW)
    assert [reminder.failed for reminder in recorded] == [True]
    failures = [record for record in caplog.records if record.name == "reminders.services"]
    assert [(record.levelno, record.getMessage()) for record in failures] == [
        (
            logging.ERROR,
            "Could not send the reminder 'Dostlik: “Abay. Heritage of Fraternal Peoples” begins "
            "on 3 March 2026' to uz.coordinator@example.org; it is recorded and will not be "
            "retried",
        )
    ]
    assert issubclass(failures[0].exc_info[0], OSError)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=NOW) == []
    assert mailoutbox == []


def test_the_command_prints_what_it_would_send_and_what_it_sent(
    uwed, kaznu, people, mailoutbox, django_capture_on_commit_callbacks
):
    # The command reads the clock, so the dates are counted from now.
    today = timezone.localdate()
    agreement_ending(80, uwed, kaznu, today=today)
    event = event_starting(DAY, uwed, now=timezone.now())
    expiry = expiry_subject(date_format(today + 80 * DAY, "DATE_FORMAT"))
    coming = EVENT_SUBJECT.format(date=date_format(event.local_starts_at, "DATE_FORMAT"))
    lines = [
        *(f"  {address}: {expiry}" for address in NATIONALS),
        f"  uz.coordinator@example.org: {coming}",
    ]

    def command(*args) -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    dry_run = command("--dry-run")
    assert (mailoutbox, Reminder.objects.count()) == ([], 0)
    first, second = command(), command()

    assert dry_run.splitlines() == ["Would send 4 reminders:", *lines]
    assert first.splitlines() == ["Sent 4 reminders:", *lines]
    assert second.splitlines() == ["Sent no reminders: none was due."]
    assert [f"  {mail.to[0]}: {mail.subject}" for mail in mailoutbox] == lines
