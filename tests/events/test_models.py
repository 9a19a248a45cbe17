"""The database refuses event rows that break the rules, whoever writes them."""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction

from events.models import Event
from tests.factories import CountryFactory, EventFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def assert_refused(write):
    """``write`` fails on a database constraint; the savepoint keeps the test's transaction."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize(
    "length", [datetime.timedelta(0), datetime.timedelta(minutes=-1)], ids=["zero", "negative"]
)
def test_event_must_end_after_it_starts(length):
    event = EventFactory()
    rows = Event.objects.filter(pk=event.pk)

    assert_refused(lambda: rows.update(ends_at=event.starts_at + length))
    rows.update(ends_at=event.starts_at + datetime.timedelta(minutes=1))
    event.refresh_from_db()
    assert event.ends_at - event.starts_at == datetime.timedelta(minutes=1)


def test_event_uid_is_unique():
    event = EventFactory()

    assert_refused(lambda: EventFactory(uid=event.uid))
    EventFactory(uid="another@dostlik")
    assert Event.objects.filter(uid=event.uid).count() == 1
    assert Event.objects.count() == 2


@pytest.mark.parametrize("field", ["expected_attendance", "actual_attendance", "youth_attendance"])
def test_attendance_is_never_negative(field):
    event = EventFactory()
    rows = Event.objects.filter(pk=event.pk)

    assert_refused(lambda: rows.update(**{field: -1}))
    rows.update(**{field: 0})
    assert rows.values_list(field, flat=True).get() == 0


def test_youth_attendance_is_within_actual_attendance():
    event = EventFactory()
    rows = Event.objects.filter(pk=event.pk)

    assert_refused(lambda: rows.update(actual_attendance=120, youth_attendance=121))
    rows.update(actual_attendance=120, youth_attendance=120)
    assert rows.values_list("actual_attendance", "youth_attendance").get() == (120, 120)


def test_youth_attendance_may_be_counted_before_the_total():
    event = EventFactory()
    rows = Event.objects.filter(pk=event.pk)

    rows.update(actual_attendance=None, youth_attendance=80)

    assert rows.values_list("actual_attendance", "youth_attendance").get() == (None, 80)


def test_local_start_is_in_the_event_time_zone():
    event = EventFactory(
        starts_at=datetime.datetime(2022, 12, 19, 5, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2022, 12, 19, 8, 0, tzinfo=UTC),
        time_zone="Asia/Tashkent",
    )
    event.refresh_from_db()

    local = event.local_starts_at
    assert local.replace(tzinfo=None) == datetime.datetime(2022, 12, 19, 10, 0)
    assert local.tzinfo == zoneinfo.ZoneInfo("Asia/Tashkent")
    assert local.utcoffset() == datetime.timedelta(hours=5)
    assert event.local_ends_at.replace(tzinfo=None) == datetime.datetime(2022, 12, 19, 13, 0)


def test_local_start_follows_the_zone_rules_of_its_date():
    """Almaty was UTC+6 until 2024-03-01 and is UTC+5 since."""
    host = InstitutionFactory(country=CountryFactory(code="KZ"))
    before = EventFactory(
        host_institution=host, starts_at=datetime.datetime(2022, 12, 19, 4, 0, tzinfo=UTC)
    )
    after = EventFactory(
        host_institution=host, starts_at=datetime.datetime(2024, 12, 19, 5, 0, tzinfo=UTC)
    )

    assert before.time_zone == "Asia/Almaty"
    assert before.local_starts_at.replace(tzinfo=None) == datetime.datetime(2022, 12, 19, 10, 0)
    assert after.local_starts_at.replace(tzinfo=None) == datetime.datetime(2024, 12, 19, 10, 0)
