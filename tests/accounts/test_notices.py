"""Each kind of mail about a person's work reaches them as they chose on their settings page: at
once, in one summary a day (in the morning of their time zone), or not at all."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from accounts.models import Delivery, MailKind, Notice, User
from accounts.notices import summaries_send
from programmes.models import Partnership, Programme
from programmes.services import PartnerRow, programme_create, programme_submit
from reminders.models import Reminder
from reminders.services import DueReminder, reminder_send
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
TITLE = "Abay. Heritage of Fraternal Peoples"


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, 0, tzinfo=TASHKENT)


@pytest.fixture
def world():
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed, kaznu = InstitutionFactory(country=uz), InstitutionFactory(country=kz)

    def national(username, country, mail):
        user = UserFactory(
            username=username,
            time_zone="Asia/Tashkent",
            mail_preferences={MailKind.DECISIONS_WAITING: mail} if mail else {},
        )
        return NationalCoordinatorFactory(user=user, country=country).user

    return {
        "at once": national("uz.national", uz, ""),
        "daily": national("kz.national", kz, Delivery.DAILY),
        "never": national("kz.deputy", kz, Delivery.NEVER),
        "coordinator": MembershipFactory(institution=uwed).user,
        "uwed": uwed,
        "kaznu": kaznu,
    }


def submitted(world, title=TITLE) -> Programme:
    programme = programme_create(
        actor=world["coordinator"],
        title=title,
        kind=Programme.Kind.EXHIBITION,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 12, 19),
        partners=[
            PartnerRow(institution=world["uwed"], role=Partnership.Role.LEAD),
            PartnerRow(institution=world["kaznu"]),
        ],
    )
    programme_submit(programme=programme, actor=world["coordinator"])
    return programme


def test_each_person_gets_a_submission_as_they_chose(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world)

    assert [mail.to for mail in mailoutbox] == [["uz.national@example.org"]]
    assert list(Notice.objects.values_list("user__username", "kind", "subject", "sent_at")) == [
        ("kz.national", "decisions_waiting", f"Dostlik: “{TITLE}” waits for your decision", None)
    ]


def test_the_summary_leaves_once_a_day_in_the_morning_of_the_persons_zone(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world, "First")
        submitted(world, "Second")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        before_eight = summaries_send(now=at(8, 7))
        at_nine = summaries_send(now=at(8, 9))
        again_at_ten = summaries_send(now=at(8, 10))

    assert (before_eight, at_nine, again_at_ten) == ([], [world["daily"]], [])
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        (["kz.national@example.org"], "Dostlik: your daily summary, 2 messages")
    ]
    body = mailoutbox[0].body
    assert [line for line in body.splitlines() if line.startswith("— ")] == [
        "— Dostlik: “First” waits for your decision",
        "— Dostlik: “Second” waits for your decision",
    ]
    assert "Decide on it here: " in body
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0


def test_the_next_days_summary_carries_only_what_came_since(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world, "First")
        summaries_send(now=at(8, 9))
        submitted(world, "Second")
        same_day = summaries_send(now=at(8, 20))
        next_day = summaries_send(now=at(9, 8))

    assert (same_day, next_day) == ([], [world["daily"]])
    summaries = [mail for mail in mailoutbox if "summary" in mail.subject]
    assert [mail.subject for mail in summaries] == [
        "Dostlik: your daily summary, 1 message",
        "Dostlik: your daily summary, 1 message",
    ]
    assert "“Second”" in summaries[1].body
    assert "“First”" not in summaries[1].body


def test_a_person_who_left_gets_no_summary(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world)
    User.objects.filter(pk=world["daily"].pk).update(is_active=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = summaries_send(now=at(8, 9))

    assert (sent, mailoutbox) == ([], [])


def test_the_settings_page_keeps_how_each_kind_of_mail_comes(client, world):
    person = world["at once"]
    client.force_login(person)

    response = client.post(
        reverse("accounts:settings"),
        {
            "first_name": "Aziz",
            "last_name": "Karimov",
            "time_zone": "Asia/Tashkent",
            "language": "",
            "mail_decisions_waiting": "daily",
            "mail_decisions_taken": "never",
            "mail_reminders": "immediately",
        },
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.first_name, person.last_name) == ("Aziz", "Karimov")
    assert person.mail_preferences == {
        "decisions_waiting": "daily",
        "decisions_taken": "never",
        "reminders": "immediately",
    }
    page = client.get(reverse("accounts:settings")).content.decode()
    checked = [
        (re.search(r'name="([^"]+)"', tag)[1], re.search(r'value="([^"]+)"', tag)[1])
        for tag in re.findall(r"<input[^>]*\bchecked\b[^>]*>", page)
    ]
    assert checked == [
        ("mail_decisions_waiting", "daily"),
        ("mail_decisions_taken", "never"),
        ("mail_reminders", "immediately"),
    ]


def test_a_choice_not_offered_is_refused_and_nothing_changes(client, world):
    person = world["daily"]
    client.force_login(person)

    response = client.post(
        reverse("accounts:settings"),
        {
            "first_name": "Aziz",
            "last_name": "Karimov",
            "time_zone": "Asia/Tashkent",
            "language": "",
            "mail_decisions_waiting": "hourly",
            "mail_decisions_taken": "never",
            "mail_reminders": "immediately",
        },
    )

    person.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "mail_decisions_waiting": ["Choose how this mail reaches you."]
    }
    assert person.mail_preferences == {"decisions_waiting": "daily"}


def test_a_reminder_for_someone_who_reads_reminders_once_a_day_waits_for_the_summary(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world["coordinator"]
    person.mail_preferences = {MailKind.REMINDERS: Delivery.DAILY}
    person.save(update_fields=["mail_preferences"])
    reminder = DueReminder(
        kind=Reminder.Kind.EVENT_COMING_WEEK,
        recipient=person,
        subject="Dostlik: Dombra concert is in 3 days",
        body="Your institution hosts it.",
        event=EventFactory(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        recorded = reminder_send(reminder=reminder, now=at(8, 6))

    assert (recorded, mailoutbox) == (True, [])
    assert list(Notice.objects.values_list("user", "kind", "subject")) == [
        (person.pk, "reminders", "Dostlik: Dombra concert is in 3 days")
    ]
