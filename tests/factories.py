"""Factories for real rows; tests build their world from these, never from mocks."""

import datetime
import zoneinfo
from decimal import Decimal

import factory
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from core.caching import content_changed
from events.models import Event, Venue
from events.services import event_create, event_delete, event_update
from events.tallies import retally, tally_buckets
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from programmes.models import (
    Agreement,
    AgreementParty,
    Decision,
    Partnership,
    Programme,
    ProgrammeVersion,
)
from programmes.versions import approved_content, fingerprint

PASSWORD = "test-password"


class RowFactory(factory.django.DjangoModelFactory):
    """A row made for a test stands for a record the app wrote: like every service and admin
    write, it makes what is cached stale (``core.caching``)."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            content_changed()


class UserFactory(RowFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class CountryFactory(RowFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "UZ"
    name = factory.LazyAttribute(
        lambda country: {"UZ": "Uzbekistan", "KZ": "Kazakhstan", "KG": "Kyrgyzstan"}.get(
            country.code, f"Country {country.code}"
        )
    )
    time_zone = factory.LazyAttribute(
        lambda country: {"KZ": "Asia/Almaty", "KG": "Asia/Bishkek"}.get(
            country.code, "Asia/Tashkent"
        )
    )


class InstitutionFactory(RowFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = Institution.Kind.UNIVERSITY
    country = factory.SubFactory(CountryFactory)
    city = factory.LazyAttribute(
        lambda institution: "Almaty" if institution.country.code == "KZ" else "Tashkent"
    )


class MembershipFactory(RowFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)


class NationalCoordinatorFactory(RowFactory):
    class Meta:
        model = NationalCoordinator

    user = factory.SubFactory(UserFactory)
    country = factory.SubFactory(CountryFactory)


class ViewerFactory(RowFactory):
    class Meta:
        model = Viewer

    user = factory.SubFactory(UserFactory)


class AgreementFactory(RowFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Memorandum of cooperation {n}")
    kind = Agreement.Kind.MEMORANDUM
    signed_on = datetime.date(2022, 12, 22)
    valid_from = factory.SelfAttribute("signed_on")
    valid_until = None


class AgreementPartyFactory(RowFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    institution = factory.SubFactory(InstitutionFactory)


class ProgrammeFactory(RowFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Joint programme {n}")
    kind = Programme.Kind.EXHIBITION
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    status = Programme.Status.DRAFT


class PartnershipFactory(RowFactory):
    class Meta:
        model = Partnership

    programme = factory.SubFactory(ProgrammeFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Partnership.Role.PARTNER


def version_of(programme: Programme) -> ProgrammeVersion:
    """The version of ``programme`` before the national coordinators: as submission makes it,
    from the programme as it stands, when a programme made by a factory has none yet."""
    if programme.current_version is None:
        content = approved_content(programme)
        version = ProgrammeVersion.objects.create(
            programme=programme,
            number=programme.versions.count() + 1,
            made=ProgrammeVersion.Reason.SUBMITTED,
            fingerprint=fingerprint(content),
            content=content,
            adopted_at=timezone.now(),
        )
        Programme.objects.filter(pk=programme.pk).update(current_version=version)
        programme.current_version = version
    return programme.current_version


class DecisionFactory(RowFactory):
    class Meta:
        model = Decision

    programme = factory.SubFactory(ProgrammeFactory)
    version = factory.LazyAttribute(lambda decision: version_of(decision.programme))
    country = factory.SubFactory(CountryFactory)
    decision = Decision.Kind.APPROVED


class VenueFactory(RowFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Hall {n}")
    country = factory.SubFactory(CountryFactory)
    city = "Tashkent"


class EventFactory(RowFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Event {n}")
    kind = Event.Kind.EXHIBITION
    host_institution = factory.SubFactory(InstitutionFactory)
    country = factory.SelfAttribute("host_institution.country")
    city = factory.SelfAttribute("host_institution.city")
    time_zone = factory.SelfAttribute("country.time_zone")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=3))

    @factory.post_generation
    def host_is_partner(event, create, extracted, **kwargs):
        """The host of an event is always one of its programme's partners."""
        if create:
            Partnership.objects.get_or_create(
                programme=event.programme, institution=event.host_institution
            )

    @factory.post_generation
    def tallied(event, create, extracted, **kwargs):
        """The event counts in the reports' tallies, as the services that write events keep
        them."""
        if create:
            retally(tally_buckets(event))


def joint_programme(*, uz: Institution, kz: Institution, **kwargs) -> Programme:
    """A programme led by ``uz`` with ``kz`` as partner."""
    programme = ProgrammeFactory(**kwargs)
    PartnershipFactory(programme=programme, institution=uz, role=Partnership.Role.LEAD)
    PartnershipFactory(
        programme=programme,
        institution=kz,
        funding_amount=Decimal("1000.00"),
        funding_currency="USD",
    )
    if programme.status != Programme.Status.DRAFT:
        version_of(programme)
    return programme


def failed_mail_task(subject: str = "Dostlik: a message the server refused") -> DBTaskResult:
    """A message of the mail queue (core/mail.py) whose last attempt failed, as the worker
    leaves it."""
    return DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={
            "args": [],
            "kwargs": {
                "subject": subject,
                "body": "Salom.",
                "recipients": ["uz@example.org"],
                "attempt": 6,
            },
        },
        task_path="programmes.notifications.send_programme_mail",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        exception_class_path="ConnectionRefusedError",
        traceback="ConnectionRefusedError: [Errno 111] Connection refused",
    )


def weekly_series_with_changes(programme: Programme, host: Institution, **fields) -> Event:
    """A weekly film club of six evenings at 19:00 in Berlin from 17 March 2026, over the clock
    change, made through the services: its second date moved a day later, its third
    cancelled, its fourth left out. Returns its first date."""
    starts = datetime.datetime(2026, 3, 17, 19, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    first = event_create(
        actor=None,
        programme=programme,
        kind=Event.Kind.FILM_SCREENING,
        host_institution=host,
        time_zone="Europe/Berlin",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        recurrence_rule="FREQ=WEEKLY;COUNT=6",
        **{"title": "Film club", **fields},
    )
    dates = list(first.occurrences.order_by("starts_at"))
    event_update(
        event=dates[0],
        actor=None,
        starts_at=dates[0].starts_at + datetime.timedelta(days=1),
        ends_at=dates[0].ends_at + datetime.timedelta(days=1),
    )
    event_update(event=dates[1], actor=None, status=Event.Status.CANCELLED)
    event_delete(event=dates[2], actor=None)
    return first
